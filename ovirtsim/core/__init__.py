"""The bottom layer: the API model, the store, the scheduler, seeds, faults, the handler
registry and the context handlers receive. Nothing here knows about HTTP or about VMs."""
