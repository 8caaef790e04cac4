"""The small interfaces the services talk through, and the records that cross them.

Implementations live in ``hub.store`` (SQLAlchemy), ``hub.queue`` (dramatiq) and
``hub.contract`` (XML); tests may use fakes of these interfaces. Records are plain frozen
dataclasses so services never see a database row or an XML element.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from hub.domain.messages import RequestState


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
    digest: str  # SHA-256 of the canonical signed element: "same content" means same digest
    raw: bytes  # the HTTP body exactly as received
    signed: bytes  # the verified signed element, serialized
    certificate_fingerprint: str | None


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


@dataclass(frozen=True, slots=True)
class AuditEvent:
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, object] = field(default_factory=dict)


class DuplicateMessageError(Exception):
    """Raised by ``Inbox.add`` when the sender already sent this RequesterMessageGUID."""

    def __init__(self, existing: InboxEntry) -> None:
        super().__init__(existing.requester_message_guid)
        self.existing = existing


class Inbox(Protocol):
    def add(self, entry: NewInboxEntry, audit: AuditEvent) -> InboxEntry: ...
    def get(self, entry_id: int) -> InboxEntry | None: ...
    def find(self, message_guid: str) -> InboxEntry | None: ...
    def payload(self, entry_id: int) -> bytes: ...
    def claim(self, entry_id: int, worker: str, lease_seconds: float) -> InboxEntry | None: ...
    def heartbeat(self, entry_id: int, worker: str) -> None: ...
    def complete(self, entry_id: int, worker: str, result: bytes, audit: AuditEvent) -> bool: ...
    def store_response(self, entry_id: int, response: bytes) -> None: ...
    def unfinished(self, older_than_seconds: float, lease_seconds: float) -> Sequence[int]: ...


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
