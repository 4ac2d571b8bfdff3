"""HTTP layer: the engine client, the model-aware XML codec, and the typed errors they raise.

Nothing is imported here so that importing a submodule stays cheap.
"""
