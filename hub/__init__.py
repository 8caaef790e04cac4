"""zhkh-hub: an integration hub that speaks the GIS ZhKKh integration interface.

Nothing is done at import time: entry points (``hub.cli``, ``hub.soap.app``, ``hub.queue.worker``)
build what they need through ``hub.composition``.
"""

__version__ = "0.1.0"
