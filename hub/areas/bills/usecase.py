"""Use cases of payment documents: issue and withdraw them (a chunk at a time), export them.

The rules are in ``hub.areas.bills.rules``; this module adds what needs the outside world
through ports: accounts with their numbers (``accounts``, the accounts area), houses'
managers (``housing``), supply contracts (``supply``), the organization's own NSI 1 and 51
(``own_nsi``, the nsi area), the global NSI 50 (``NsiCatalog``) and the documents' store.

Import, per chunk (``BillsChunkImport``), a constant number of statements whatever its size:
the chunk's accounts in one ``cards`` call, their houses' managers in one ``find_many``, the
houses supplied in one ``supplied``, the own books in one ``find`` per book, the accounts'
advisory locks (PostgreSQL: two messages for one account and period serialize), the documents
already stored for the chunk's accounts and periods and those it withdraws in one query each,
then the rules per object in memory and one batched insert (plus one batched update of the
withdrawn). No constraint can refuse the batch once the accounts are locked (the derived
PaymentDocumentID counts every document of its account and period), so there is no conflict
fallback; the per-object ``apply`` that ``run_import`` requires is the same code on a chunk of one.

Who may: a document is the sender's to issue when one of its account's houses is managed by
the sender (``housing``) or supplied by it under a contract in force (``supply``) on the day of
processing (``AUT011003`` otherwise); it withdraws and exports only the documents it issued.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from hub.areas.bills import rules
from hub.areas.bills.rules import (
    Bank,
    Charge,
    ChargeKind,
    Command,
    DocumentState,
    IssueCommand,
    Totals,
    WithdrawCommand,
)
from hub.domain.guids import new_guid
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services import nsi as nsi_refs
from hub.services.imports import ImportSession
from hub.services.ports import AccountCard, AccountCardLookup, HousingLookup, NsiCatalog, OwnNsiLookup, SupplyLookup


@dataclass(frozen=True, slots=True)
class StoredRef:
    """What a withdrawal needs to know of a stored document."""

    id: int
    guid: str
    document_id: str
    org_id: int
    account_guid: str
    state: DocumentState


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document to insert, with its charges."""

    guid: str
    document_id: str
    org_id: int
    account: AccountCard
    year: int
    month: int
    number: str | None
    charges: tuple[Charge, ...]
    totals: Totals
    bank: Bank | None
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the export reads it."""

    guid: str
    document_id: str
    org_id: int
    account_guid: str
    year: int
    month: int
    number: str | None
    state: DocumentState
    charges: tuple[Charge, ...]
    totals: Totals
    bank: Bank | None


#: (account GUID, year, month)
PeriodKey = tuple[str, int, int]


class DocumentRepository(Protocol):
    """Payment documents in the caller's transaction."""

    def lock_accounts(self, account_guids: Collection[str]) -> None: ...
    def by_period(self, keys: Collection[PeriodKey]) -> dict[PeriodKey, list[tuple[int, DocumentState]]]:
        """(issuer, state) of every stored document of each (account, year, month) given."""
        ...

    def by_ids(self, document_ids: Collection[str]) -> dict[str, StoredRef]: ...
    def add_many(self, documents: Sequence[NewDocument]) -> None: ...
    def withdraw_many(self, ids: Sequence[int], at: datetime) -> None: ...
    def select(self, org_id: int, query: ExportQuery) -> list[StoredDocument]: ...


class Registries(Protocol):
    """The other areas' registries, bound to the same transaction."""

    @property
    def accounts(self) -> AccountCardLookup: ...
    @property
    def housing(self) -> HousingLookup: ...
    @property
    def supply(self) -> SupplyLookup: ...
    @property
    def own_nsi(self) -> OwnNsiLookup: ...


class BillsImportSession(ImportSession, Registries, Protocol):
    @property
    def documents(self) -> DocumentRepository: ...


class BillsExportView(Protocol):
    @property
    def documents(self) -> DocumentRepository: ...


# --- permission -------------------------------------------------------------------------------


def allowed_houses(registries: Registries, sender_id: int, houses: Collection[str], on: date) -> frozenset[str]:
    """The houses among ``houses`` the sender manages or supplies: two queries."""
    wanted = {h.lower() for h in houses}
    found = registries.housing.find_many(wanted) if wanted else {}
    managed = {h for h, obj in found.items() if obj.house_manager_org_id == sender_id and not obj.annulled}
    others = wanted - managed
    supplied = registries.supply.supplied(sender_id, others, on) if others else {}
    return frozenset(managed | set(supplied))


