"""Applying an import message object by object: exactly once, even across crashes.

A GIS import carries many objects (a house with its premises and rooms; up to 100 accounts).
Each object gets its own ``CommonResult``: a failed object does not fail the rest. The outcome
of every object is written in the SAME transaction as the object's data, so after a crash
the objects already committed are recognized by their recorded outcome and skipped: nothing
is applied twice and nothing is lost. Objects are committed in chunks (``chunk_size``) with a
savepoint per object — cheaper than a commit per object, and a crash loses at most one chunk
of work, which is then redone.

``apply`` receives the session (one transaction, with the domain repositories the handler
needs), the command, and the outcomes known so far by sequence number (so a child can see its
parent's result).

Fast path: an operation may also give ``apply_chunk``, which applies a whole chunk at once (a
few prefetching queries, the rules in memory, one batched write) — the per-object path costs
~10 statements per object. It runs in the chunk's own
transaction, without a savepoint; when it declines (returns ``None``) or its batched write loses
a race with another worker (``ChunkConflictError``), that transaction is rolled back and the
chunk is redone object by object in a fresh one, so correctness never depends on the fast path.
Either way the outcomes are recorded in the transaction that applied the chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from hub.domain.outcomes import ObjectOutcome
from hub.errors import HubError


class ChunkConflictError(Exception):
    """A chunk's batched write hit a constraint or lock another worker got first: redo it per object."""


class ImportSession(Protocol):
    """One transaction of an import: savepoints and outcome recording."""

    def savepoint(self) -> AbstractContextManager[object]: ...
    def record(self, seq: int, outcome: ObjectOutcome) -> None: ...


class HasTransportGUID(Protocol):
    @property
    def transport_guid(self) -> str: ...


S = TypeVar("S", bound=ImportSession)
S_co = TypeVar("S_co", bound=ImportSession, covariant=True)
C = TypeVar("C", bound=HasTransportGUID)


class ImportStore(Protocol[S_co]):
    def outcomes(self, inbox_id: int) -> dict[int, ObjectOutcome]: ...
    def session(self, inbox_id: int) -> AbstractContextManager[S_co]: ...


Apply = Callable[[S, C, Mapping[int, ObjectOutcome]], ObjectOutcome]
#: (session, [(seq, command)…], outcomes so far) -> outcome per seq, or None to decline the chunk
ApplyChunk = Callable[[S, Sequence[tuple[int, C]], Mapping[int, ObjectOutcome]], Mapping[int, ObjectOutcome] | None]


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


class _ChunkDeclinedError(Exception):
    """The fast path declined a chunk: its transaction is rolled back like a conflict's."""


def _fast_chunk(
    store: ImportStore[S],
    inbox_id: int,
    apply_chunk: ApplyChunk[S, C],
    items: Sequence[tuple[int, C]],
    done: Mapping[int, ObjectOutcome],
) -> Mapping[int, ObjectOutcome] | None:
    """The chunk applied and recorded in its own transaction, or None with that transaction
    rolled back (declined, or another worker won a constraint race).

    No savepoint: a conflict rolls back the whole chunk transaction and the caller redoes the
    chunk object by object in a fresh one. A savepoint cost two statements (two round trips on
    PostgreSQL) on every chunk for the rare conflict.
    """
    try:
        with store.session(inbox_id) as session:
            outcomes = apply_chunk(session, items, done)
            if outcomes is None:
                raise _ChunkDeclinedError
            for seq, _command in items:
                session.record(seq, outcomes[seq])
    except (ChunkConflictError, _ChunkDeclinedError):
        return None
    return outcomes


def run_import(
    inbox_id: int,
    commands: Sequence[C],
    apply: Apply[S, C],
    *,
    store: ImportStore[S],
    chunk_size: int = 50,
    after_chunk: Callable[[], None] | None = None,
    apply_chunk: ApplyChunk[S, C] | None = None,
    first_attempt: bool = False,
) -> list[ObjectOutcome]:
    """Apply every command not yet applied; return all outcomes in command order.

    ``first_attempt``: the caller holds the message's first claim ever, so no earlier attempt
    can have committed a chunk and the recorded outcomes need not be read.
    """
    done: MutableMapping[int, ObjectOutcome] = {} if first_attempt else store.outcomes(inbox_id)
    for block in _chunks(len(commands), max(chunk_size, 1)):
        pending = [seq for seq in block if seq not in done]
        if not pending:
            continue
        fast = None
        if apply_chunk is not None:
            fast = _fast_chunk(store, inbox_id, apply_chunk, [(seq, commands[seq]) for seq in pending], done)
        if fast is not None:
            done.update((seq, fast[seq]) for seq in pending)
        else:
            with store.session(inbox_id) as session:
                for seq in pending:
                    command = commands[seq]
                    try:
                        with session.savepoint():
                            outcome = apply(session, command, done)
                    except HubError as exc:
                        outcome = ObjectOutcome.failed(command.transport_guid, exc)
                    session.record(seq, outcome)
                    done[seq] = outcome
        if after_chunk is not None:
            after_chunk()
    return [done[seq] for seq in range(len(commands))]
