"""The HTTP layer: the starlette app (SSO, PKI, /sim control), routing of URLs to nodes,
the model-aware XML/JSON codec, request parsing and reply rendering."""