# --- import -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Snapshot:
    """What the chunk's rules read, fetched once, updated as objects are planned."""

    accounts: dict[str, AccountCard]
    allowed: frozenset[str]
    own: dict[tuple[int, str], bool]  # (registry, key) → is_actual
    periods: dict[PeriodKey, list[tuple[int, DocumentState]]]
    stored: dict[str, StoredRef]
    withdrawn_now: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Plan:
    documents: list[NewDocument]
    withdrawals: list[StoredRef]
    outcomes: list[ObjectOutcome]


@dataclass(frozen=True, slots=True)
class BillsChunkImport:
    """``apply_chunk`` for ``run_import``: one chunk of an importPaymentDocumentData."""

    sender_id: int
    nsi: NsiCatalog
    clock: Callable[[], datetime]

    def __call__(
        self, session: BillsImportSession, items: Sequence[tuple[int, Command]], _done: Mapping[int, ObjectOutcome]
    ) -> dict[int, ObjectOutcome]:
        plan = self.plan(session, [command for _seq, command in items], self.clock())
        session.documents.add_many(plan.documents)
        session.documents.withdraw_many([ref.id for ref in plan.withdrawals], self.clock())
        return {seq: outcome for (seq, _command), outcome in zip(items, plan.outcomes, strict=True)}

    def _snapshot(self, session: BillsImportSession, commands: Sequence[Command], today: date) -> _Snapshot:
        issues = [c for c in commands if isinstance(c, IssueCommand)]
        withdrawals = [c for c in commands if isinstance(c, WithdrawCommand)]
        stored = session.documents.by_ids({c.document_id for c in withdrawals}) if withdrawals else {}
        accounts = session.accounts.cards({c.account_guid for c in issues}) if issues else {}
        houses = {h for card in accounts.values() for h in card.house_guids}
        allowed = allowed_houses(session, self.sender_id, houses, today) if houses else frozenset()
        own: dict[tuple[int, str], bool] = {}
        for kind in (ChargeKind.UTILITY, ChargeKind.ADDITIONAL):
            registry = rules.REGISTRY[kind]
            keys = {k for c in issues for ch in c.charges if ch.kind is kind for k in (ch.code, ch.service_guid) if k}
            if keys:
                for key, item in session.own_nsi.find(self.sender_id, registry, keys).items():
                    own[(registry, key.lower())] = item.is_actual
        locked = sorted(set(accounts) | {ref.account_guid for ref in stored.values()})
        if locked:
            session.documents.lock_accounts(locked)
        if stored:  # read again under the locks: a concurrent withdrawal is seen
            stored = session.documents.by_ids({c.document_id for c in withdrawals})
        keys_wanted = {(c.account_guid, c.year, c.month) for c in issues if c.account_guid in accounts}
        periods = session.documents.by_period(keys_wanted) if keys_wanted else {}
        return _Snapshot(accounts, allowed, own, periods, stored)

    def plan(self, session: BillsImportSession, commands: Sequence[Command], now: datetime) -> Plan:
        """Each command's document or withdrawal, or the error that refuses it."""
        snap = self._snapshot(session, commands, now.date())
        documents: list[NewDocument] = []
        withdrawals: list[StoredRef] = []
        outcomes: list[ObjectOutcome] = []
        for command in commands:
            try:
                if isinstance(command, IssueCommand):
                    document = self._issue(command, snap, now)
                    documents.append(document)
                    outcomes.append(
                        ObjectOutcome(
                            command.transport_guid,
                            guid=document.guid,
                            unique_number=document.document_id,
                            update_date=now,
                        )
                    )
                else:
                    ref = self._withdraw(command, snap)
                    withdrawals.append(ref)
                    outcomes.append(
                        ObjectOutcome(
                            command.transport_guid, guid=ref.guid, unique_number=ref.document_id, update_date=now
                        )
                    )
            except HubError as exc:
                outcomes.append(ObjectOutcome.failed(command.transport_guid, exc))
        return Plan(documents, withdrawals, outcomes)

    def _service(self, charge: Charge, snap: _Snapshot) -> None:
        if charge.kind is ChargeKind.HOUSING:
            nsi_refs.resolve(self.nsi, charge.registry, charge.code, where=f"{charge.where}/ServiceType")
            return
        known = snap.own.get((charge.registry, charge.code.lower()))
        if known is None and charge.service_guid:
            known = snap.own.get((charge.registry, charge.service_guid.lower()))
        if not known:
            raise HubError(
                E.INT915002,
                f"Услуга {charge.code} не найдена в справочнике НСИ {charge.registry} организации или удалена",
                where=f"{charge.where}/ServiceType",
            )

    def _issue(self, command: IssueCommand, snap: _Snapshot, now: datetime) -> NewDocument:
        where = command.where
        if command.document_id is not None:
            raise HubError(E.INT915006, f"PaymentDocumentID {command.document_id}", where=f"{where}/PaymentDocumentID")
        account = snap.accounts.get(command.account_guid)
        if account is None:
            raise HubError(E.INT002000, f"Лицевой счет {command.account_guid}", where=f"{where}/AccountGuid")
        if account.closed:
            raise HubError(E.INT915001, f"Лицевой счет {account.unified_number} закрыт", where=f"{where}/AccountGuid")
        if not (account.house_guids & snap.allowed):
            raise HubError(
                E.AUT011003,
                f"Дом лицевого счета {account.unified_number} не управляется организацией и не снабжается ею",
                where=f"{where}/AccountGuid",
            )
        rules.check_period(command.year, command.month, now.date(), where=where)
        for charge in command.charges:
            self._service(charge, snap)
        rules.check_totals(command)
        key = (command.account_guid, command.year, command.month)
        stored = snap.periods.setdefault(key, [])
        if any(org == self.sender_id and state is DocumentState.ISSUED for org, state in stored):
            raise HubError(
                E.INT915005,
                f"Лицевой счет {account.unified_number}, период {command.month:02d}.{command.year}",
                where=f"{where}/AccountGuid",
            )
        identifier = rules.document_id(account.unified_number, command.year, command.month, len(stored) + 1)
        stored.append((self.sender_id, DocumentState.ISSUED))
        return NewDocument(
            guid=new_guid(),
            document_id=identifier,
            org_id=self.sender_id,
            account=account,
            year=command.year,
            month=command.month,
            number=command.number,
            charges=command.charges,
            totals=command.totals,
            bank=command.bank,
            issued_at=now,
        )

    def _withdraw(self, command: WithdrawCommand, snap: _Snapshot) -> StoredRef:
        where = f"{command.where}/PaymentDocumentID"
        ref = snap.stored.get(command.document_id)
        if ref is None:
            raise HubError(E.INT002000, f"ПД {command.document_id}", where=where)
        if ref.org_id != self.sender_id:
            raise HubError(E.AUT011003, f"ПД {command.document_id} размещен другой организацией", where=where)
        state = DocumentState.WITHDRAWN if command.document_id in snap.withdrawn_now else ref.state
        rules.withdrawable(state, command.document_id, where)
        snap.withdrawn_now.add(command.document_id)
        return ref


