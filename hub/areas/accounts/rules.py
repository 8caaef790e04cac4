"""Personal accounts (лицевые счета): the records and the rules, free of any technology.

What GIS users expect, and what the hub therefore enforces (each rule has a test in
``tests/accounts/test_domain.py``):

* **Kind.** An account has exactly one kind flag (isUOAccount … isTKOAccount; the XSD choice
  guarantees one). The kind never changes: an update with another flag is refused
  (``KIND_CHANGED``), because charges and payment documents already issued under the old
  kind would otherwise change meaning.
* **Shares.** ``SharePercent`` is the payer's share of the payment for a premises, room or
  house. For every such object, the shares of all *open* accounts of the *same organization*
  and the *same kind* add up to at most 100 % (``SHARES_EXCEEDED``). Kind and organization are
  part of the key because a flat legitimately has a 100 % УО account, a 100 % capital-repair
  account and a 100 % account at each РСО at the same time. An accommodation without
  ``SharePercent`` states no share and is not counted. Closed accounts free their share.
* **Number.** ``AccountNumber`` is unique within the organization over all its accounts, open
  or closed (``NUMBER_TAKEN``), since payment documents and bank registries look accounts up
  by it; a closed account keeps its number and may be reopened.
* **Where.** A new account needs at least one accommodation (``NO_ACCOMMODATION``): its ИЖКУ
  is per accommodation, and ``ImportAccount/ServiceID`` is mandatory in the result. GIS's own
  control for this is probably INT008255 (announced in changelog NEWHCS-25770 together with
  "Accommodation became optional"); its text is not public, so the hub uses its own code.
* **Closure.** ``Closed`` (reason from NSI 22, date) closes the account; as the XSD says,
  ``Accommodation`` is then ignored and the account keeps the accommodations it had.
  Updating a *closed* account is refused (``ACCOUNT_CLOSED``) unless the update reopens it,
  i.e. carries no ``Closed`` block: that is how an operator corrects a wrong closure, and it
  re-checks the shares as for a new account. Silently editing a closed account would rewrite
  history that payment documents already refer to.

Identity (allocated by the store from durable sequences, formatted here):

* ``UnifiedAccountNumber`` (ЕЛС), 10 characters: ``RR`` two-digit region + two Cyrillic
  letters + six digits, e.g. ``00АА000001``. This is the shape GIS prints on payment documents
  (2 digits, 2 letters, 6 digits); the XSD fixes only the length. The hub knows no region, so
  ``RR`` is a configured prefix (default ``00``).
* ``ServiceID`` (ИЖКУ), 13 characters: the ЕЛС, a hyphen and the two-digit ordinal of the
  accommodation within the account (``00АА000001-01``), as in GIS, where an ИЖКУ identifies
  "this payer at this premises". Ordinals are never reused, so an ИЖКУ never changes meaning.
* ``UniqueNumber``: 12 decimal digits, distinct in shape from both of the above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sized
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from hub.domain.nsi import NsiRef
from hub.errors import E, HubError


class Errors:
    """Account controls, by meaning (entries of the one catalogue, ``hub.errors.E``)."""

    NUMBER_TAKEN = E.INT908001
    SHARES_EXCEEDED = E.INT908002
    ACCOUNT_CLOSED = E.INT908003
    NO_ACCOMMODATION = E.INT908004
    TOO_MANY_ACCOMMODATIONS = E.INT908005
    KIND_CHANGED = E.INT908006


class AccountKind(StrEnum):
    """The XSD flag names: the flag element is the value."""

    UO = "isUOAccount"
    RSO = "isRSOAccount"
    CR = "isCRAccount"
    RC = "isRCAccount"
    OGV_OR_OMS = "isOGVorOMSAccount"
    TKO = "isTKOAccount"


class Target(StrEnum):
    """What an accommodation points at (the XSD choice inside ``Accommodation``)."""

    PREMISES = "premises"
    ROOM = "room"
    HOUSE = "house"


@dataclass(frozen=True, slots=True)
class Closure:
    reason: NsiRef  # NSI 22
    close_date: date
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Accommodation:
    target: Target
    guid: str  # premises / room GUID, or the FIAS GUID of the house
    share: Decimal | None = None
    service_id: str | None = None  # ИЖКУ, assigned by the store
    house_guid: str | None = None  # FIAS GUID of the house the object is in, resolved on import

    @property
    def key(self) -> tuple[Target, str]:
        return (self.target, self.guid)


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    type: NsiRef  # NSI 95
    number: str
    issue_date: date
    series: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """``PayerInfo/Ind``: FIO, sex, birth date and SNILS *or* an identity document."""

    surname: str
    first_name: str
    patronymic: str | None = None
    sex: str | None = None  # "M" | "F"
    date_of_birth: date | None = None
    snils: str | None = None
    document: IdentityDocument | None = None


@dataclass(frozen=True, slots=True)
class Payer:
    """``PayerInfo``: flags plus a person, an organization (registry version GUID) or nobody."""

    is_renter: bool = False
    accounts_divided: bool = False
    person: Person | None = None
    org_version_guid: str | None = None


@dataclass(frozen=True, slots=True)
class AccountData:
    """Everything a client states about an account (``importAccountRequest/Account``)."""

    kind: AccountKind
    payer: Payer
    accommodations: tuple[Accommodation, ...] = ()
    closure: Closure | None = None
    number: str | None = None
    living_persons: int | None = None
    total_square: Decimal | None = None
    residential_square: Decimal | None = None
    heated_area: Decimal | None = None
    reasons: bytes | None = None  # AccountReasons kept verbatim (serialized XML), echoed on export


@dataclass(frozen=True, slots=True)
class AccountCommand:
    """One ``Account`` of an import: create (no GUID) or update (AccountGUID)."""

    transport_guid: str
    data: AccountData
    account_guid: str | None = None
    where: str | None = None  # XPath of the Account element, for error messages


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the store holds it."""

    guid: str
    org_id: int
    unique_number: str
    unified_number: str  # ЕЛС
    data: AccountData
    created_at: datetime
    updated_at: datetime
    service_counter: int = 0  # last ИЖКУ ordinal used

    @property
    def closed(self) -> bool:
        return self.data.closure is not None

    @property
    def service_id(self) -> str:
        """The first ИЖКУ: what ``ImportAccount/ServiceID`` and the export report."""
        ids = [a.service_id for a in self.data.accommodations if a.service_id]
        return min(ids) if ids else service_id(self.unified_number, 1)


