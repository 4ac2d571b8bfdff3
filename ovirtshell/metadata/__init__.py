"""What the engine's API model says: frozen model, on-disk cache, and the command index built on it."""
