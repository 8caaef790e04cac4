"""Processing one inbox entry: claim, run the operation's handler, store the result.

Idempotent by construction: the claim is a database lease (one worker at a time; a dead
worker's lease expires and the entry is taken over), and completion is conditional on still
holding the claim.

Failures are of two kinds. A deterministic one (a decoding or rule bug: retrying cannot cure it)
ends the message at once in state 3 with EXP001000 and one searchable log record (inbox id,
MessageGUID, operation, the traceback in the server log, never in the response). A transient one
(``transient(exc)``: the database connection lost, a lock timeout) leaves the entry for a retry:
its lease expires and the sweeper enqueues it again, so the lease is the backoff; after
``max_attempts`` it too ends with EXP001000, so a client never polls forever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hub.errors import E, HubError
from hub.services.ports import AuditEvent, Inbox, InboxEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    """A whole-message failure: becomes ``base:ErrorMessage`` in getStateResult."""

    code: str
    description: str


#: handler(entry, signed payload) -> serialized result fragment
Handler = Callable[[InboxEntry, bytes], bytes]
#: encodes a whole-message failure as a result fragment
FailureEncoder = Callable[[Failure], bytes]
#: (claimed entry, result fragment) -> the final response to store with the result, or None
Respond = Callable[[InboxEntry, bytes], bytes | None]


@dataclass(frozen=True, kw_only=True)
class ProcessingPolicy:
    lease_seconds: float = 30.0
    max_attempts: int = 5


def process(
    entry_id: int,
    *,
    inbox: Inbox,
    handlers: Mapping[str, Handler],
    encode_failure: FailureEncoder,
    worker: str,
    policy: ProcessingPolicy = ProcessingPolicy(),
    after_claim: Callable[[InboxEntry], None] | None = None,
    respond: Respond | None = None,
    transient: Callable[[BaseException], bool] = lambda _exc: False,
) -> bool:
    """Process the entry if it can be claimed. True when this call completed it.

    ``respond`` builds the final answer (the signed getStateResult) before completion, so it is
    stored by the completing statement itself — still conditional on holding the claim — rather
    than by one more transaction afterwards.
    """
    entry = inbox.claim(entry_id, worker, policy.lease_seconds)
    if entry is None:
        return False
    if after_claim is not None:
        after_claim(entry)
    handler = handlers.get(entry.operation)
    try:
        if handler is None:
            raise HubError(E.FMT900006, entry.operation)
        assert entry.payload is not None, "Inbox.claim returns the entry with its payload"
        result = handler(entry, entry.payload)
    except HubError as exc:
        result = encode_failure(Failure(exc.code, exc.message))
    except Exception as exc:
        if transient(exc) and entry.attempts < policy.max_attempts:
            log.warning(
                "inbox entry %s (MessageGUID %s, %s): transient failure on attempt %s of %s, retried after"
                " its lease: %s",
                entry.id,
                entry.message_guid,
                entry.operation,
                entry.attempts,
                policy.max_attempts,
                type(exc).__name__,
            )
            raise
        log.error(
            "inbox entry %s (MessageGUID %s, %s) failed on attempt %s: ended with EXP001000",
            entry.id,
            entry.message_guid,
            entry.operation,
            entry.attempts,
            exc_info=True,
        )
        result = encode_failure(Failure(E.EXP001000.code, E.EXP001000.text))
    audit = AuditEvent(worker, "processed", "inbox", entry.message_guid, {"attempt": entry.attempts})
    response = respond(entry, result) if respond is not None else None
    return inbox.complete(entry.id, worker, result, audit, response)


class Processor:
    """What the worker runs for one inbox entry: the handlers, the final answer, the lease renewal.

    ``respond`` builds and signs the final getStateResult with the result, stored by the
    completing statement (``hub.services.state.StateQuery.final_response``), so the HTTP side only
    replays it. The pauses are test hooks (``HUB_FAULT_PAUSE_AFTER_CLAIM``/``…_AFTER_CHUNK``), off
    unless configured, that let a crash test land a SIGKILL mid-processing.
    """

    def __init__(
        self,
        *,
        inbox: Inbox,
        encode_failure: FailureEncoder,
        worker_name: str,
        policy: ProcessingPolicy = ProcessingPolicy(),
        respond: Respond | None = None,
        pause_after_claim: float = 0.0,
        pause_after_chunk: float = 0.0,
        transient: Callable[[BaseException], bool] = lambda _exc: False,
        observe: Callable[[str, float], None] | None = None,
    ) -> None:
        self.inbox = inbox
        #: (operation, seconds from claim to completion) of each message this process completed
        self.observe = observe
        self.handlers: dict[str, Handler] = {}
        self.encode_failure = encode_failure
        self.worker_name = worker_name
        self.policy = policy
        self.respond = respond
        self.pause_after_claim = pause_after_claim
        self.pause_after_chunk = pause_after_chunk
        #: which failures are worth a retry (``hub.store.db.is_transient``)
        self.transient = transient

    def process(self, entry_id: int) -> bool:
        """Process one inbox entry (what the dramatiq actor runs); True when this call completed it."""
        started = time.monotonic()
        operations: list[str] = []
        done = process(
            entry_id,
            inbox=self.inbox,
            handlers=self.handlers,
            encode_failure=self.encode_failure,
            worker=f"{self.worker_name}:{threading.get_ident()}",
            policy=self.policy,
            after_claim=lambda entry: self._claimed(entry, operations),
            respond=self.respond,
            transient=self.transient,
        )
        if done and self.observe is not None and operations:
            self.observe(operations[0], time.monotonic() - started)
        return done

    def _claimed(self, entry: InboxEntry, operations: list[str]) -> None:
        operations.append(entry.operation)
        if self.pause_after_claim > 0:
            time.sleep(self.pause_after_claim)

    def progress(self, entry: InboxEntry) -> Callable[[], None]:
        """What an import handler calls after each committed chunk.

        Renews the processing lease once a third of it has passed (so a long message is not taken
        over while its worker is alive, and a short one costs no extra write).
        """
        every = self.policy.lease_seconds / 3
        last_beat = time.monotonic()

        def after_chunk() -> None:
            nonlocal last_beat
            if entry.claimed_by and time.monotonic() - last_beat >= every:
                self.inbox.heartbeat(entry.id, entry.claimed_by)
                last_beat = time.monotonic()
            if self.pause_after_chunk > 0:
                time.sleep(self.pause_after_chunk)

        return after_chunk
