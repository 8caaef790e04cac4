"""The small interfaces the services talk through, and the records that cross them.

Implementations live in ``hub.store`` (SQLAlchemy), ``hub.queue`` (dramatiq) and
``hub.contract`` (XML); tests may use fakes of these interfaces. Records are plain frozen
dataclasses so services never see a database row or an XML element.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from hub.domain.messages import RequestState
from hub.domain.nsi import NsiRef


@dataclass(frozen=True, slots=True)
class Organization:
    id: int
    ppaguid: str
    name: str
    ogrn: str
    inn: str
    kpp: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Certificate:
    fingerprint: str
    organization_id: int | None
    is_operator: bool
    subject: str
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None
    operator_for: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class NewInboxEntry:
    """What intake stores for an accepted message."""

    message_guid: str  # hub-assigned (Ack/MessageGUID)
    requester_message_guid: str  # the client's RequestHeader/MessageGUID
    sender_id: int
    service: str
    operation: str
    version: str
    digest: str  # SHA-256 of the canonical payload element: "same content" means same digest
    raw: bytes  # what the source received, exactly (HTTP body, JSON body, uploaded file)
    payload: bytes  # the checked request element, serialized: what the worker processes
    certificate_fingerprint: str | None = None
    #: SHA-256 of the decoded SignatureValue; unique among accepted messages (replay refusal)
    signature_digest: str | None = None
    #: how it arrived ("soap", "rest", "upload") and how its sender was authenticated
    source: str = "soap"
    authenticated_by: str = "signature"
    #: which part of ``raw`` this entry is, for a source that splits it (file, sheet, rows)
    provenance: Mapping[str, str] = field(default_factory=dict)

    def received(self, entry_id: int, at: datetime) -> InboxEntry:
        """The entry as the inbox has just stored it: RequestState 1, not yet attempted."""
        return InboxEntry(
            id=entry_id,
            message_guid=self.message_guid,
            requester_message_guid=self.requester_message_guid,
            sender_id=self.sender_id,
            service=self.service,
            operation=self.operation,
            version=self.version,
            digest=self.digest,
            state=RequestState.RECEIVED,
            attempts=0,
            created_at=at,
        )


@dataclass(frozen=True, slots=True)
class InboxEntry:
    id: int
    message_guid: str
    requester_message_guid: str
    sender_id: int
    service: str
    operation: str
    version: str
    digest: str
    state: RequestState
    attempts: int
    created_at: datetime
    result: bytes | None = None
    response: bytes | None = None  # cached signed getStateResult body once processed
    claimed_by: str | None = None  # the worker holding the processing lease
    source: str = "soap"  # hub.services.intake.Source: soap | rest | upload
    #: the signed element to process: only ``Inbox.claim`` reads it, in its own transaction
    #: (a separate read cost the worker three round trips on PostgreSQL)
    payload: bytes | None = None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Backlog:
    """Unfinished inbox entries (RequestState 1 or 2): of the whole hub, and of one sender."""

    total: int
    sender: int


class DuplicateMessageError(Exception):
    """Raised by ``Inbox.add`` when the sender already sent this RequesterMessageGUID."""

    def __init__(self, existing: InboxEntry) -> None:
        super().__init__(existing.requester_message_guid)
        self.existing = existing


class ReplayedSignatureError(Exception):
    """Raised by ``Inbox.add`` when the signature value was already accepted in another message."""

    def __init__(self, existing: InboxEntry) -> None:
        super().__init__(existing.message_guid)
        self.existing = existing


class Inbox(Protocol):
    def add(self, entry: NewInboxEntry, audit: AuditEvent) -> InboxEntry: ...
    def get(self, entry_id: int) -> InboxEntry | None: ...
    def find(self, message_guid: str) -> InboxEntry | None: ...
    def by_requester(self, sender_id: int, requester_message_guid: str) -> InboxEntry | None:
        """The sender's entry with this RequestHeader/MessageGUID (what a resend duplicates)."""
        ...

    def backlog(self, sender_id: int) -> Backlog:
        """Unfinished entries, as of a moment ago (an implementation may read them a few times a
        second and count its own adds in between): admission control reads it before ``add``."""
        ...

    def claim(self, entry_id: int, worker: str, lease_seconds: float) -> InboxEntry | None:
        """The entry with its ``payload``, now leased to ``worker``; None when done or leased."""

    def heartbeat(self, entry_id: int, worker: str) -> None: ...
    def complete(
        self, entry_id: int, worker: str, result: bytes, audit: AuditEvent, response: bytes | None = None
    ) -> bool: ...
    def store_response(self, entry_id: int, response: bytes) -> None: ...
    def unfinished(self, older_than_seconds: float, lease_seconds: float, limit: int = 10_000) -> Sequence[int]: ...


class Directory(Protocol):
    """Organizations and their certificates and credentials."""

    def organization(self, org_id: int) -> Organization | None: ...
    def organization_by_ppaguid(self, ppaguid: str) -> Organization | None: ...
    def certificate(self, fingerprint: str) -> Certificate | None: ...
    def password_hash(self, org_id: int) -> str | None: ...


