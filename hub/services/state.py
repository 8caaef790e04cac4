"""getState: the state and results of a request, for its sender only."""

from __future__ import annotations

from hub.errors import E, HubError
from hub.services.ports import Inbox, InboxEntry, Organization


def lookup(inbox: Inbox, caller: Organization, message_guid: str, service: str) -> InboxEntry:
    """The inbox entry for ``message_guid`` if ``caller`` sent it to ``service``, else INT002013."""
    entry = inbox.find(message_guid.strip())
    if entry is None or entry.service != service or entry.sender_id != caller.id:
        # Another organization's request is "not found" too (as MosGIS answers): a different
        # answer would let anyone test which MessageGUIDs exist.
        raise HubError(E.INT002013, f"MessageGUID {message_guid}", where="getStateRequest/MessageGUID")
    return entry
