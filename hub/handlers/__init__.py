"""Operation handlers: decode a stored payload, run the use case, encode the result fragment.

One module per GIS service. ``hub.composition`` builds the ``operation name → handler`` map the
worker uses; adding an operation means adding a handler here and a row in
``hub.contract.operations``.
"""
