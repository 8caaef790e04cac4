"""The shared test kit: what the tests and the benchmarks both need, in one place.

``messages`` builds signed SOAP requests to the hub (and ``answers`` reads its answers);
``elements``, ``houses`` and ``accounts`` build the payloads; ``seeds`` inserts houses straight
into a store; ``pki`` issues the test certificates; ``databases`` makes fresh migrated
databases fast (a migrated template copied per database).

``hub`` never imports it, and it imports nothing of ``tests`` or ``bench`` (import-linter
contracts in pyproject.toml). It is not part of the installed distribution: the tests get it
on ``sys.path`` from pytest's ``pythonpath``, the benchmarks from ``python -m bench`` run at the
repository root.
"""
