"""The one intake of every source: check a submission, store it, then queue it, then acknowledge.

A source (signed SOAP today; a REST JSON body or an uploaded file's row batch next) turns what
it received into a :class:`Submission`: the operation, the canonical payload (the request element
as the XSD defines it), the authenticated sender and the :class:`Provenance` (the bytes as
received and how the sender was authenticated). :meth:`Intake.submit` then does, for every
source alike: who may call the operation, the version, the per-request limits, the XSD, admission,
dedup and replay, the inbox commit and the enqueue. A source keeps only its own work (the SOAP
envelope, the signature, the header).

The order is the guarantee: an Ack is returned only after the inbox row is committed, and the
queue carries only the row id. If the enqueue is lost (broker down, process killed), the
sweeper finds the committed row and enqueues it again. Resending the same RequesterMessageGUID
with the same content returns the original Ack and does no new work; with different content it
is refused. A signature value already accepted under another MessageGUID is a replay of a
captured message (the header with its MessageGUID is not signed) and is refused as well.

Admission control comes first: past a bound on unfinished messages (the whole hub's, or the
sender's share of it) the request is refused with EXP002001 "try again" and nothing is stored,
so a client sending faster than the workers finish is told to slow down instead of growing a
backlog that takes an hour to drain. The bound is read, not locked: requests accepted at the
same moment by other threads or processes may pass it by as many as are in flight. A resend of
a message already accepted is never refused: it is answered with its original Ack.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hub.contract.payload import Payload
from hub.contract.registry import Operation
from hub.contract.schemas import Schemas
from hub.domain.systems import SYSTEM_SERVICES, is_system
from hub.errors import E, HubError
from hub.services.outages import Outage
from hub.services.ports import (
    AuditEvent,
    Backlog,
    DuplicateMessageError,
    Inbox,
    InboxEntry,
    NewInboxEntry,
    Organization,
    Queue,
    ReplayedSignatureError,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ack:
    message_guid: str
    requester_message_guid: str
    duplicate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BacklogLimits:
    """Admission bounds on unfinished messages (0 = no bound): ``whole`` for the hub,
    ``per_organization`` for one sender's share (``HUB_MAX_BACKLOG``, ``HUB_MAX_BACKLOG_PER_ORG``)."""

    whole: int = 0
    per_organization: int = 0

    @property
    def on(self) -> bool:
        return self.whole > 0 or self.per_organization > 0

    def exceeded_by(self, backlog: Backlog) -> str | None:
        """Which bound a new message would pass, in the client's language; None when it fits."""
        if self.whole > 0 and backlog.total >= self.whole:
            return f"Достигнут предел необработанных сообщений хаба ({self.whole})"
        if self.per_organization > 0 and backlog.sender >= self.per_organization:
            return f"Достигнута доля необработанных сообщений вашей организации ({self.per_organization})"
        return None


class Source(StrEnum):
    """How a submission reached the hub (stored with the inbox entry)."""

    SOAP = "soap"  # a signed SOAP message
    REST = "rest"  # a JSON body with an API token
    UPLOAD = "upload"  # a row batch of an uploaded file


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Where a submission came from and what proves who sent it."""

    source: Source
    #: the bytes as received: the HTTP body, the JSON body; empty when the payload is itself the
    #: evidence (a batch the hub built from an uploaded file, whose bytes the upload keeps): the
    #: message log then shows the payload, and the hub does not store the same bytes twice
    raw: bytes
    #: how the sender was authenticated: "signature", "token", "session" …
    authenticated_by: str
    certificate_fingerprint: str | None = None
    #: SHA-256 of the decoded SignatureValue: a signature is accepted once (replays refused)
    signature_digest: str | None = None
    #: what part of ``raw`` this is, for a source that splits it (file, sheet, rows)
    detail: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """One request to accept, whatever its source."""

    operation: Operation
    payload: Payload
    sender: Organization
    #: the sender's own id of the message (RequestHeader/MessageGUID): a resend repeats it
    requester_message_guid: str
    provenance: Provenance


def new_message_guid() -> str:
    """Hub-assigned MessageGUID: random (uuid4), never derived from the client's."""
    return str(uuid.uuid4())


def admit(inbox: Inbox, sender_id: int, requester_guid: str, limits: BacklogLimits) -> InboxEntry | None:
    """Raise EXP002001 when a new message would pass a bound; the already accepted entry when
    this is a resend of one (never refused: it gets its original Ack); None when it fits."""
    if not limits.on:
        return None
    exceeded = limits.exceeded_by(inbox.backlog(sender_id))
    if exceeded is None:
        return None
    existing = inbox.by_requester(sender_id, requester_guid)
    if existing is None:
        raise HubError(E.EXP002001, exceeded)
    return existing


#: the queue's outage log of this process, when the caller keeps none of its own
_QUEUE_OUTAGE = Outage("queue (the sweeper enqueues accepted messages once it is back)")


