"""The ``own_nsi`` port (``hub.services.ports.OwnNsiLookup``) the nsi area provides to other areas.

Payment documents check the services they charge against the issuer's own NSI 1 and NSI 51
through it, without importing this area.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection

from hub.areas.nsi.own_store import SqlOwnBooks
from hub.services.ports import OwnNsiItem


class SqlOwnNsiLookup:
    """``OwnNsiLookup`` on the caller's connection (so it sees the caller's own writes)."""

    def __init__(self, conn: Connection) -> None:
        self.books = SqlOwnBooks(conn)

    def find(self, org_id: int, registry: int, keys: Collection[str]) -> dict[str, OwnNsiItem]:
        return {
            key: OwnNsiItem(e.registry, e.code, e.guid, e.name, e.is_actual)
            for key, e in self.books.find(org_id, registry, keys).items()
        }
