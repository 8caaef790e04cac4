"""An organization's own books in the store (tables in ``hub.areas.nsi.tables``, migration 0015).

An import locks its book's ``org_nsi_books`` row first (created on the first import), so two
workers importing into one organization's book take turns: Codes are given without gaps or
repeats and the unique-name rule cannot be raced. Different books and organizations do not wait
for each other.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hub.areas.nsi.own import OwnElement
from hub.areas.nsi.tables import org_nsi_books, org_nsi_elements
from hub.store.base import Store
from hub.store.imports import SqlImportSession, SqlImportStore

_E = org_nsi_elements.c


def _utc(value: datetime) -> datetime:
    """SQLite gives back naive UTC; PostgreSQL an aware value."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _element(row: Row[Any]) -> OwnElement:
    return OwnElement(
        guid=row.guid,
        org_id=row.org_id,
        registry=row.registry,
        code=row.code,
        name=row.name,
        fields=row.fields,
        is_actual=row.is_actual,
        created_at=_utc(row.created_at),
        modified_at=_utc(row.modified_at),
    )


def _values(element: OwnElement) -> dict[str, Any]:
    return {
        "guid": element.guid,
        "org_id": element.org_id,
        "registry": element.registry,
        "code": element.code,
        "name": element.name,
        "fields": dict(element.fields),
        "is_actual": element.is_actual,
        "created_at": element.created_at,
        "modified_at": element.modified_at,
    }


class SqlOwnBooks:
    """``OwnBookRepository`` and the reads of ``OwnBooksView`` on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_book(self, org_id: int, registry: int) -> None:
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        self.conn.execute(
            dialect.insert(org_nsi_books).values(org_id=org_id, registry=registry, last_code=0).on_conflict_do_nothing()
        )
        book = (org_nsi_books.c.org_id == org_id) & (org_nsi_books.c.registry == registry)
        self.conn.execute(select(org_nsi_books.c.last_code).where(book).with_for_update())

    def next_code(self, org_id: int, registry: int) -> int:
        book = (org_nsi_books.c.org_id == org_id) & (org_nsi_books.c.registry == registry)
        statement = update(org_nsi_books).where(book).values(last_code=org_nsi_books.c.last_code + 1)
        return int(self.conn.execute(statement.returning(org_nsi_books.c.last_code)).scalar_one())

    def get(self, guid: str) -> OwnElement | None:
        row = self.conn.execute(select(org_nsi_elements).where(_E.guid == guid)).first()
        return _element(row) if row is not None else None

    def name_taken(self, org_id: int, registry: int, name: str, *, except_guid: str | None) -> bool:
        query = select(_E.guid).where(
            _E.org_id == org_id, _E.registry == registry, _E.name == name, _E.is_actual.is_(True)
        )
        if except_guid is not None:
            query = query.where(_E.guid != except_guid)
        return self.conn.execute(query.limit(1)).first() is not None

    def add(self, element: OwnElement) -> None:
        self.conn.execute(org_nsi_elements.insert().values(_values(element)))

    def replace(self, element: OwnElement) -> None:
        self.conn.execute(update(org_nsi_elements).where(_E.guid == element.guid).values(_values(element)))

    def elements(self, org_id: int, registry: int, modified_after: datetime | None) -> Sequence[OwnElement]:
        if not 0 <= registry < 2**31:  # xs:integer beyond the column: no such book
            return []
        query = select(org_nsi_elements).where(_E.org_id == org_id, _E.registry == registry)
        if modified_after is not None:
            query = query.where(_E.modified_at > _utc(modified_after))
        rows = self.conn.execute(query.order_by(_E.id)).all()
        return [_element(row) for row in rows]

    def find(self, org_id: int, registry: int, keys: Collection[str]) -> dict[str, OwnElement]:
        """Elements of the organization's book by Code or GUID (as given, GUIDs lowercased)."""
        wanted = {key.strip() for key in keys if key.strip()}
        if not wanted:
            return {}
        guids = {key.lower() for key in wanted}
        query = select(org_nsi_elements).where(
            _E.org_id == org_id, _E.registry == registry, _E.code.in_(wanted) | _E.guid.in_(guids)
        )
        found: dict[str, OwnElement] = {}
        for row in self.conn.execute(query):
            element = _element(row)
            for key in wanted:
                if key == element.code or key.lower() == element.guid:
                    found[key] = element
        return found


class OwnImportSessionSql(SqlImportSession):
    """``OwnImportSession``: the import transaction with the organization's books."""

    def __init__(self, conn: Connection, inbox_id: int) -> None:
        super().__init__(conn, inbox_id)
        self.books = SqlOwnBooks(conn)


def own_import_store(store: Store) -> SqlImportStore[OwnImportSessionSql]:
    return SqlImportStore(store, OwnImportSessionSql)


class SqlOwnBooksView:
    """``OwnBooksView``: one read transaction per call."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def elements(self, org_id: int, registry: int, modified_after: datetime | None) -> Sequence[OwnElement]:
        with self.store.reading() as conn:
            return SqlOwnBooks(conn).elements(org_id, registry, modified_after)