# --- identity formats -----------------------------------------------------------------------

#: Cyrillic capitals without Ё Й Ъ Ы Ь (easily confused or never printed in identifiers).
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
_BLOCK = 1_000_000
ELS_CAPACITY = len(LETTERS) ** 2 * _BLOCK


def unified_account_number(value: int, region: str = "00") -> str:
    """ЕЛС for sequence ``value`` (1, 2, …): ``RR`` + two letters + six digits; a bijection."""
    if len(region) != 2 or not region.isdigit():
        raise ValueError(f"region must be two digits, not {region!r}")
    if not 0 < value < ELS_CAPACITY:
        raise ValueError(f"ЕЛС sequence exhausted at {value}")
    block, digits = divmod(value, _BLOCK)
    first, second = divmod(block, len(LETTERS))
    return f"{region}{LETTERS[first]}{LETTERS[second]}{digits:06d}"


#: the ordinal of an ИЖКУ has two digits
MAX_SERVICE_IDS = 99


def service_id(unified_number: str, ordinal: int) -> str:
    """ИЖКУ: ЕЛС + ``-`` + the accommodation's two-digit ordinal within the account."""
    if not 0 < ordinal <= MAX_SERVICE_IDS:
        raise HubError(Errors.TOO_MANY_ACCOMMODATIONS)
    return f"{unified_number}-{ordinal:02d}"


def check_service_capacity(accommodations: Sized) -> None:
    """A NEW account's accommodations all get an ИЖКУ: refuse before any number is allocated."""
    if len(accommodations) > MAX_SERVICE_IDS:
        raise HubError(Errors.TOO_MANY_ACCOMMODATIONS)


def account_unique_number(value: int) -> str:
    return f"{value:012d}"


# --- rules ----------------------------------------------------------------------------------


def check_new_account(command: AccountCommand) -> None:
    if not command.data.accommodations:
        raise HubError(Errors.NO_ACCOMMODATION, where=command.where)


def check_update(existing: Account, command: AccountCommand) -> None:
    """Kind is fixed; a closed account may only be reopened."""
    if existing.data.kind != command.data.kind:
        raise HubError(
            Errors.KIND_CHANGED,
            f"{existing.data.kind.value} → {command.data.kind.value}",
            where=command.where,
        )
    if existing.closed and command.data.closure is not None:
        raise HubError(Errors.ACCOUNT_CLOSED, f"AccountGUID {existing.guid}", where=command.where)
    if command.data.closure is None and not command.data.accommodations:
        raise HubError(Errors.NO_ACCOMMODATION, where=command.where)


def effective_data(existing: Account | None, data: AccountData) -> AccountData:
    """What is stored: on closure, the accommodations the account already had (XSD: ignored)."""
    if data.closure is None or existing is None:
        return data
    return with_accommodations(data, existing.data.accommodations)


def with_accommodations(data: AccountData, accommodations: tuple[Accommodation, ...]) -> AccountData:
    """``data`` with other accommodations: the import's hot path, where ``dataclasses.replace``
    (which re-reads every field by name) cost ~1 ms per 100 accounts."""
    return AccountData(
        kind=data.kind,
        payer=data.payer,
        accommodations=accommodations,
        closure=data.closure,
        number=data.number,
        living_persons=data.living_persons,
        total_square=data.total_square,
        residential_square=data.residential_square,
        heated_area=data.heated_area,
        reasons=data.reasons,
    )


def check_shares(
    accommodations: Iterable[Accommodation],
    taken: Mapping[tuple[Target, str], Decimal],
    *,
    where: str | None = None,
) -> None:
    """``taken``: shares other open accounts (same org and kind) hold per object; limit 100 %."""
    total: dict[tuple[Target, str], Decimal] = {}
    for accommodation in accommodations:
        if accommodation.share is None:
            continue
        total[accommodation.key] = total.get(accommodation.key, Decimal(0)) + accommodation.share
    for key, share in total.items():
        others = taken.get(key, Decimal(0))
        if others + share > Decimal(100):
            raise HubError(
                Errors.SHARES_EXCEEDED,
                f"Объект {key[1]}: уже распределено {others}%, передано {share}%",
                where=where,
            )


def assign_service_ids(
    accommodations: Iterable[Accommodation],
    previous: Iterable[Accommodation],
    unified_number: str,
    counter: int,
) -> tuple[tuple[Accommodation, ...], int]:
    """Give each accommodation its ИЖКУ: kept for an object the account already had, else new.

    Returns the accommodations with ``service_id`` set and the new counter value.
    """
    known = {a.key: a.service_id for a in previous if a.service_id}
    result: list[Accommodation] = []
    for accommodation in accommodations:
        sid = known.get(accommodation.key)
        if sid is None:
            counter += 1
            sid = service_id(unified_number, counter)
            known[accommodation.key] = sid
        result.append(
            Accommodation(accommodation.target, accommodation.guid, accommodation.share, sid, accommodation.house_guid)
        )
    return tuple(result), counter
