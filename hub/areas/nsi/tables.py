"""The books' tables: ``nsi_books`` and ``nsi_elements`` stay in the core store.

The pipeline's NSI catalog (``hub.store.nsi``) resolves every area's references with them and
``hub nsi load`` fills them, so they are defined on the shared metadata in ``hub.store.tables``
(migration 0003) and only named here for this area's store.
"""

from __future__ import annotations

from hub.store.tables import nsi_books, nsi_elements

__all__ = ["nsi_books", "nsi_elements"]
