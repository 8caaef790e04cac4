"""Accepting a verified message: store it, then queue it, then acknowledge.

The order is the guarantee: an Ack is returned only after the inbox row is committed, and the
queue carries only the row id. If the enqueue is lost (broker down, process killed), the
sweeper finds the committed row and enqueues it again. Resending the same RequesterMessageGUID
with the same content returns the original Ack and does no new work; with different content it
is refused. A signature value already accepted under another MessageGUID is a replay of a
captured message (the header with its MessageGUID is not signed) and is refused as well.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from hub.errors import E, HubError
from hub.services.ports import (
    AuditEvent,
    DuplicateMessageError,
    Inbox,
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


def new_message_guid() -> str:
    """Hub-assigned MessageGUID: random (uuid4), never derived from the client's."""
    return str(uuid.uuid4())


def accept(entry: NewInboxEntry, *, inbox: Inbox, queue: Queue, actor: str) -> Ack:
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
        if dup.existing.digest != entry.digest or dup.existing.operation != entry.operation:
            raise HubError(
                E.INT900001,
                f"MessageGUID {entry.requester_message_guid} уже использован в сообщении "
                f"{dup.existing.message_guid}; для нового сообщения нужен новый MessageGUID",
                where="RequestHeader/MessageGUID",
            ) from None
        return Ack(dup.existing.message_guid, dup.existing.requester_message_guid, duplicate=True)
    except ReplayedSignatureError:
        # Which message it repeats is not said: the replayer may not be its sender.
        raise HubError(E.AUT900011, where="Signature/SignatureValue") from None
    # Committed: from here on nothing is lost even if the enqueue fails (the sweeper retries).
    try:
        queue.enqueue(stored.id)
    except Exception:
        log.warning("enqueue of inbox entry %s failed; the sweeper will retry", stored.id, exc_info=True)
    return Ack(stored.message_guid, stored.requester_message_guid)
