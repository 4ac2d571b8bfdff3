"""The interactive front-end; the only place (with completer/ptk.py) that imports prompt_toolkit."""
