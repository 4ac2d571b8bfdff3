"""Output: the renderers (text, table, json, xml, csv), highlighting and the pager.

Importing this package is cheap: pygments loads only when colour is used.
"""

from ovirtshell.output.render import FORMATS, render, render_error

__all__ = ["FORMATS", "render", "render_error"]
