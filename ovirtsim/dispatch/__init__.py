"""The dispatch path: authorization gate, validation, generic operations, search, and the
fault mapping every API request passes on its way to the domain handlers."""
