"""Supply contracts in the store: the repository, import sessions, export views, operator's contracts.

The tables are described in ``hub.areas.supply.tables``. A new version is written as three
inserts (contract, its subjects, its object-pair rows); an update of a contract first locks its
current version (``FOR UPDATE`` on PostgreSQL; SQLite has one writer), and the unique
(root_guid, version_number) key makes a lost race fail rather than fork the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, insert, or_, select, update

from hub.areas.supply.rules import (
    Contract,
    ContractRef,
    Subject,
    Terms,
    VersionStatus,
    check_terms,
    municipal_resource,
    supply_period,
)
from hub.areas.supply.tables import supply_contract_objects, supply_contract_subjects, supply_contracts
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.errors import E, HubError
from hub.services.ports import AuditEvent
from hub.store.audit import write_audit
from hub.store.base import Store
from hub.store.imports import SqlImportSession, SqlImportStore
from hub.store.tables import organizations

C = supply_contracts.c
S = supply_contract_subjects.c
O = supply_contract_objects.c  # noqa: E741


def contract_values(contract: Contract, source: str, at: datetime) -> dict[str, Any]:
    """The ``supply_contracts`` row of a version."""
    t = contract.terms
    reason = contract.termination_reason
    return {
        "root_guid": contract.root_guid,
        "version_guid": contract.version_guid,
        "version_number": contract.version_number,
        "is_current": contract.is_current,
        "org_id": contract.org_id,
        "status": contract.status.value,
        "is_contract": t.is_contract,
        "number": t.number,
        "signing_date": t.signing_date,
        "effective_date": t.effective_date,
        "expiration_date": t.expiration_date,
        "indefinite": t.indefinite,
        "auto_rollover": t.auto_rollover,
        "counterparty": t.counterparty,
        "counterparty_xml": t.counterparty_xml,
        "is_planned_volume": t.is_planned_volume,
        "quality_by": t.quality_by,
        "counting_resource": t.counting_resource,
        "terminated_on": contract.terminated_on,
        "termination_code": reason.code if reason else None,
        "termination_guid": reason.guid if reason else None,
        "termination_name": reason.name if reason else None,
        "annulment_reason": contract.annulment_reason,
        "source": source,
        "created_at": at,
    }


def object_rows(contract_id: int, terms: Terms) -> list[dict[str, Any]]:
    """One ``supply_contract_objects`` row per object and pair: what the lookup reads."""
    ordinal_of = {s.transport_guid: i for i, s in enumerate(terms.subjects, 1)}
    subject_of = {s.transport_guid: s for s in terms.subjects}
    rows = []
    for ordinal, obj in enumerate(terms.objects, 1):
        for pair in obj.pairs:
            subject = subject_of.get(pair.subject_key)
            if subject is None:  # the XSD keyref makes every PairKey name a subject
                continue
            start, end = supply_period(subject, pair)
            rows.append(
                {
                    "contract_id": contract_id,
                    "ordinal": ordinal,
                    "transport_guid": obj.transport_guid,
                    "house_guid": obj.house_guid,
                    "house_type": obj.house_type,
                    "apartment": obj.apartment,
                    "room": obj.room,
                    "subject_ordinal": ordinal_of[pair.subject_key],
                    "municipal_resource": municipal_resource(subject.resource.code),
                    "start_date": start,
                    "end_date": end,
                }
            )
    return rows


def insert_contract(
    conn: Connection, contract: Contract, source: str, at: datetime, objects: Sequence[dict[str, Any]] = ()
) -> int:
    """Write a version with its subjects and objects (``objects`` overrides the terms' rows)."""
    contract_id = conn.execute(
        insert(supply_contracts).returning(C.id), contract_values(contract, source, at)
    ).scalar_one()
    subjects = [
        {
            "contract_id": contract_id,
            "ordinal": i,
            "transport_guid": s.transport_guid,
            "service_code": s.service.code,
            "service_guid": s.service.guid,
            "service_name": s.service.name,
            "resource_code": s.resource.code,
            "resource_guid": s.resource.guid,
            "resource_name": s.resource.name,
            "start_date": s.start,
            "end_date": s.end,
        }
        for i, s in enumerate(contract.terms.subjects, 1)
    ]
    if subjects:
        conn.execute(insert(supply_contract_subjects), subjects)
    rows = [dict(row, contract_id=contract_id) for row in objects] or object_rows(contract_id, contract.terms)
    if rows:
        conn.execute(insert(supply_contract_objects), rows)
    return int(contract_id)


def _terms(row: Any, subjects: tuple[Subject, ...]) -> Terms:
    return Terms(
        is_contract=row.is_contract,
        number=row.number,
        signing_date=row.signing_date,
        effective_date=row.effective_date,
        indefinite=row.indefinite,
        expiration_date=row.expiration_date,
        auto_rollover=row.auto_rollover,
        counterparty=row.counterparty,
        counterparty_xml=row.counterparty_xml,
        is_planned_volume=row.is_planned_volume,
        quality_by=row.quality_by,
        counting_resource=row.counting_resource,
        subjects=subjects,
    )


def _contract(row: Any, subjects: tuple[Subject, ...]) -> Contract:
    reason = NsiRef(row.termination_code, row.termination_guid, row.termination_name) if row.termination_code else None
    return Contract(
        id=row.id,
        root_guid=row.root_guid,
        version_guid=row.version_guid,
        org_id=row.org_id,
        version_number=row.version_number,
        is_current=row.is_current,
        status=VersionStatus(row.status),
        terms=_terms(row, subjects),
        terminated_on=row.terminated_on,
        termination_reason=reason,
        annulment_reason=row.annulment_reason,
    )


def _subject(row: Any) -> Subject:
    return Subject(
        transport_guid=row.transport_guid,
        service=NsiRef(row.service_code, row.service_guid, row.service_name),
        resource=NsiRef(row.resource_code, row.resource_guid, row.resource_name),
        start=row.start_date,
        end=row.end_date,
    )


def load_contracts(conn: Connection, query: Select[Any]) -> list[Contract]:
    """The contracts ``query`` selects (rows of ``supply_contracts``), with their subjects: two queries."""
    rows = conn.execute(query).all()
    if not rows:
        return []
    subjects: dict[int, list[Subject]] = {}
    ids = [row.id for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = conn.execute(
            select(supply_contract_subjects).where(S.contract_id.in_(chunk)).order_by(S.contract_id, S.ordinal)
        )
        for s in found:
            subjects.setdefault(s.contract_id, []).append(_subject(s))
    return [_contract(row, tuple(subjects.get(row.id, ()))) for row in rows]


class SqlContracts:
    """``ContractRepository`` and ``ContractFinder`` on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, ref: ContractRef, *, for_update: bool = False) -> Contract | None:
        if ref.root_guid:
            query = select(supply_contracts).where(C.root_guid == ref.root_guid, C.is_current)
        else:
            query = select(supply_contracts).where(C.version_guid == ref.version_guid)
        if for_update and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        found = load_contracts(self.conn, query)
        return found[0] if found else None

    def insert(self, contract: Contract, source: str, at: datetime) -> None:
        insert_contract(self.conn, contract, source, at)

    def insert_prolonged(self, previous: Contract, contract: Contract, at: datetime) -> None:
        """The previous version's object rows (the terms read back carry no objects), those that
        ended with it moved to the new expiration."""
        until, to = previous.terms.expiration_date, contract.terms.expiration_date
        rows = [
            {k: v for k, v in row._mapping.items() if k not in {"id", "contract_id"}}
            | {"end_date": to if row.end_date == until else row.end_date}
            for row in self.conn.execute(
                select(supply_contract_objects).where(O.contract_id == previous.id).order_by(O.id)
            )
        ]
        insert_contract(self.conn, contract, "gis", at, rows)

    def supersede(self, contract_id: int) -> None:
        self.conn.execute(update(supply_contracts).where(C.id == contract_id).values(is_current=False))

    def end(self, contract: Contract) -> None:
        reason = contract.termination_reason
        self.conn.execute(
            update(supply_contracts)
            .where(C.id == contract.id)
            .values(
                status=contract.status.value,
                terminated_on=contract.terminated_on,
                termination_code=reason.code if reason else None,
                termination_guid=reason.guid if reason else None,
                termination_name=reason.name if reason else None,
                annulment_reason=contract.annulment_reason,
            )
        )

    def by_roots(self, org_id: int, roots: Collection[str]) -> list[Contract]:
        query = select(supply_contracts).where(C.org_id == org_id, C.is_current, C.root_guid.in_(sorted(set(roots))))
        return load_contracts(self.conn, query.order_by(C.root_guid))

    def by_versions(self, org_id: int, versions: Collection[str]) -> list[Contract]:
        query = select(supply_contracts).where(C.org_id == org_id, C.version_guid.in_(sorted(set(versions))))
        return load_contracts(self.conn, query.order_by(C.root_guid, C.version_number))

    def search(
        self,
        org_id: int,
        *,
        start_after: str | None,
        number: str | None,
        signed_from: date | None,
        signed_to: date | None,
        house_guid: str | None,
        subjects: Collection[tuple[str, str]],
        limit: int,
    ) -> list[Contract]:
        query = select(supply_contracts).where(C.org_id == org_id, C.is_current)
        if start_after:
            query = query.where(C.root_guid >= start_after)
        if number:
            query = query.where(C.number == number)
        if signed_from:
            query = query.where(C.signing_date >= signed_from)
        if signed_to:
            query = query.where(C.signing_date <= signed_to)
        if house_guid:
            query = query.where(exists().where(O.contract_id == C.id, O.house_guid == house_guid))
        if subjects:
            pairs = [and_(S.service_code == service, S.resource_code == resource) for service, resource in subjects]
            query = query.where(exists().where(S.contract_id == C.id, or_(*pairs)))
        return load_contracts(self.conn, query.order_by(C.root_guid).limit(limit))


class SupplyImportSession(SqlImportSession):
    """An import transaction with the contract repository on its connection."""

    def __init__(self, conn: Connection, inbox_id: int) -> None:
        super().__init__(conn, inbox_id)
        self.contracts = SqlContracts(conn)


def supply_import_store(store: Store) -> SqlImportStore[SupplyImportSession]:
    """What ``make_import_handler(imports=…)`` takes."""
    return SqlImportStore(store, SupplyImportSession)


def supply_export_view(store: Store) -> Callable[[], AbstractContextManager[SqlContracts]]:
    """What ``make_export_handler(reading=…)`` takes: ``with reading() as finder: …``."""

    @contextmanager
    def reading() -> Iterator[SqlContracts]:
        with store.reading() as conn:
            yield SqlContracts(conn)

    return reading


# --- the operator's contracts (hub supply add / list) -----------------------------------------

#: the counterparty the operator's contracts name: a public offer (no counterparty recorded)
_OFFER = '<Offer xmlns="http://dom.gosuslugi.ru/schema/integration/house-management/">true</Offer>'


@dataclass(frozen=True, slots=True)
class ListedContract:
    """A line of ``hub supply list``: one object-pair row of a current contract version."""

    supplier: str  # orgPPAGUID
    root_guid: str
    version_number: int
    status: str
    source: str
    house_guid: str
    resource: str | None  # NSI 2
    start: date
    end: date | None


def add_operator_contract(
    store: Store, org_id: int, house_guid: str, resource: str, start: date, end: date | None, actor: str
) -> Contract:
    """A contract the operator records: ``org_id`` supplies NSI 2 ``resource`` to the house.

    It has no subject (an NSI 2 code names no NSI 239 element for certain), so its one object row
    carries the NSI 2 code directly; it is exported like any other (without ContractSubject).
    """
    key = house_guid.strip().lower()
    code = resource.strip()
    if not code.isdigit() or len(code) > 20:
        raise HubError(E.INT910007, f"«{resource}»")
    if end is not None and end < start:
        raise HubError(E.INT910001, f"дата окончания {end} раньше даты начала {start}")
    terms = Terms(
        is_contract=False,
        number=None,
        signing_date=None,
        effective_date=start,
        indefinite=end is None,
        expiration_date=end,
        auto_rollover=False,
        counterparty="Offer",
        counterparty_xml=_OFFER,
        is_planned_volume=False,
        quality_by="D",
        counting_resource=None,
        subjects=(),
    )
    check_terms(terms)
    contract = Contract(0, new_guid(), new_guid(), org_id, 1, True, VersionStatus.POSTED, terms)
    row = {
        "ordinal": 1,
        "transport_guid": contract.version_guid,
        "house_guid": key,
        "house_type": None,
        "apartment": None,
        "room": None,
        "subject_ordinal": 0,
        "municipal_resource": code,
        "start_date": start,
        "end_date": end,
    }
    with store.writing() as conn:
        if conn.execute(select(organizations.c.id).where(organizations.c.id == org_id)).first() is None:
            raise HubError(E.AUT011002, f"Организация {org_id}")
        insert_contract(conn, contract, "operator", datetime.now(UTC), [row])
        detail: dict[str, object] = {
            "org_id": org_id,
            "house": key,
            "resource": code,
            "from": str(start),
            "to": str(end),
        }
        write_audit(conn, AuditEvent(actor, "supply.add", "supply_contract", contract.root_guid, detail))
    return contract


def list_contracts(store: Store, org_id: int | None = None) -> list[ListedContract]:
    """Every current contract version's object rows, optionally of one supplier."""
    query = (
        select(
            organizations.c.ppaguid,
            C.root_guid,
            C.version_number,
            C.status,
            C.source,
            O.house_guid,
            O.municipal_resource,
            O.start_date,
            O.end_date,
        )
        .select_from(
            supply_contract_objects.join(supply_contracts, C.id == O.contract_id).join(
                organizations, organizations.c.id == C.org_id
            )
        )
        .where(C.is_current)
        .order_by(organizations.c.ppaguid, C.root_guid, O.ordinal, O.subject_ordinal)
    )
    if org_id is not None:
        query = query.where(C.org_id == org_id)
    with store.reading() as conn:
        return [ListedContract(*row) for row in conn.execute(query)]
