"""Supply contracts (ДРСО) as the domain keeps them, and the rules that need no technology.

A supply contract says which resource-supply organization (РСО, the sender) supplies which
municipal service (NSI 3 «Вид коммунальной услуги») and tariffed resource (NSI 239
«Тарифицируемый ресурс») to which house or premises, from when to when. Other areas ask a
different question — "may this РСО touch this house's devices and readings of this resource?" —
in the words of NSI 2 «Вид коммунального ресурса»; ``TARIFFED_TO_MUNICIPAL`` is the documented
bridge (docs/SUPPLY.md gives its sources). A code missing from it grants nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from hub.domain.nsi import NsiRef
from hub.errors import E, HubError

NSI_SERVICE = 3  # «Вид коммунальной услуги»
NSI_TARIFFED_RESOURCE = 239  # «Тарифицируемый ресурс»
NSI_MUNICIPAL_RESOURCE = 2  # «Вид коммунального ресурса»
NSI_TERMINATION_REASON = 54  # «Причина расторжения договора»

#: NSI 239 code → NSI 2 code (docs/SUPPLY.md: the codes' meanings and their public sources).
#: Only resources that are plainly the same thing: a wrong row would let an organization write
#: readings of a resource it does not supply, a missing one only refuses (the operator can still
#: record the right with ``hub supply add`` by NSI 2 code).
TARIFFED_TO_MUNICIPAL: Mapping[str, str] = {
    "1": "1",  # Питьевая вода → Холодная вода
    "2": "1",  # Техническая вода → Холодная вода
    "3": "2",  # Горячая вода → Горячая вода
    "4": "5",  # Тепловая энергия → Тепловая энергия
    "7": "8",  # Сточные воды → Сточные бытовые воды
    "8": "3",  # Электрическая энергия → Электрическая энергия
    "9": "4",  # Природный газ (метан) → Газ
    # not mapped: 5 Теплоноситель (the water of an open heating or hot-water system: which NSI 2
    # resource depends on the house), 6 Поддерживаемая мощность (no metered resource), 10 Сжиженный
    # газ, 11 Топливо твердое, 12 Топливо печное бытовое, 13 Керосин (their NSI 2 codes are not
    # confirmed by a public source)
}


def municipal_resource(tariffed_code: str) -> str | None:
    """The NSI 2 code a tariffed resource (NSI 239 code) counts as; None: grants nothing."""
    return TARIFFED_TO_MUNICIPAL.get(tariffed_code.strip())


class VersionStatus(StrEnum):
    """``exportSupplyResourceContractResultType/VersionStatus`` values the hub produces."""

    POSTED = "Posted"
    TERMINATED = "Terminated"
    ANNULLED = "Annul"


class ContractState(StrEnum):
    NOT_IN_FORCE_YET = "NotTakeEffect"
    PROCEEDING = "Proceed"
    EXPIRED = "Expired"


@dataclass(frozen=True, slots=True)
class Subject:
    """``ContractSubject``: a service and a tariffed resource supplied from ``start`` (to ``end``)."""

    transport_guid: str  # the PairKey objects name it by
    service: NsiRef  # NSI 3
    resource: NsiRef  # NSI 239
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Pair:
    """``ObjectAddress/Pair``: the object receives the subject named by ``subject_key``."""

    subject_key: str
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class SupplyObject:
    """``ObjectAddress``: a house (FIAS GUID), optionally an apartment/room number in it."""

    transport_guid: str
    house_guid: str  # lowercased
    pairs: tuple[Pair, ...]
    house_type: str | None = None
    apartment: str | None = None
    room: str | None = None


@dataclass(frozen=True, slots=True)
class Terms:
    """What a version of a contract says (the part of ``SupplyResourceContractType`` kept)."""

    is_contract: bool  # IsContract (written contract) vs IsNotContract
    number: str | None
    signing_date: date | None
    effective_date: date | None
    indefinite: bool
    expiration_date: date | None  # ComptetionDate
    auto_rollover: bool
    counterparty: str  # the element name of the choice: Offer, Organization, LivingHouseOwner …
    counterparty_xml: str  # that element as received, exported as is
    is_planned_volume: bool
    quality_by: str  # SpecifyingQualityIndicators: D (by contract) | O (by object)
    counting_resource: str | None
    subjects: tuple[Subject, ...]
    objects: tuple[SupplyObject, ...] = ()


@dataclass(frozen=True, slots=True)
class ContractRef:
    """How a command names an existing contract: its root GUID or one version's GUID."""

    root_guid: str | None = None
    version_guid: str | None = None

    @property
    def given(self) -> bool:
        return bool(self.root_guid or self.version_guid)


