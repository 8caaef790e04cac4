"""Business areas: one package each, with the same file names.

``codec`` (XML ↔ domain), ``rules`` (pure domain rules), ``usecase`` (the area's use cases and
the ports they need), ``tables`` (its part of the shared metadata), ``store`` (repositories),
``handlers`` (the operation handlers the worker runs) and ``registry`` (the operations it serves).
The pipeline never imports an area by name: it finds them through ``hub.contract.registry``.
"""
