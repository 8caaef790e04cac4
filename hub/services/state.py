"""getState: the state and results of a request, for its sender only, as a signed answer; and
getRequestsState (BillsAsync): which of the sender's requests are processed.

Signing a 100-result answer is the costliest part of getState, so it happens as rarely as
possible: the worker signs the final answer once, stored with the result
(:meth:`StateQuery.final_response`); a processed request's stored answer is replayed with a fresh
unsigned ResultHeader; and the answer for a request still in state 1 or 2 is kept per
(entry, state), so a client polling every few milliseconds costs one signature per state, not
one per poll. The caller is authenticated and authorized on every poll all the same.
"""

from __future__ import annotations

import logging

from hub.contract import responses
from hub.contract.pki import AnyIdentity
from hub.contract.registry import Registry, Service
from hub.domain.messages import RequestState
from hub.errors import E, HubError
from hub.services.intake import Source
from hub.services.ports import Inbox, InboxEntry, Organization, ProcessedMessages

log = logging.getLogger(__name__)

#: answers kept for unfinished requests; past it the cache is emptied (a poller re-signs once)
PENDING_CACHE_SIZE = 4096


def lookup(inbox: Inbox, caller: Organization, message_guid: str, service: str) -> InboxEntry:
    """The inbox entry for ``message_guid`` if ``caller`` sent it to ``service``, else INT002013."""
    entry = inbox.find(message_guid.strip())
    if entry is None or entry.service != service or entry.sender_id != caller.id:
        # Another organization's request is "not found" too (as MosGIS answers): a different
        # answer would let anyone test which MessageGUIDs exist.
        raise HubError(E.INT002013, f"MessageGUID {message_guid}", where="getStateRequest/MessageGUID")
    return entry


class StateQuery:
    """The signed getStateResult of a request, for the SOAP endpoint and the worker."""

    def __init__(
        self,
        *,
        inbox: Inbox,
        identity: AnyIdentity,
        registry: Registry,
        processed: ProcessedMessages | None = None,
    ) -> None:
        self.inbox = inbox
        self.processed = processed
        self.identity = identity
        self.registry = registry
        self._pending: dict[tuple[int, int], bytes] = {}

    def answer(self, caller: Organization, message_guid: str, service: Service) -> bytes:
        """The SOAP response body for ``caller``'s getState of ``message_guid`` (INT002013 if not theirs)."""
        entry = lookup(self.inbox, caller, message_guid.lower(), service.key)
        if entry.response is not None:
            return responses.replace_header_date(entry.response, entry.requester_message_guid)
        pending = (entry.id, int(entry.state))
        if entry.state != RequestState.PROCESSED:
            cached = self._pending.get(pending)
            if cached is not None:
                return responses.replace_header_date(cached, entry.requester_message_guid)
        signed = self._sign(service, entry, entry.result if entry.state == RequestState.PROCESSED else None)
        if entry.state == RequestState.PROCESSED:
            self.inbox.store_response(entry.id, signed)
            for earlier in (RequestState.RECEIVED, RequestState.PROCESSING):
                self._pending.pop((entry.id, int(earlier)), None)
        else:
            if len(self._pending) >= PENDING_CACHE_SIZE:
                self._pending.clear()
            self._pending[pending] = signed
        return signed

    def requests_state(
        self, caller: Organization, message_guids: list[str], service: Service, requester_message_guid: str
    ) -> bytes:
        """getRequestsState: the signed list of ``caller``'s messages to ``service`` among
        ``message_guids`` that are processed. None of them (or another organization's only):
        INT002013, since the result's list may not be empty."""
        done = self.processed.processed(caller.id, service.key, message_guids) if self.processed else []
        if not done:
            raise HubError(
                E.INT002013, "Ни один из запросов не обработан", where="getRequestsStateRequest/MessageGUIDList"
            )
        return responses.signed_requests_state_result(
            done, requester_message_guid=requester_message_guid, identity=self.identity
        )

    def final_response(self, entry: InboxEntry, result: bytes) -> bytes | None:
        """The signed getStateResult (state 3) of an entry about to be completed with ``result``.

        None when it cannot be built, or for a batch of an upload (its rows' outcomes go to the
        upload's result file, so nobody may ever ask): getState, or the message log's
        ``/response``, then signs on demand (``processed_answer``).
        """
        if entry.source == Source.UPLOAD:
            return None
        try:
            service = self.registry.service(entry.service)
            if service is None:
                return None
            return self._sign(service, entry, result, state=RequestState.PROCESSED)
        except Exception:
            log.exception("could not pre-sign the response of inbox entry %s", entry.id)
            return None

    def processed_answer(self, message_guid: str) -> bytes | None:
        """The signed getStateResult (state 3) of a processed request, whoever sent it: the stored
        one, else signed now and stored. None while it is not processed. (The message log's
        ``/response``: who may see the message is the caller's check.)"""
        entry = self.inbox.find(message_guid.strip().lower())
        if entry is None or entry.state != RequestState.PROCESSED:
            return None
        if entry.response is not None:
            return entry.response
        service = self.registry.service(entry.service)
        if service is None:  # pragma: no cover - a service removed since the request
            return None
        signed = self._sign(service, entry, entry.result)
        self.inbox.store_response(entry.id, signed)
        return signed

    def _sign(
        self, service: Service, entry: InboxEntry, result: bytes | None, state: RequestState | None = None
    ) -> bytes:
        return responses.signed_state_result(
            service_namespace=service.namespace,
            version=service.get_state_result_version,
            state=int(state if state is not None else entry.state),
            message_guid=entry.message_guid,
            result=result,
            requester_message_guid=entry.requester_message_guid,
            identity=self.identity,
        )
