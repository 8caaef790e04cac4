"""Accepting a verified message: store it, then queue it, then acknowledge.

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
from dataclasses import dataclass

from hub.errors import E, HubError
from hub.services.ports import (
    AuditEvent,
    Backlog,
    DuplicateMessageError,
    Inbox,
    InboxEntry,
    NewInboxEntry,
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


def accept(
    entry: NewInboxEntry, *, inbox: Inbox, queue: Queue, actor: str, limits: BacklogLimits = BacklogLimits()
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
    except Exception:
        log.warning("enqueue of inbox entry %s failed; the sweeper will retry", stored.id, exc_info=True)
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