@dataclass(frozen=True, slots=True)
class BillsImport:
    """``apply`` for ``run_import``: one object, planned as a chunk of one (one code path)."""

    sender_id: int
    nsi: NsiCatalog
    clock: Callable[[], datetime]

    def __call__(
        self, session: BillsImportSession, command: Command, _done: Mapping[int, ObjectOutcome]
    ) -> ObjectOutcome:
        chunk = BillsChunkImport(self.sender_id, self.nsi, self.clock)
        plan = chunk.plan(session, [command], self.clock())
        [outcome] = plan.outcomes
        if outcome.ok:
            session.documents.add_many(plan.documents)
            session.documents.withdraw_many([ref.id for ref in plan.withdrawals], self.clock())
        return outcome


# --- export -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """An exportPaymentDocumentRequest, decoded: one selector given (the XSD's choice)."""

    document_ids: tuple[str, ...] = ()
    year: int | None = None
    month: int | None = None
    unified_numbers: tuple[str, ...] = ()
    house_guid: str | None = None
    account_numbers: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()  # PaymentDocumentNumber, with the house
    account_guids: tuple[str, ...] = ()
    #: ServiceID (ИЖКУ) is the ЕЛС + "-" + the accommodation's ordinal: selects by its ЕЛС
    service_ids: tuple[str, ...] = ()


def export_documents(view: BillsExportView, sender_id: int, query: ExportQuery) -> list[StoredDocument]:
    """The sender's documents matching the query, in PaymentDocumentID order; INT002012 when none."""
    found = view.documents.select(sender_id, query)
    if not found:
        raise HubError(E.INT002012, "Платежные документы по условиям запроса не найдены")
    return found


def money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
