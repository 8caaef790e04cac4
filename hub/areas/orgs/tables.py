"""The registry's organizations are the hub's directory: ``organizations`` of the core store.

Authentication reads the same table (``hub.store.directory``), so it stays on the shared
metadata in ``hub.store.tables`` and is only named here for this area's store. So do the links
of information systems to their data providers (``system_links``, ``hub.store.systems``):
``hub system link`` writes them, exportDataProvider reads them.
"""

from __future__ import annotations

from hub.store.systems import system_links
from hub.store.tables import organizations

__all__ = ["organizations", "system_links"]