def accept(
    entry: NewInboxEntry,
    *,
    inbox: Inbox,
    queue: Queue,
    actor: str,
    limits: BacklogLimits = BacklogLimits(),
    queue_outage: Outage | None = None,
) -> Ack:
    existing = admit(inbox, entry.sender_id, entry.requester_message_guid, limits)
    if existing is not None:
        return _resent(entry, existing)
    audit = AuditEvent(
        actor,
        "received",
        "inbox",
        entry.message_guid,
        {"operation": entry.operation, "requester_message_guid": entry.requester_message_guid},
    )
    try:
        stored = inbox.add(entry, audit)
    except DuplicateMessageError as dup:
        return _resent(entry, dup.existing)
    except ReplayedSignatureError:
        # Which message it repeats is not said: the replayer may not be its sender.
        raise HubError(E.AUT900011, where="Signature/SignatureValue") from None
    # Committed: from here on nothing is lost even if the enqueue fails (the sweeper retries).
    try:
        queue.enqueue(stored.id)
    except Exception as exc:
        # One line per outage, not a traceback per message: the sweeper enqueues it later.
        (queue_outage or _QUEUE_OUTAGE).failed(exc)
    else:
        (queue_outage or _QUEUE_OUTAGE).ok()
    return Ack(stored.message_guid, stored.requester_message_guid)


def _resent(entry: NewInboxEntry, existing: InboxEntry) -> Ack:
    """The original Ack of a resend with the same content; INT900001 for a reused MessageGUID."""
    if existing.digest != entry.digest or existing.operation != entry.operation:
        raise HubError(
            E.INT900001,
            f"MessageGUID {entry.requester_message_guid} уже использован в сообщении "
            f"{existing.message_guid}; для нового сообщения нужен новый MessageGUID",
            where="RequestHeader/MessageGUID",
        ) from None
    return Ack(existing.message_guid, existing.requester_message_guid, duplicate=True)


class Intake:
    """The checks and the commit every source goes through (see the module docstring)."""

    def __init__(
        self, *, inbox: Inbox, queue: Queue, schemas: Schemas, limits: BacklogLimits = BacklogLimits()
    ) -> None:
        self.inbox = inbox
        self.queue = queue
        self.schemas = schemas
        self.limits = limits

    def admit(self, sender: Organization, requester_message_guid: str) -> None:
        """Before a source's costly work (a signature check): refuse when the whole hub is full.

        Only the whole-hub bound, which ``/health`` shows anyway: the organization's own share is
        not told to a sender whose signature has not been verified yet.
        """
        admit(self.inbox, sender.id, requester_message_guid, BacklogLimits(whole=self.limits.whole))

    def submit(self, submission: Submission) -> Ack:
        """Check, commit, enqueue: the Ack, or a HubError and nothing stored."""
        operation, payload, sender = submission.operation, submission.payload, submission.sender
        if payload.qname != operation.request_qname:
            raise HubError(E.FMT900006, f"{payload.qname} не является запросом {operation.name}")
        check_caller(operation, sender)
        version = check_version(operation, payload)
        check_limits(operation, payload)
        self.schemas.validate(payload.element)
        source = submission.provenance
        entry = NewInboxEntry(
            message_guid=new_message_guid(),
            requester_message_guid=submission.requester_message_guid,
            sender_id=sender.id,
            service=operation.service.key,
            operation=operation.name,
            version=version or "",
            digest=payload.digest,
            raw=source.raw,
            payload=payload.serialized(),
            certificate_fingerprint=source.certificate_fingerprint,
            signature_digest=source.signature_digest,
            source=str(source.source),
            authenticated_by=source.authenticated_by,
            provenance=dict(source.detail),
        )
        return accept(entry, inbox=self.inbox, queue=self.queue, actor=f"org:{sender.ppaguid}", limits=self.limits)


def check_caller(operation: Operation, sender: Organization) -> None:
    """AUT011003 when the operation is reserved to roles the sender has none of, or the sender is
    an information system and the operation is not of the common services it may call."""
    if is_system(sender.roles) and operation.service.key not in SYSTEM_SERVICES:
        raise HubError(
            E.AUT011003,
            f"Информационная система не может вызывать {operation.name}: ей доступны только "
            "NsiCommonAsync и OrgRegistryCommonAsync",
        )
    if operation.callers and not operation.callers.intersection(sender.roles):
        allowed = ", ".join(sorted(operation.callers))
        raise HubError(E.AUT011003, f"Операция {operation.name} доступна организациям с полномочиями: {allowed}")


def check_version(operation: Operation, payload: Payload) -> str | None:
    """The payload's base:version when the operation accepts it; FMT001300 otherwise."""
    version = payload.version
    if operation.versions and version not in operation.versions:
        raise HubError(
            E.FMT001300,
            f"Версия {version!r} не поддерживается; поддерживаются: {', '.join(operation.versions)}",
            where=f"строка {payload.line}, /{operation.request_element}/@base:version",
        )
    return version


def check_limits(operation: Operation, payload: Payload) -> None:
    """FMT001300 naming the limit when the payload has more objects than one request may carry."""
    for limit in operation.limits:
        count = payload.count(limit.element)
        if count > limit.maximum:
            local = limit.element.rpartition("}")[2]
            raise HubError(
                E.FMT001300,
                f"Превышено количество элементов {local} в запросе: {count}, допускается не более {limit.maximum}",
                where=f"строка {payload.line}, /{operation.request_element}/{local}[{limit.maximum + 1}]",
            )
