"""getState: the state and results of a request, for its sender only."""

from __future__ import annotations

from hub.errors import E, HubError
from hub.services.ports import Inbox, InboxEntry, Organization


def lookup(inbox: Inbox, caller: Organization, message_guid: str, service: str) -> InboxEntry:
    """The inbox entry for ``message_guid`` if ``caller`` sent it to ``service``."""
    entry = inbox.find(message_guid.strip())
    if entry is None or entry.service != service:
        raise HubError(E.INT002013, f"MessageGUID {message_guid}", where="getStateRequest/MessageGUID")
    if entry.sender_id != caller.id:
        raise HubError(E.AUT011003, "Результаты запроса доступны только отправителю")
    return entry
