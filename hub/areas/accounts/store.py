"""Personal accounts in the store: the repository, import sessions and export views.

Tables (``tables.py``, migration ``0005_accounts``)::

    accounts                 id PK, guid (hub UUIDv7, unique), org_id FK organizations (owner =
                             the sender that created it), kind (isUOAccount …), account_number
                             (unique per org_id), unique_number (unique), unified_number
                             (ЕЛС, unique), service_counter (last ИЖКУ ordinal), living_persons,
                             total_square/residential_square/heated_area (decimal text),
                             close_reason_code/guid/name (NSI 22), close_date, close_description,
                             payer_* (every PayerInfo field as a column), reasons (AccountReasons
                             XML as received), created_at, updated_at
    account_accommodations   id PK, account_id FK accounts, ordinal (the ИЖКУ suffix), target
                             ('premises' | 'room' | 'house'), object_guid, house_guid (FIAS),
                             share (decimal text), service_id (ИЖКУ, unique)

Decimals are stored as their text, exactly as received: SQLite has no exact decimal type, and
shares are summed in Python over a handful of rows. Concurrency: the AccountNumber rule is
backed by a unique constraint (a race loses with the same coded error); the 100 % share rule
takes a PostgreSQL advisory lock per object for the rest of the transaction (SQLite has one
writer, which already serializes); an updated account row is locked ``FOR UPDATE``.
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from hub.areas.accounts import rules as dom
from hub.areas.accounts.rows import accommodation_values, account_from_rows, account_values
from hub.areas.accounts.rules import Account, AccountKind, Target
from hub.areas.accounts.tables import account_accommodations, accounts
from hub.areas.accounts.usecase import HeldShare, Selection
from hub.errors import HubError
from hub.services.imports import ChunkConflictError
from hub.services.ports import HousingLookup
from hub.store import bulk, sequences
from hub.store.base import Store
from hub.store.imports import SqlImportSession, SqlImportStore

_INSERT_RETURNING_ID = insert(accounts).returning(accounts.c.id)
_UPDATE_BY_ID = update(accounts).where(accounts.c.id == bindparam("_id"))
_INSERT_PLACES = insert(account_accommodations)
#: one advisory lock per key, taken in the array's order (unnest keeps it)
_LOCK_OBJECTS = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS t(k)")

# PostgreSQL chunk prefetches: one probe of an index per wanted value, whatever the statistics.
# An ``IN`` list let the planner, on tables that grew faster than autovacuum analyzed them (a
# fresh hub's first bulk load), read ALL of the organization's accounts by the ``org_id``
# prefix and filter them: O(accounts of the organization) per chunk (measured: 9 ms per
# 100-account message at 4 300 accounts, growing). ``LATERAL … LIMIT 1`` on the unique
# (org_id, account_number) key, on the primary key alone (given the organization too, the planner
# preferred the org_id prefix), and ``OFFSET 0`` (no flattening) around the per-object
# accommodation lookup keep it O(chunk).
_PG_NUMBER_OWNERS = text(
    "SELECT n.number AS account_number, a.guid FROM unnest(CAST(:numbers AS text[])) AS n(number)"
    " CROSS JOIN LATERAL (SELECT guid FROM accounts"
    " WHERE org_id = :org_id AND account_number = n.number LIMIT 1) AS a"
)
_PG_OPEN_SHARES = text(
    "SELECT a.guid, a.kind, p.target, p.object_guid, p.share FROM unnest(CAST(:objects AS text[])) AS n(object_guid)"
    " CROSS JOIN LATERAL (SELECT account_id, target, object_guid, share FROM account_accommodations"
    " WHERE object_guid = n.object_guid AND share IS NOT NULL OFFSET 0) AS p"
    " CROSS JOIN LATERAL (SELECT guid, kind, org_id, close_date FROM accounts WHERE id = p.account_id LIMIT 1) AS a"
    " WHERE a.org_id = :org_id AND a.close_date IS NULL"
)

#: The same on SQLite, without statistics to plan by: CROSS JOIN fixes the join order (SQLite
#: never reorders it), so the object index drives the query; left to itself the planner walked
#: every account of the organization by the (org_id, number) key — 8.7 ms at 8 300 accounts.
_SQLITE_OPEN_SHARES = text(
    "SELECT a.guid, a.kind, p.target, p.object_guid, p.share FROM account_accommodations AS p"
    " CROSS JOIN accounts AS a"
    " WHERE p.object_guid IN (SELECT value FROM json_each(:objects)) AND p.share IS NOT NULL"
    " AND a.id = p.account_id AND a.org_id = :org_id AND a.close_date IS NULL"
)


@functools.cache
def _sqlite_number_owners() -> Select[Any]:
    """SQLite: the (org_id, number) key probed per number (statement built once; see ``bulk.json_values``)."""
    return select(accounts.c.account_number, accounts.c.guid).where(
        accounts.c.org_id == bindparam("org_id"), accounts.c.account_number.in_(bulk.json_values("numbers"))
    )


@functools.cache
def _sqlite_ids() -> Select[Any]:
    """SQLite: the ids of just-written accounts by GUID (no RETURNING from an executemany)."""
    return select(accounts.c.guid, accounts.c.id).where(accounts.c.guid.in_(bulk.json_values("guids")))


def _held(row: Any) -> HeldShare:
    return HeldShare(row.guid, AccountKind(row.kind), (Target(row.target), row.object_guid), Decimal(row.share))


def _is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


class SqlAccounts:
    """``AccountRepository`` and ``AccountFinder`` on one connection (one transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- reading ---------------------------------------------------------------------------

    def _load(self, rows: Sequence[Any]) -> list[Account]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        places: dict[int, list[Any]] = {i: [] for i in ids}
        query = (
            select(account_accommodations)
            .where(bulk.one_of(self.conn, account_accommodations.c.account_id, ids))
            .order_by(account_accommodations.c.account_id, account_accommodations.c.ordinal)
        )
        for place in self.conn.execute(query):
            places[place.account_id].append(place)
        return [account_from_rows(row, places[row.id]) for row in rows]

    def get(self, guid: str, *, for_update: bool = False) -> Account | None:
        query = select(accounts).where(accounts.c.guid == guid.lower())
        if for_update and _is_postgres(self.conn):
            query = query.with_for_update()
        found = self._load(self.conn.execute(query).all())
        return found[0] if found else None

    def select(self, by: Selection, values: Sequence[str]) -> list[Account]:
        query = select(accounts)
        if by is Selection.GUID:
            query = query.where(bulk.one_of(self.conn, accounts.c.guid, values))
        elif by is Selection.UNIFIED_NUMBER:
            query = query.where(bulk.one_of(self.conn, accounts.c.unified_number, values))
        else:
            column = (
                account_accommodations.c.house_guid if by is Selection.HOUSE else account_accommodations.c.service_id
            )
            owners = select(account_accommodations.c.account_id).where(bulk.one_of(self.conn, column, values))
            query = query.where(accounts.c.id.in_(owners))
        return self._load(self.conn.execute(query.order_by(accounts.c.id)).all())

    def number_taken(self, org_id: int, number: str, *, except_guid: str | None) -> bool:
        query = select(func.count()).where(accounts.c.org_id == org_id, accounts.c.account_number == number)
        if except_guid is not None:
            query = query.where(accounts.c.guid != except_guid)
        return bool(self.conn.execute(query).scalar_one())

    def lock_objects(self, keys: Collection[tuple[Target, str]]) -> None:
        """The per-object share locks, in GUID order (one statement: a chunk locks many)."""
        if not _is_postgres(self.conn):
            return
        ordered = [zlib.crc32(f"account-share:{guid}".encode()) for guid in sorted({guid for _target, guid in keys})]
        self.conn.execute(_LOCK_OBJECTS, {"keys": ordered})

    def shares_taken(
        self, org_id: int, kind: AccountKind, keys: Collection[tuple[Target, str]], *, except_guid: str | None
    ) -> dict[tuple[Target, str], Decimal]:
        wanted = set(keys)
        places = account_accommodations
        query = (
            select(places.c.target, places.c.object_guid, places.c.share)
            .join(accounts, accounts.c.id == account_accommodations.c.account_id)
            .where(
                accounts.c.org_id == org_id,
                accounts.c.kind == kind.value,
                accounts.c.close_date.is_(None),
                account_accommodations.c.object_guid.in_([guid for _t, guid in wanted]),
                account_accommodations.c.share.is_not(None),
            )
        )
        if except_guid is not None:
            query = query.where(accounts.c.guid != except_guid)
        taken: dict[tuple[Target, str], Decimal] = {}
        for row in self.conn.execute(query):
            key = (Target(row.target), row.object_guid)
            if key in wanted:
                taken[key] = taken.get(key, Decimal(0)) + Decimal(row.share)
        return taken

    # --- writing ---------------------------------------------------------------------------

    def allocate(self, sequence: str) -> int:
        return sequences.next_value(self.conn, sequence)

    # --- chunks (hub.areas.accounts.chunks) -------------------------------------------------

    def get_many(self, guids: Collection[str], *, for_update: bool = False) -> dict[str, Account]:
        found: dict[str, Account] = {}
        keys = sorted({guid.lower() for guid in guids})
        query = select(accounts).where(bulk.one_of(self.conn, accounts.c.guid, keys)).order_by(accounts.c.guid)
        if for_update and _is_postgres(self.conn):
            query = query.with_for_update()
        found.update((a.guid, a) for a in self._load(self.conn.execute(query).all()))
        return found

    def number_owners(self, org_id: int, numbers: Collection[str]) -> dict[str, str]:
        wanted = sorted(numbers)
        if _is_postgres(self.conn):
            rows = self.conn.execute(_PG_NUMBER_OWNERS, {"numbers": wanted, "org_id": org_id})
        else:
            rows = self.conn.execute(_sqlite_number_owners(), {"numbers": json.dumps(wanted), "org_id": org_id})
        return {row.account_number: row.guid for row in rows}

    def open_shares(self, org_id: int, object_guids: Collection[str]) -> list[HeldShare]:
        wanted = sorted(object_guids)
        if _is_postgres(self.conn):
            rows = self.conn.execute(_PG_OPEN_SHARES, {"objects": wanted, "org_id": org_id})
        else:
            rows = self.conn.execute(_SQLITE_OPEN_SHARES, {"objects": json.dumps(wanted), "org_id": org_id})
        return [_held(row) for row in rows]

    def allocate_many(self, sequence: str, count: int) -> list[int]:
        return sequences.next_values(self.conn, sequence, count)

    def _ids(self, guids: Sequence[str]) -> dict[str, int]:
        rows = self.conn.execute(_sqlite_ids(), {"guids": json.dumps(list(guids))})
        return {row.guid: row.id for row in rows}

    def write_chunk(self, created: Sequence[Account], changed: Sequence[Account]) -> None:
        """Updates, then inserts, then all accommodations: one statement per step.

        Updates go first: an update may free a number a later new account of the chunk takes.
        A constraint violation means a concurrent import got a number first: ``ChunkConflictError``
        (the caller redoes the chunk per object, where the loser gets NUMBER_TAKEN).
        PostgreSQL sends each step as one ``unnest`` statement that returns the ids by GUID
        (``hub.store.bulk``); SQLite runs executemany and reads the ids back.
        """
        write = self._write_chunk_pg if _is_postgres(self.conn) else self._write_chunk_sqlite
        try:
            write(created, changed)
        except IntegrityError as exc:
            raise ChunkConflictError(str(exc.orig)) from exc

    def _write_chunk_pg(self, created: Sequence[Account], changed: Sequence[Account]) -> None:
        places: list[dict[str, Any]] = []
        if changed:
            rows = bulk.update_rows(self.conn, accounts, "guid", [account_values(a) for a in changed], ("guid", "id"))
            ids = {row.guid: row.id for row in rows}
            self.conn.execute(
                delete(account_accommodations).where(
                    bulk.one_of(self.conn, account_accommodations.c.account_id, list(ids.values()))
                )
            )
            places.extend(p for a in changed for p in accommodation_values(a, ids[a.guid]))
        if created:
            rows = bulk.insert_rows(self.conn, accounts, [account_values(a) for a in created], ("guid", "id"))
            new_ids = {row.guid: row.id for row in rows}
            places.extend(p for a in created for p in accommodation_values(a, new_ids[a.guid]))
        bulk.insert_rows(self.conn, account_accommodations, places)

    def _write_chunk_sqlite(self, created: Sequence[Account], changed: Sequence[Account]) -> None:
        # No RETURNING: SQLite would run an executemany with RETURNING row by row.
        if changed:
            bulk.update_rows(self.conn, accounts, "guid", [account_values(a) for a in changed])
        if created:
            bulk.insert_rows(self.conn, accounts, [account_values(a) for a in created])
        ids = self._ids([a.guid for a in (*changed, *created)])
        if changed:
            old_places = bulk.one_of(self.conn, account_accommodations.c.account_id, [ids[a.guid] for a in changed])
            self.conn.execute(delete(account_accommodations).where(old_places))
        places = [p for a in (*changed, *created) for p in accommodation_values(a, ids[a.guid])]
        bulk.insert_rows(self.conn, account_accommodations, places)

    def _write(self, account: Account, account_id: int | None) -> None:
        try:
            if account_id is None:
                account_id = self.conn.execute(_INSERT_RETURNING_ID, account_values(account)).scalar_one()
            else:
                self.conn.execute(_UPDATE_BY_ID, {"_id": account_id, **account_values(account)})
                old = account_accommodations.c.account_id == account_id
                self.conn.execute(delete(account_accommodations).where(old))
            places = accommodation_values(account, account_id)
            if places:
                self.conn.execute(_INSERT_PLACES, places)
        except IntegrityError as exc:
            # The only constraint a valid command can hit is the number: a concurrent import won.
            raise HubError(dom.Errors.NUMBER_TAKEN, f"AccountNumber {account.data.number}") from exc

    def add(self, account: Account) -> None:
        self._write(account, None)

    def replace(self, account: Account) -> None:
        account_id = self.conn.execute(select(accounts.c.id).where(accounts.c.guid == account.guid)).scalar_one()
        self._write(account, account_id)


# --- sessions and views -----------------------------------------------------------------------

#: makes the HousingLookup of a connection (the houses capability's ``SqlHousingLookup``)
HousingFactory = Callable[[Connection], HousingLookup]


class AccountsImportSession(SqlImportSession):
    """``AccountImportSession``: the import transaction with accounts and the housing registry."""

    def __init__(self, conn: Connection, inbox_id: int, housing: HousingLookup) -> None:
        super().__init__(conn, inbox_id)
        self.accounts = SqlAccounts(conn)
        self.housing = housing


class AccountsExportView:
    """``AccountExportView`` on a read connection."""

    def __init__(self, conn: Connection, housing: HousingLookup) -> None:
        self.accounts = SqlAccounts(conn)
        self.housing = housing


def account_import_store(store: Store, housing: HousingFactory) -> SqlImportStore[AccountsImportSession]:
    """What ``make_import_account_handler(imports=…)`` takes."""
    return SqlImportStore(store, lambda conn, inbox_id: AccountsImportSession(conn, inbox_id, housing(conn)))


def account_export_view(
    store: Store, housing: HousingFactory
) -> Callable[[], AbstractContextManager[AccountsExportView]]:
    """What ``make_export_account_handler(reading=…)`` takes: ``with reading() as view: …``."""

    @contextmanager
    def reading() -> Iterator[AccountsExportView]:
        with store.reading() as conn:
            yield AccountsExportView(conn, housing(conn))

    return reading
