"""services layer (see docs/ARCHITECTURE.md)."""
