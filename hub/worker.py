"""The worker entry point: dramatiq actors that process inbox entries."""