class Queue(Protocol):
    def enqueue(self, entry_id: int) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class NsiElement:
    """One element of a GIS NSI book (общесистемный справочник) as the hub knows it."""

    registry: int
    code: str
    guid: str  # the hub's own GUID of the element (GIS GUIDs are not carried over)
    name: str


class NsiCatalog(Protocol):
    """NSI books the hub has. Requests reference elements by Code."""

    def has_book(self, registry: int) -> bool:
        """True when the hub has the COMPLETE book (so an unknown code is an error)."""
        ...

    def element(self, registry: int, code: str) -> NsiElement | None: ...


@dataclass(frozen=True, slots=True)
class HousingObject:
    """A house, premises or living room, as other capabilities (accounts, devices) see it."""

    kind: str  # "house" | "premises" | "room"
    guid: str  # FIAS GUID for a house; the hub's GUID for premises and rooms
    house_guid: str  # FIAS GUID of the house the object belongs to
    house_manager_org_id: int | None  # organization the house is bound to (УО/ТСЖ), if any
    premises_guid: str | None = None  # for a room in premises
    annulled: bool = False


class HousingLookup(Protocol):
    """Read access to the housing registry, bound to the caller's transaction."""

    def find(self, guid: str) -> HousingObject | None: ...
    def find_many(self, guids: Collection[str]) -> dict[str, HousingObject]:
        """``find`` for many GUIDs in a few queries; keyed by the GUID stripped and lowercased."""
        ...


# --- supply contracts and metering devices, as other areas see them ---------------------------
# The supply area provides ``"supply"`` (a ``SupplyLookup`` factory taking the caller's
# connection) and the devices area ``"meters"`` (a ``MeteringDeviceLookup`` factory); devices,
# readings, accounts and payment documents ask them who may touch what and never import those
# areas.


class SupplyLookup(Protocol):
    """Who supplies which municipal resource to which house, by supply contracts (ДРСО).

    Resources are NSI 2 codes (коммунальный ресурс); a contract's subject names a tariffed
    resource (NSI 239), and the supply area maps it to NSI 2 (docs/METERING.md).
    """

    def supplied(self, org_id: int, house_guids: Collection[str], on: date) -> dict[str, frozenset[str]]:
        """For each house (FIAS GUID, stripped and lowercased) that ``org_id`` supplies on the date
        under a contract in force, the NSI 2 codes it supplies there. Houses it does not supply
        are absent."""
        ...

    def suppliers(self, house_guid: str, on: date) -> dict[int, frozenset[str]]:
        """Every organization supplying the house on the date → the NSI 2 codes it supplies."""
        ...


class ValueKind(StrEnum):
    """The value blocks of importMeteringDeviceValues a device may receive."""

    ONE_RATE = "OneRateDeviceValue"  # a non-electric device (water, heat, gas …)
    ELECTRIC = "ElectricDeviceValue"  # an electric device: tariffs T1–T3
    VOLUME = "VolumeDeviceValue"  # a device that reports the consumed volume (ConsumedVolume)


@dataclass(frozen=True, slots=True)
class MeteringDevice:
    """A metering device as readings (and payment documents) see it: its current version."""

    root_guid: str  # lowercased
    version_guid: str  # lowercased: the current version
    owner_org_id: int  # the organization that placed it
    house_guid: str  # FIAS GUID of its house, lowercased
    device_type: str  # NSI 27 code (вид ПУ: ИПУ, ОДПУ, общий (квартирный), комнатный)
    resources: tuple[str, ...]  # NSI 2 codes it meters
    energy: bool  # an electric device (MunicipalResourceEnergy): ElectricDeviceValue
    tariff_count: int  # 1–3 for an electric device, 1 otherwise
    consumed_volume: bool  # it reports volumes: VolumeDeviceValue is accepted
    commissioned: date | None
    archived: bool
    #: the root GUID of the device this one replaced: its readings start anew (no "lower" check
    #: against the old device)
    replaced_root_guid: str | None = None
    #: readings at commissioning: (NSI 2 code, tariff 1–3) → value; the base of the first reading
    base_values: Mapping[tuple[str, int], Decimal] = field(default_factory=dict)
    #: an archived device: the date it left service and why (NSI 21), as the export gives them
    archived_on: date | None = None
    archive_reason: NsiRef | None = None


class MeteringDeviceLookup(Protocol):
    """Read access to the device registry, bound to the caller's transaction."""

    def find_many(self, guids: Collection[str]) -> dict[str, MeteringDevice]:
        """Devices by root or version GUID (any version of the device); keyed by the GUID as
        given, stripped and lowercased. Unknown GUIDs are absent."""
        ...

    def select(
        self,
        *,
        house_guids: Collection[str] = (),
        device_types: Collection[str] = (),
        resources: Collection[str] = (),
        include_archived: bool = False,
    ) -> list[MeteringDevice]:
        """Devices matching every given filter (an empty filter matches all), ordered by root GUID."""
        ...


# --- personal accounts, as other areas see them -------------------------------------------------
# The accounts area provides ``"accounts"`` (an ``AccountLookup`` factory taking the caller's
# connection): metering devices check the AccountGUIDs they are linked to through it.


