"""soap layer (see docs/ARCHITECTURE.md)."""
