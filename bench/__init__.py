"""Benchmarks: ``python -m bench`` (``make bench``). Results print as a table and go to bench/results/."""