@dataclass(frozen=True, slots=True)
class PlaceContract:
    """A new contract (no reference) or a new version of an existing one."""

    transport_guid: str
    ref: ContractRef
    terms: Terms


@dataclass(frozen=True, slots=True)
class TerminateContract:
    transport_guid: str
    ref: ContractRef
    on: date
    reason: NsiRef  # NSI 54


@dataclass(frozen=True, slots=True)
class AnnulContract:
    transport_guid: str
    ref: ContractRef
    reason: str


@dataclass(frozen=True, slots=True)
class RollOverContract:
    """Prolongation: the contract in force until ``to`` (``RollOverDate``)."""

    transport_guid: str
    ref: ContractRef
    to: date


@dataclass(frozen=True, slots=True)
class NotSupported:
    """A block the hub does not apply: answered with INT910005."""

    transport_guid: str
    block: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A contract whose values the hub cannot take (a date outside 1–9999): its own error only."""

    transport_guid: str
    error: HubError


ContractCommand = PlaceContract | TerminateContract | AnnulContract | RollOverContract | NotSupported | Rejected


@dataclass(frozen=True, slots=True)
class Contract:
    """One stored version of a contract (the current one unless said otherwise)."""

    id: int
    root_guid: str
    version_guid: str
    org_id: int
    version_number: int
    is_current: bool
    status: VersionStatus
    terms: Terms
    terminated_on: date | None = None
    termination_reason: NsiRef | None = None
    annulment_reason: str | None = None


def check_terms(terms: Terms) -> None:
    """The dates of a contract and of its subjects and objects are in order (INT910001/2)."""
    if terms.effective_date and terms.expiration_date and terms.expiration_date < terms.effective_date:
        raise HubError(
            E.INT910002,
            f"Дата окончания действия договора {terms.expiration_date} раньше даты вступления в силу "
            f"{terms.effective_date}",
        )
    for subject in terms.subjects:
        _check_period(subject.start, subject.end, f"предмет договора {subject.transport_guid}")
    for obj in terms.objects:
        for pair in obj.pairs:
            _check_period(pair.start, pair.end, f"объект {obj.transport_guid}, PairKey {pair.subject_key}")


def _check_period(start: date, end: date | None, what: str) -> None:
    if end is not None and end < start:
        raise HubError(E.INT910001, f"{what}: дата окончания поставки {end} раньше даты начала {start}")


def check_changeable(contract: Contract) -> None:
    """Only a contract in force (not terminated or annulled) takes a new version or an end."""
    if contract.status is not VersionStatus.POSTED:
        raise HubError(E.INT910003, f"Договор {contract.root_guid} в статусе {contract.status.value}")


def rolled_over(terms: Terms, to: date) -> Terms:
    """The terms prolonged until ``to``: the expiration, and every subject and object period that
    ended with the contract, move to ``to``. An indefinite contract has nothing to prolong
    (INT910008); ``to`` must be after the expiration (INT910009)."""
    if terms.indefinite or terms.expiration_date is None:
        raise HubError(E.INT910008, "Договор заключен на неопределенный срок", where="RollOverContract")
    until = terms.expiration_date
    if to <= until:
        raise HubError(E.INT910009, f"RollOverDate {to} не позже {until}", where="RollOverContract/RollOverDate")

    def moved(end: date | None) -> date | None:
        return to if end == until else end

    subjects = tuple(replace(s, end=moved(s.end)) for s in terms.subjects)
    objects = tuple(replace(o, pairs=tuple(replace(p, end=moved(p.end)) for p in o.pairs)) for o in terms.objects)
    return replace(terms, expiration_date=to, subjects=subjects, objects=objects)


def supply_period(subject: Subject, pair: Pair) -> tuple[date, date | None]:
    """The days an object receives a subject: the pair's period within the subject's."""
    start = max(subject.start, pair.start)
    ends = [d for d in (subject.end, pair.end) if d is not None]
    return start, (min(ends) if ends else None)


def contract_state(contract: Contract, today: date) -> ContractState:
    """``ContractState`` of a version on ``today``."""
    terms = contract.terms
    if terms.effective_date is not None and terms.effective_date > today:
        return ContractState.NOT_IN_FORCE_YET
    ended = [d for d in (terms.expiration_date, contract.terminated_on) if d is not None]
    if contract.status is VersionStatus.ANNULLED or (ended and min(ended) < today):
        return ContractState.EXPIRED
    return ContractState.PROCEEDING
