"""Output: the renderers (text, table, json, xml, csv), highlighting and the pager.

Importing this package is cheap: pygments and tabulate load only when a format uses them.
"""

from ovirtshell.output.render import FORMATS, render, render_error

__all__ = ["FORMATS", "render", "render_error"]
