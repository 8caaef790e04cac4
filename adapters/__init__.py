"""Input-format adapters (Excel templates first) that turn files into canonical payloads."""
