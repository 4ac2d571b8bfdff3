"""How commands reach Shell.execute: interactively, from -E, or from a file or stdin."""
