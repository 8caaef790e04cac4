"""The common books read from the core store's ``nsi_books``/``nsi_elements`` tables.

An element's Modified is when the hub got it (migration seed or ``hub nsi load``): that is what a
``ModifiedAfter`` delta compares with. A book's Modified is its newest element or its own load.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Select, false, func, select

from hub.areas.nsi.tables import nsi_books, nsi_elements
from hub.areas.nsi.usecase import BookElement, BookSummary
from hub.store.base import Store


def _utc(value: datetime) -> datetime:
    """SQLite gives back naive UTC; PostgreSQL an aware value."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _storable(registry: int) -> bool:
    """Whether the INTEGER column can hold it (xs:integer can be any size; PostgreSQL's int4 not)."""
    return 0 <= registry < 2**31


class SqlNsiBooks:
    """``hub.areas.nsi.usecase.NsiBooksView`` over the store (one read transaction per call)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def books(self) -> Sequence[BookSummary]:
        newest = (
            select(nsi_elements.c.registry, func.max(nsi_elements.c.loaded_at).label("newest"))
            .group_by(nsi_elements.c.registry)
            .subquery()
        )
        query = (
            select(nsi_books.c.registry, nsi_books.c.name, nsi_books.c.loaded_at, newest.c.newest)
            .join(newest, newest.c.registry == nsi_books.c.registry, isouter=True)
            .order_by(nsi_books.c.registry)
        )
        with self.store.reading() as conn:
            rows = conn.execute(query).all()
        return [BookSummary(r.registry, r.name, max(_utc(r.loaded_at), _utc(r.newest or r.loaded_at))) for r in rows]

    def has_book(self, registry: int) -> bool:
        if not _storable(registry):
            return False
        with self.store.reading() as conn:
            return (
                conn.execute(select(nsi_books.c.registry).where(nsi_books.c.registry == registry)).first() is not None
            )

    @staticmethod
    def _where(query: Select, registry: int, modified_after: datetime | None) -> Select:  # type: ignore[type-arg]
        if not _storable(registry):  # a registry number the column cannot hold: no such book
            return query.where(false())
        query = query.where(nsi_elements.c.registry == registry)
        if modified_after is not None:
            query = query.where(nsi_elements.c.loaded_at > _utc(modified_after))
        return query

    def count(self, registry: int, modified_after: datetime | None) -> int:
        with self.store.reading() as conn:
            return int(conn.execute(self._where(select(func.count()), registry, modified_after)).scalar_one())

    def elements(
        self, registry: int, modified_after: datetime | None, offset: int = 0, limit: int | None = None
    ) -> Sequence[BookElement]:
        columns = (nsi_elements.c.code, nsi_elements.c.guid, nsi_elements.c.name, nsi_elements.c.is_actual)
        query = self._where(select(*columns, nsi_elements.c.loaded_at), registry, modified_after)
        query = query.order_by(nsi_elements.c.code).offset(offset).limit(limit)
        with self.store.reading() as conn:
            rows = conn.execute(query).all()
        return [BookElement(r.code, r.guid, r.name, r.is_actual, _utc(r.loaded_at)) for r in rows]
