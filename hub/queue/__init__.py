"""queue layer (see docs/ARCHITECTURE.md)."""
