"""NSI books in the store: the catalog the handlers resolve codes with, and loading.

The catalog is read-mostly and consulted for every reference of every object, so it is held
in memory and refreshed from the database at most every ``ttl`` seconds (``hub nsi load`` in
another process becomes visible to running workers within that time).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, update

from hub.services.ports import AuditEvent, NsiElement
from hub.store.audit import write_audit
from hub.store.base import Store
from hub.store.tables import nsi_books, nsi_elements

#: Same namespace as migration 0003: the hub's GUID of an element is uuid5(registry:code).
NSI_NAMESPACE = uuid.UUID("6a0d6b2e-7c5e-5b7a-9a51-6e5b1d3f0a24")


def element_guid(registry: int, code: str) -> str:
    return str(uuid.uuid5(NSI_NAMESPACE, f"{registry}:{code}"))


@dataclass(frozen=True, slots=True)
class LoadedElement:
    code: str
    name: str
    is_actual: bool


@dataclass(frozen=True, slots=True)
class BookInfo:
    registry: int
    name: str
    complete: bool
    source: str
    elements: int


class SqlNsiCatalog:
    """``hub.services.ports.NsiCatalog`` over the ``nsi_*`` tables, cached in memory."""

    def __init__(self, store: Store, *, ttl: float = 60.0) -> None:
        self.store = store
        self.ttl = ttl
        self._lock = threading.Lock()
        self._loaded_at = -1e9
        self._complete: set[int] = set()
        self._elements: dict[tuple[int, str], NsiElement] = {}

    def _refresh(self) -> None:
        if time.monotonic() - self._loaded_at < self.ttl:
            return
        with self._lock:
            if time.monotonic() - self._loaded_at < self.ttl:
                return
            with self.store.reading() as conn:
                complete = {r for (r,) in conn.execute(select(nsi_books.c.registry).where(nsi_books.c.complete))}
                rows = conn.execute(
                    select(
                        nsi_elements.c.registry, nsi_elements.c.code, nsi_elements.c.guid, nsi_elements.c.name
                    ).where(nsi_elements.c.is_actual)
                ).all()
            self._complete = complete
            self._elements = {(r.registry, r.code): NsiElement(r.registry, r.code, r.guid, r.name) for r in rows}
            self._loaded_at = time.monotonic()

    def invalidate(self) -> None:
        self._loaded_at = -1e9

    def has_book(self, registry: int) -> bool:
        self._refresh()
        return registry in self._complete

    def element(self, registry: int, code: str) -> NsiElement | None:
        self._refresh()
        return self._elements.get((registry, code))


def load_book(
    store: Store, registry: int, name: str, elements: Iterable[LoadedElement], *, source: str, actor: str
) -> int:
    """Replace book ``registry`` with a complete set of elements (from a GIS export)."""
    now = datetime.now(UTC)
    items = list(elements)
    with store.writing() as conn:
        conn.execute(delete(nsi_elements).where(nsi_elements.c.registry == registry))
        if items:
            conn.execute(
                insert(nsi_elements),
                [
                    {
                        "registry": registry,
                        "code": e.code,
                        "guid": element_guid(registry, e.code),
                        "name": e.name,
                        "is_actual": e.is_actual,
                        "source": "gis-export",
                        "loaded_at": now,
                    }
                    for e in items
                ],
            )
        exists = conn.execute(select(nsi_books.c.registry).where(nsi_books.c.registry == registry)).first()
        values = {"name": name, "complete": True, "source": source[:200], "loaded_at": now}
        if exists:
            conn.execute(update(nsi_books).where(nsi_books.c.registry == registry).values(**values))
        else:
            conn.execute(insert(nsi_books).values(registry=registry, **values))
        write_audit(conn, AuditEvent(actor, "loaded", "nsi", str(registry), {"elements": len(items)}), now)
    return len(items)


def books(store: Store) -> list[BookInfo]:
    """The books the hub has, with their element counts."""
    with store.reading() as conn:
        counted = select(nsi_elements.c.registry, func.count()).group_by(nsi_elements.c.registry)
        per_book = {int(registry): int(count) for registry, count in conn.execute(counted).all()}
        rows = conn.execute(select(nsi_books).order_by(nsi_books.c.registry)).all()
    return [BookInfo(r.registry, r.name, r.complete, r.source, int(per_book.get(r.registry, 0))) for r in rows]
