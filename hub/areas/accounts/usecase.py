"""Use cases of personal accounts: apply one imported account, select accounts for export.

The rules are in ``hub.areas.accounts.rules``; this module adds what needs the outside world —
NSI books, the housing registry, the account store, number sequences — through the ports
below, so it runs the same against SQL and against the fakes of the unit tests.

Authorization (an organization never reads or changes another's accounts):

* import: an accommodation must be in a house the sender manages (``AUT011003`` otherwise —
  РСО access through supply contracts comes later); an update by the AccountGUID of another
  organization's account is ``AUT011003``; an unknown AccountGUID is ``INT002000`` (the value
  is absent from the registry).
* export: an account is visible to the organization that owns it and to the manager of a
  house it has an accommodation in; everything else is silently left out, and when nothing
  is left the answer is ``INT002012`` — exactly as for a GUID that does not exist, so an
  export cannot probe for other organizations' accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from hub.areas.accounts import rules as dom
from hub.areas.accounts.rules import (
    Accommodation,
    Account,
    AccountCommand,
    AccountData,
    AccountKind,
    Target,
)
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services import nsi
from hub.services.imports import ImportSession
from hub.services.ports import HousingLookup, NsiCatalog

NSI_CLOSE_REASON = 22
NSI_IDENTITY_DOCUMENT = 95
SEQ_UNIQUE_NUMBER = "account_unique_number"
SEQ_UNIFIED_NUMBER = "account_els"

_HOUSING_KIND = {Target.PREMISES: "premises", Target.ROOM: "room", Target.HOUSE: "house"}


@dataclass(frozen=True, slots=True)
class HeldShare:
    """A share an open account holds on an object (what the 100 % rule sums)."""

    account_guid: str
    kind: AccountKind
    key: tuple[Target, str]
    share: Decimal


class AccountRepository(Protocol):
    """Accounts in the caller's transaction.

    The second group serves the chunk fast path (``hub.areas.accounts.chunks``): the same
    reads for many objects in one query each, and one batched write that raises
    ``ChunkConflictError`` when a constraint shows another worker got there first.
    """

    def get(self, guid: str, *, for_update: bool = False) -> Account | None: ...
    def number_taken(self, org_id: int, number: str, *, except_guid: str | None) -> bool: ...
    def lock_objects(self, keys: Collection[tuple[Target, str]]) -> None: ...
    def shares_taken(
        self, org_id: int, kind: AccountKind, keys: Collection[tuple[Target, str]], *, except_guid: str | None
    ) -> dict[tuple[Target, str], Decimal]: ...
    def add(self, account: Account) -> None: ...
    def replace(self, account: Account) -> None: ...
    def allocate(self, sequence: str) -> int: ...

    def get_many(self, guids: Collection[str], *, for_update: bool = False) -> dict[str, Account]: ...
    def number_owners(self, org_id: int, numbers: Collection[str]) -> dict[str, str]: ...
    def open_shares(self, org_id: int, object_guids: Collection[str]) -> list[HeldShare]: ...
    def allocate_many(self, sequence: str, count: int) -> list[int]: ...
    def write_chunk(self, created: Sequence[Account], changed: Sequence[Account]) -> None: ...


class AccountImportSession(ImportSession, Protocol):
    """One import transaction with the repositories the account import needs."""

    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def housing(self) -> HousingLookup: ...


class Selection(StrEnum):
    """The ``exportAccountRequest`` choice."""

    HOUSE = "FIASHouseGuid"
    GUID = "AccountGUID"
    UNIFIED_NUMBER = "UnifiedAccountNumber"
    SERVICE_ID = "ServiceID"


class AccountFinder(Protocol):
    def select(self, by: Selection, values: Sequence[str]) -> list[Account]: ...


class AccountExportView(Protocol):
    """A read transaction: accounts and the housing registry."""

    @property
    def accounts(self) -> AccountFinder: ...
    @property
    def housing(self) -> HousingLookup: ...


# --- import ---------------------------------------------------------------------------------


def _resolve_ref(catalog: NsiCatalog, registry: int, ref: NsiRef, where: str | None) -> NsiRef:
    element = nsi.resolve(catalog, registry, ref.code, where=where)
    if element is None:
        return ref
    return NsiRef(element.code, element.guid, element.name)


def resolve_nsi(catalog: NsiCatalog, command: AccountCommand) -> AccountData:
    """The command's data with NSI references matched by Code (the hub's GUID and name)."""
    data = command.data
    base = command.where or "Account"
    if data.closure is not None:
        reason = _resolve_ref(catalog, NSI_CLOSE_REASON, data.closure.reason, f"{base}/Closed/CloseReason")
        data = replace(data, closure=replace(data.closure, reason=reason))
    person = data.payer.person
    if person is not None and person.document is not None:
        doc_type = _resolve_ref(catalog, NSI_IDENTITY_DOCUMENT, person.document.type, f"{base}/PayerInfo/Ind/ID/Type")
        document = replace(person.document, type=doc_type)
        data = replace(data, payer=replace(data.payer, person=replace(person, document=document)))
    return data


def locate(
    housing: HousingLookup, sender_id: int, accommodations: Iterable[Accommodation], where: str | None
) -> tuple[Accommodation, ...]:
    """Each accommodation checked against the housing registry, with its house's FIAS GUID."""
    located: list[Accommodation] = []
    for index, accommodation in enumerate(accommodations, start=1):
        place = f"{where or 'Account'}/Accommodation[{index}]"
        found = housing.find(accommodation.guid)
        if found is None or found.annulled or found.kind != _HOUSING_KIND[accommodation.target]:
            raise HubError(E.INT002034, f"Идентификатор {accommodation.guid}", where=place)
        if found.house_manager_org_id != sender_id:
            raise HubError(E.AUT011003, f"Дом {found.house_guid} не находится в управлении организации", where=place)
        # not dataclasses.replace: this runs for every accommodation of every imported account
        located.append(
            Accommodation(
                accommodation.target,
                accommodation.guid,
                accommodation.share,
                accommodation.service_id,
                found.house_guid,
            )
        )
    return tuple(located)


