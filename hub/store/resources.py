"""Reading resources for the REST API: cursor pages by id, and the core store's own resources.

Every list is ordered by the table's id (it only grows, so a page never shifts under a client
walking the list while others write); the cursor is the last id seen (``next_cursor``). The
areas' read modules (``hub.areas.<area>.reads``) page through :func:`page_by_id` as well, so every
resource pages the same way. Organizations and NSI books live in core tables: their readers are here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from hub.services.ports import ReadScope, ResourceFilter, ResourcePage, ResourceSpec
from hub.store.base import Store, aware
from hub.store.tables import nsi_books, nsi_elements, organizations

MODIFIED_SINCE = ResourceFilter(
    "modified_since", "Только изменённые начиная с этого момента (ISO 8601), для дельта-синхронизации", "datetime"
)


def page_by_id(
    store: Store,
    query: Select[Any],
    id_column: ColumnElement[Any],
    cursor: int | None,
    limit: int,
    item: Callable[[Any], dict[str, Any]],
    expand: Callable[[Any, list[Any]], Mapping[int, dict[str, Any]]] | None = None,
) -> ResourcePage:
    """Up to ``limit`` rows of ``query`` after the cursor in id order, as items.

    ``expand(conn, rows)`` may read what belongs to the page's rows in one more query (an
    account's accommodations): ``{row id: extra fields}``.
    """
    if cursor is not None:
        query = query.where(id_column > cursor)
    query = query.order_by(id_column).limit(limit + 1)
    with store.reading() as conn:
        rows = list(conn.execute(query))[: limit + 1]
        more = len(rows) > limit
        rows = rows[:limit]
        extra = expand(conn, rows) if expand is not None and rows else {}
    items = [{**item(row), **extra.get(row.id, {})} for row in rows]
    return ResourcePage(items, int(rows[-1].id) if more else None)


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC (SQLite gives naive values)."""
    found = aware(value)
    return found.isoformat() if found is not None else None


def nsi_ref(row: Any, prefix: str) -> dict[str, str] | None:
    """An NSI reference stored as ``<prefix>_code/_guid/_name`` columns, or None when unset."""
    code = getattr(row, f"{prefix}_code")
    if code is None:
        return None
    return {"code": code, "guid": getattr(row, f"{prefix}_guid"), "name": getattr(row, f"{prefix}_name")}


class SqlOrganizations:
    """``organizations``: an organization's token sees itself, the operator's every organization."""

    spec = ResourceSpec(
        "organizations",
        "Организации, зарегистрированные в хабе",
        "orgPPAGUID",
        (ResourceFilter("ogrn", "ОГРН или ОГРНИП"),),
    )

    def __init__(self, store: Store) -> None:
        self.store = store

    def _query(self, scope: ReadScope) -> Select[Any]:
        query = select(
            organizations.c.id,
            organizations.c.ppaguid,
            organizations.c.name,
            organizations.c.ogrn,
            organizations.c.inn,
            organizations.c.kpp,
            organizations.c.roles,
            organizations.c.created_at,
        )
        if not scope.everything:
            query = query.where(organizations.c.id == scope.organization_id)
        return query

    @staticmethod
    def _item(row: Any) -> dict[str, Any]:
        return {
            "org_ppa_guid": row.ppaguid,
            "name": row.name,
            "ogrn": row.ogrn,
            "inn": row.inn,
            "kpp": row.kpp or None,
            "roles": [role for role in row.roles.split(",") if role],
            "created_at": iso(row.created_at),
        }

    def page(self, scope: ReadScope, filters: Mapping[str, Any], cursor: int | None, limit: int) -> ResourcePage:
        query = self._query(scope)
        if filters.get("ogrn"):
            query = query.where(organizations.c.ogrn == filters["ogrn"])
        return page_by_id(self.store, query, organizations.c.id, cursor, limit, self._item)

    def get(self, scope: ReadScope, key: str) -> dict[str, Any] | None:
        with self.store.reading() as conn:
            row = conn.execute(self._query(scope).where(organizations.c.ppaguid == key.strip().lower())).first()
        return self._item(row) if row is not None else None


class SqlNsiBooks:
    """``nsi``: the NSI books the hub holds (public reference data: every token reads them) and
    their items (``items``, with ``modified_since`` for delta sync)."""

    spec = ResourceSpec("nsi", "Справочники НСИ, которые знает хаб", "registry number")

    def __init__(self, store: Store) -> None:
        self.store = store

    _BOOKS = select(
        nsi_books.c.registry.label("id"),
        nsi_books.c.name,
        nsi_books.c.complete,
        nsi_books.c.source,
        nsi_books.c.loaded_at,
    )

    @staticmethod
    def _book(row: Any) -> dict[str, Any]:
        return {
            "registry_number": row.id,
            "name": row.name,
            "complete": bool(row.complete),
            "source": row.source,
            "loaded_at": iso(row.loaded_at),
        }

    def page(self, scope: ReadScope, filters: Mapping[str, Any], cursor: int | None, limit: int) -> ResourcePage:
        return page_by_id(self.store, self._BOOKS, nsi_books.c.registry, cursor, limit, self._book)

    def get(self, scope: ReadScope, key: str) -> dict[str, Any] | None:
        number = _registry_number(key)
        if number is None:
            return None
        with self.store.reading() as conn:
            row = conn.execute(self._BOOKS.where(nsi_books.c.registry == number)).first()
            if row is None:
                return None
            count = conn.execute(select(func.count()).where(nsi_elements.c.registry == number)).scalar_one()
        return {**self._book(row), "items": int(count)}

    def items(self, key: str, modified_since: datetime | None, cursor: int | None, limit: int) -> ResourcePage | None:
        """A book's items in code order of loading (None: no such book)."""
        if self.get(ReadScope(None), key) is None:
            return None
        number = _registry_number(key)
        # nsi_elements has a composite key: page by the rowid-like code order is not an integer;
        # the (registry, code) primary key orders them, the cursor is the position in that order
        query = select(
            func.row_number().over(order_by=nsi_elements.c.code).label("id"),
            nsi_elements.c.code,
            nsi_elements.c.guid,
            nsi_elements.c.name,
            nsi_elements.c.is_actual,
            nsi_elements.c.loaded_at,
        ).where(nsi_elements.c.registry == number)
        if modified_since is not None:
            query = query.where(nsi_elements.c.loaded_at >= modified_since)
        numbered = query.subquery()
        return page_by_id(self.store, select(numbered), numbered.c.id, cursor, limit, _nsi_item)


def _nsi_item(row: Any) -> dict[str, Any]:
    return {
        "code": row.code,
        "guid": row.guid,
        "name": row.name,
        "is_actual": bool(row.is_actual),
        "modified_at": iso(row.loaded_at),
    }


def _registry_number(key: str) -> int | None:
    text = key.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
