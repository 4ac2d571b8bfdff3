"""HTTP layer: the engine client, the model-aware XML codec, and the typed errors they raise.

Nothing is imported here so that importing a submodule stays cheap.
"""

import sys

# httpx imports its own command-line module at import time, which loads pygments (and fails
# on rich); the shell never uses it, and -E mode must not pay for pygments. Set here, before
# any module of this package imports httpx.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
