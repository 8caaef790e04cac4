"""Payment documents in the store: the repository, import sessions and export views.

Tables in ``tables.py``. Amounts are stored as their decimal text exactly as received. Per
chunk the import sends a constant number of statements (``usecase``): advisory locks of the
chunk's accounts (PostgreSQL; SQLite has one writer), one read of the documents of the chunk's
accounts and periods, one of the documents it withdraws, one batched insert of the documents
(their ids returned), one of their charges and one batched update of the withdrawn.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, false, select, text

from hub.areas.bills.rules import Bank, Charge, ChargeKind, DocumentState, Totals
from hub.areas.bills.tables import payment_charges, payment_documents
from hub.areas.bills.usecase import ExportQuery, NewDocument, PeriodKey, StoredDocument, StoredRef, money
from hub.services.ports import AccountCardLookup, HousingLookup, OwnNsiLookup, SupplyLookup
from hub.store import bulk
from hub.store.base import Store
from hub.store.imports import SqlImportSession, SqlImportStore

_LOCK = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS t(k)")
_ISSUED, _WITHDRAWN = DocumentState.ISSUED.value, DocumentState.WITHDRAWN.value


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _document_row(doc: NewDocument) -> dict[str, Any]:
    t, bank = doc.totals, doc.bank
    return {
        "guid": doc.guid,
        "document_id": doc.document_id,
        "org_id": doc.org_id,
        "account_guid": doc.account.guid,
        "unified_number": doc.account.unified_number,
        "account_number": doc.account.account_number,
        "house_guid": min(doc.account.house_guids) if doc.account.house_guids else None,
        "year": doc.year,
        "month": doc.month,
        "number": doc.number,
        "state": _ISSUED,
        "by_charges": money(t.by_charges),
        "debt": money(t.debt),
        "advance": money(t.advance),
        "with_debt": money(t.with_debt),
        "by_document": money(t.by_document),
        "subsidies": money(t.subsidies),
        "bik": bank.bik if bank else None,
        "bank_account": bank.account if bank else None,
        "issued_at": doc.issued_at,
        "withdrawn_at": None,
    }


def _charge_row(document_id: int, ordinal: int, c: Charge) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "ordinal": ordinal,
        "kind": c.kind.value,
        "registry": c.registry,
        "code": c.code,
        "service_guid": c.service_guid,
        "rate": money(c.rate),
        "volume": money(c.volume),
        "volume_type": c.volume_type,
        "accrued": money(c.accrued),
        "recalculation": money(c.recalculation),
        "discount": money(c.discount),
        "debt": money(c.debt),
        "payable": money(c.payable),
    }


def _charge(row: Any) -> Charge:
    return Charge(
        kind=ChargeKind(row.kind),
        code=row.code,
        service_guid=row.service_guid,
        rate=_decimal(row.rate),
        payable=_decimal(row.payable),
        accrued=_decimal(row.accrued),
        recalculation=_decimal(row.recalculation),
        discount=_decimal(row.discount),
        debt=_decimal(row.debt),
        volume=_decimal(row.volume),
        volume_type=row.volume_type,
    )


def _where(conn: Connection, org_id: int, query: ExportQuery) -> Any:
    d = payment_documents.c
    if query.document_ids:
        return and_(d.org_id == org_id, bulk.one_of(conn, d.document_id, list(query.document_ids)))
    period = and_(d.org_id == org_id, d.year == query.year, d.month == query.month)
    if query.unified_numbers:
        return and_(period, bulk.one_of(conn, d.unified_number, list(query.unified_numbers)))
    if query.service_ids:
        return and_(period, bulk.one_of(conn, d.unified_number, sorted({s[:10] for s in query.service_ids})))
    if query.account_guids:
        return and_(period, bulk.one_of(conn, d.account_guid, [g.lower() for g in query.account_guids]))
    house = d.house_guid == (query.house_guid or "").lower()
    if query.account_numbers:
        return and_(period, house, bulk.one_of(conn, d.account_number, list(query.account_numbers)))
    if query.numbers:
        return and_(period, house, bulk.one_of(conn, d.number, list(query.numbers)))
    return false()  # an empty selector selects nothing (the XSD requires one)


class SqlDocuments:
    """``DocumentRepository`` on one connection (one transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_accounts(self, account_guids: Collection[str]) -> None:
        if self.conn.dialect.name != "postgresql":
            return  # SQLite has one writer, which already serializes
        keys = [zlib.crc32(f"payment-document:{guid}".encode()) for guid in sorted(set(account_guids))]
        self.conn.execute(_LOCK, {"keys": keys})

    def by_period(self, keys: Collection[PeriodKey]) -> dict[PeriodKey, list[tuple[int, DocumentState]]]:
        wanted = set(keys)
        d = payment_documents.c
        # a message has one period: the years and months are one each, the index's full prefix
        rows = self.conn.execute(
            select(d.account_guid, d.year, d.month, d.org_id, d.state).where(
                bulk.one_of(self.conn, d.account_guid, sorted({k[0] for k in wanted})),
                d.year.in_(sorted({k[1] for k in wanted})),
                d.month.in_(sorted({k[2] for k in wanted})),
            )
        )
        found: dict[PeriodKey, list[tuple[int, DocumentState]]] = {}
        for row in rows:
            key = (row.account_guid, row.year, row.month)
            if key in wanted:
                found.setdefault(key, []).append((row.org_id, DocumentState(row.state)))
        return found

    def by_ids(self, document_ids: Collection[str]) -> dict[str, StoredRef]:
        d = payment_documents.c
        rows = self.conn.execute(
            select(d.id, d.guid, d.document_id, d.org_id, d.account_guid, d.state).where(
                bulk.one_of(self.conn, d.document_id, sorted(set(document_ids)))
            )
        )
        return {
            row.document_id: StoredRef(
                row.id, row.guid, row.document_id, row.org_id, row.account_guid, DocumentState(row.state)
            )
            for row in rows
        }

    def add_many(self, documents: Sequence[NewDocument]) -> None:
        if not documents:
            return
        bulk.insert_rows(self.conn, payment_documents, [_document_row(doc) for doc in documents])
        # read the new ids back: a RETURNING executemany runs row by row on SQLite
        d = payment_documents.c
        guids = [doc.guid for doc in documents]
        rows = self.conn.execute(select(d.guid, d.id).where(bulk.one_of(self.conn, d.guid, guids)))
        ids = {guid: id_ for guid, id_ in rows}
        charges = [
            _charge_row(ids[doc.guid], ordinal, charge)
            for doc in documents
            for ordinal, charge in enumerate(doc.charges, start=1)
        ]
        bulk.insert_rows(self.conn, payment_charges, charges)

    def withdraw_many(self, ids: Sequence[int], at: datetime) -> None:
        if ids:
            bulk.update_rows(
                self.conn,
                payment_documents,
                "id",
                [{"id": i, "state": _WITHDRAWN, "withdrawn_at": at} for i in ids],
            )

    def select(self, org_id: int, query: ExportQuery) -> list[StoredDocument]:
        d = payment_documents.c
        rows = self.conn.execute(
            select(payment_documents).where(_where(self.conn, org_id, query)).order_by(d.document_id)
        ).all()
        if not rows:
            return []
        charges: dict[int, list[Charge]] = {row.id: [] for row in rows}
        c = payment_charges.c
        for row in self.conn.execute(
            select(payment_charges)
            .where(bulk.one_of(self.conn, c.document_id, list(charges)))
            .order_by(c.document_id, c.ordinal)
        ):
            charges[row.document_id].append(_charge(row))
        return [
            StoredDocument(
                guid=row.guid,
                document_id=row.document_id,
                org_id=row.org_id,
                account_guid=row.account_guid,
                year=row.year,
                month=row.month,
                number=row.number,
                state=DocumentState(row.state),
                charges=tuple(charges[row.id]),
                totals=Totals(
                    by_charges=_decimal(row.by_charges),
                    debt=_decimal(row.debt),
                    advance=_decimal(row.advance),
                    with_debt=_decimal(row.with_debt),
                    by_document=_decimal(row.by_document),
                    subsidies=_decimal(row.subsidies),
                ),
                bank=Bank(row.bik, row.bank_account) if row.bik or row.bank_account else None,
            )
            for row in rows
        ]


# --- sessions and views -----------------------------------------------------------------------

AccountsFactory = Callable[[Connection], AccountCardLookup]
HousingFactory = Callable[[Connection], HousingLookup]
SupplyFactory = Callable[[Connection], SupplyLookup]
OwnNsiFactory = Callable[[Connection], OwnNsiLookup]


class Ports:
    """The other areas' registries as their ports are provided: factories taking the connection."""

    def __init__(
        self, accounts: AccountsFactory, housing: HousingFactory, supply: SupplyFactory, own_nsi: OwnNsiFactory
    ) -> None:
        self.accounts = accounts
        self.housing = housing
        self.supply = supply
        self.own_nsi = own_nsi


class BillsSqlSession(SqlImportSession):
    """``BillsImportSession``: the import transaction with documents and the registries."""

    def __init__(self, conn: Connection, inbox_id: int, ports: Ports) -> None:
        super().__init__(conn, inbox_id)
        self.documents = SqlDocuments(conn)
        self.accounts = ports.accounts(conn)
        self.housing = ports.housing(conn)
        self.supply = ports.supply(conn)
        self.own_nsi = ports.own_nsi(conn)


def bills_import_store(store: Store, ports: Ports) -> SqlImportStore[BillsSqlSession]:
    """What ``make_import_handler(imports=…)`` takes."""
    return SqlImportStore(store, lambda conn, inbox_id: BillsSqlSession(conn, inbox_id, ports))


class _View:
    def __init__(self, conn: Connection) -> None:
        self.documents = SqlDocuments(conn)


def bills_export_view(store: Store) -> Callable[[], AbstractContextManager[_View]]:
    """What ``make_export_handler(reading=…)`` takes: ``with reading() as view: …``."""

    @contextmanager
    def reading() -> Iterator[_View]:
        with store.reading() as conn:
            yield _View(conn)

    return reading