@dataclass(frozen=True, slots=True)
class AccountRef:
    """A personal account as other areas see it."""

    guid: str  # lowercased
    org_id: int  # the organization that placed it
    house_guids: frozenset[str]  # FIAS GUIDs of the houses of its accommodations, lowercased
    closed: bool


class AccountLookup(Protocol):
    """Read access to the accounts registry, bound to the caller's transaction."""

    def find_many(self, guids: Collection[str]) -> dict[str, AccountRef]:
        """Accounts by AccountGUID; keyed by the GUID stripped and lowercased. Unknown are absent."""
        ...


# --- an organization's own NSI books (the nsi area provides ``own_nsi``) ----------------------


@dataclass(frozen=True, slots=True)
class OwnNsiItem:
    """An element of an organization's own book (NSI 1 additional services, NSI 51 municipal services)."""

    registry: int
    code: str
    guid: str  # lowercased
    name: str
    is_actual: bool  # False: deleted (importAdditionalServices/importMunicipalServices Delete…)


class OwnNsiLookup(Protocol):
    """Read access to the organizations' own books, bound to the caller's transaction.

    What payment documents check charges against: "does organization X have item CODE/GUID in
    its book N". Another organization's items are never found.
    """

    def find(self, org_id: int, registry: int, keys: Collection[str]) -> dict[str, OwnNsiItem]:
        """The items of ``org_id``'s book ``registry`` whose Code or GUID is one of ``keys``; keyed
        by the key as given, stripped (a GUID is matched case-insensitively). Deleted items are
        included (``is_actual`` False): the caller decides whether they may still be used. Keys
        matching nothing are absent."""
        ...


# --- REST resources: what an area (or the core store) lets the REST API and the operator page read


@dataclass(frozen=True, slots=True)
class ReadScope:
    """Whose objects a read may return: one organization's (its id), or every one (the operator)."""

    organization_id: int | None

    @property
    def everything(self) -> bool:
        return self.organization_id is None


@dataclass(frozen=True, slots=True)
class ResourceFilter:
    """A query parameter of a resource's list: ``kind`` "string", "datetime" or "choice"."""

    name: str
    description: str
    kind: str = "string"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """A resource as the API names it (a GIS term: ``houses``, ``accounts``) and its list filters."""

    name: str
    title: str
    key: str  # what the item's path segment is, e.g. "FIAS house GUID"
    filters: tuple[ResourceFilter, ...] = ()
    #: the import a ``POST`` of a JSON document sends through the intake (None: read only)
    write_operation: str | None = None


@dataclass(frozen=True, slots=True)
class ResourcePage:
    """Items in a stable order; ``next_cursor`` continues after the last one, None at the end."""

    items: list[dict[str, Any]]
    next_cursor: int | None


class ResourceReader(Protocol):
    """An area's read-only view of its objects (``Area.provides`` ``"read:<name>"`` → a class taking
    the store). Objects outside the scope are absent, exactly like missing ones (no existence leak)."""

    spec: ResourceSpec

    def page(self, scope: ReadScope, filters: Mapping[str, Any], cursor: int | None, limit: int) -> ResourcePage: ...

    def get(self, scope: ReadScope, key: str) -> dict[str, Any] | None: ...


# --- personal accounts with their numbers, as payment documents see them ----------------------
# The accounts area's ``"accounts"`` port (``SqlAccountLookup``) also answers ``cards``: payment
# documents need the ЕЛС (their PaymentDocumentID starts with it) and the account number.


@dataclass(frozen=True, slots=True)
class AccountCard:
    """A personal account with the numbers a payment document carries."""

    guid: str  # lowercased
    org_id: int  # the organization that placed it
    unified_number: str  # ЕЛС, 10 characters
    account_number: str | None
    house_guids: frozenset[str]  # FIAS GUIDs of the houses of its accommodations, lowercased
    closed: bool


class AccountCardLookup(Protocol):
    """Accounts with their numbers, bound to the caller's transaction."""

    def cards(self, guids: Collection[str]) -> dict[str, AccountCard]:
        """Accounts by AccountGUID; keyed by the GUID stripped and lowercased. Unknown are absent."""
        ...


# --- getRequestsState: which of a sender's messages are processed -----------------------------


class ProcessedMessages(Protocol):
    """The inbox as getRequestsState reads it (``hub.store.inbox.SqlInbox`` answers it)."""

    def processed(self, sender_id: int, service: str, message_guids: Collection[str]) -> list[str]:
        """The MessageGUIDs among ``message_guids`` (lowercased) that ``sender_id`` sent to
        ``service`` and that are processed (RequestState 3), in the order given."""
        ...


# --- accounts by their numbers (Excel uploads name a ПД's account by ЕЛС or account number) ---


class AccountKeyLookup(Protocol):
    """An organization's accounts by ЕЛС or account number, bound to the caller's transaction."""

    def guids_by_keys(self, org_id: int, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """AccountGUIDs of the accounts ``org_id`` created, by ``("unified", ЕЛС)`` or
        ``("number", account number)`` (as given, stripped); unknown keys are absent."""
        ...