@dataclass(frozen=True, slots=True)
class AccountImportContext:
    """What both import paths (per object and per chunk) know about one message."""

    sender_id: int
    nsi: NsiCatalog
    clock: Callable[[], datetime]
    region: str = "00"


@dataclass(frozen=True, slots=True)
class AccountImport(AccountImportContext):
    """``apply`` for ``run_import``: one ``Account`` of an importAccountRequest."""

    def __call__(
        self, session: AccountImportSession, command: AccountCommand, _done: Mapping[int, ObjectOutcome]
    ) -> ObjectOutcome:
        repo = session.accounts
        existing = self._existing(repo, command)
        data = checked_data(self.nsi, self.sender_id, session.housing, command, existing)
        except_guid = existing.guid if existing else None
        if data.number and repo.number_taken(self.sender_id, data.number, except_guid=except_guid):
            raise HubError(dom.Errors.NUMBER_TAKEN, f"AccountNumber {data.number}", where=command.where)
        if data.closure is None:
            keys = {a.key for a in data.accommodations if a.share is not None}
            if keys:
                repo.lock_objects(keys)
                taken = repo.shares_taken(self.sender_id, data.kind, keys, except_guid=except_guid)
                dom.check_shares(data.accommodations, taken, where=command.where)
        account = self._save(repo, existing, data)
        return ObjectOutcome(
            command.transport_guid,
            guid=account.guid,
            unique_number=account.unique_number,
            update_date=account.updated_at,
            extension={"UnifiedAccountNumber": account.unified_number, "ServiceID": account.service_id},
        )

    def _existing(self, repo: AccountRepository, command: AccountCommand) -> Account | None:
        if command.account_guid is None:
            return None
        existing = repo.get(command.account_guid, for_update=True)
        if existing is None:
            raise HubError(E.INT002000, f"AccountGUID {command.account_guid}", where=command.where)
        if existing.org_id != self.sender_id:
            raise HubError(E.AUT011003, f"AccountGUID {command.account_guid}", where=command.where)
        return existing

    def _save(self, repo: AccountRepository, existing: Account | None, data: AccountData) -> Account:
        now = self.clock()
        if existing is None:
            unified = dom.unified_account_number(repo.allocate(SEQ_UNIFIED_NUMBER), self.region)
            accommodations, counter = dom.assign_service_ids(data.accommodations, (), unified, 0)
            account = Account(
                guid=new_guid(),
                org_id=self.sender_id,
                unique_number=dom.account_unique_number(repo.allocate(SEQ_UNIQUE_NUMBER)),
                unified_number=unified,
                data=replace(data, accommodations=accommodations),
                created_at=now,
                updated_at=now,
                service_counter=counter,
            )
            repo.add(account)
            return account
        accommodations, counter = dom.assign_service_ids(
            data.accommodations,
            existing.data.accommodations,
            existing.unified_number,
            existing.service_counter,
        )
        account = replace(
            existing,
            data=replace(data, accommodations=accommodations),
            updated_at=now,
            service_counter=counter,
        )
        repo.replace(account)
        return account


# --- export ---------------------------------------------------------------------------------


def checked_data(
    catalog: NsiCatalog, sender_id: int, housing: HousingLookup, command: AccountCommand, existing: Account | None
) -> AccountData:
    """The rules both import paths (per object, per chunk) apply first, in this order: NSI codes,
    the create or update checks, the effective data, the accommodations located on the sender's
    housing (a closure carries none). Raises ``HubError``."""
    data = resolve_nsi(catalog, command)
    if existing is None:
        dom.check_new_account(command)
    else:
        dom.check_update(existing, command)
    data = dom.effective_data(existing, data)
    if data.closure is None:
        data = dom.with_accommodations(data, locate(housing, sender_id, data.accommodations, command.where))
    return data


def export_accounts(view: AccountExportView, sender_id: int, by: Selection, values: Sequence[str]) -> list[Account]:
    """The accounts of the selection the sender may see; INT002012 when there are none."""
    managers: dict[str, int | None] = {}

    def manages(house_guid: str | None) -> bool:
        if house_guid is None:
            return False
        if house_guid not in managers:
            house = view.housing.find(house_guid)
            managers[house_guid] = house.house_manager_org_id if house is not None else None
        return managers[house_guid] == sender_id

    visible = [
        account
        for account in view.accounts.select(by, values)
        if account.org_id == sender_id or any(manages(a.house_guid) for a in account.data.accommodations)
    ]
    if not visible:
        raise HubError(E.INT002012, f"Лицевые счета по условию {by.value} не найдены")
    return visible
