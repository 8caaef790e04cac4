"""The store side of ``hub.services.imports``: sessions and recorded object outcomes.

A handler subclasses ``SqlImportSession`` to add the repositories it needs, all bound to the
session's one connection, and passes the subclass as ``factory`` to ``SqlImportStore``.

Outcomes are buffered and written as ONE row per session (a chunk: a JSON array of its
outcomes, ``import_chunks``) just before its commit: they are recorded outside the per-object
savepoints anyway, so nothing a savepoint rolls back can be among them, and they still commit
in the same transaction as the data (exactly-once after a crash). They are only ever read back
whole, when a retry resumes the message, so one row per object (an index entry and two JSON
values each) bought nothing. A session left by an exception writes nothing: it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Insert, bindparam, insert, select

from hub.domain.outcomes import ObjectError, ObjectOutcome
from hub.store.base import Store, aware
from hub.store.tables import import_chunks


class SqlImportSession:
    """One transaction of an import. Subclass to add domain repositories on ``self.conn``."""

    def __init__(self, conn: Connection, inbox_id: int) -> None:
        self.conn = conn
        self.inbox_id = inbox_id
        self._outcomes: list[list[Any]] = []

    def savepoint(self) -> AbstractContextManager[Any]:
        return self.conn.begin_nested()

    def record(self, seq: int, outcome: ObjectOutcome) -> None:
        self._outcomes.append(_encode(seq, outcome))

    def flush(self) -> None:
        """Write the buffered outcomes (in the session's transaction) as one chunk row."""
        if not self._outcomes:
            return
        first_seq = min(item[0] for item in self._outcomes)
        self.conn.execute(
            _insert_chunk(), {"inbox_id": self.inbox_id, "first_seq": first_seq, "outcomes": self._outcomes}
        )
        self._outcomes = []


@cache
def _insert_chunk() -> Insert:
    return insert(import_chunks).values(
        inbox_id=bindparam("inbox_id"), first_seq=bindparam("first_seq"), outcomes=bindparam("outcomes")
    )


def _encode(seq: int, outcome: ObjectOutcome) -> list[Any]:
    update_date = outcome.update_date.isoformat() if outcome.update_date is not None else None
    errors = [[e.code, e.description] for e in outcome.errors]
    return [
        seq,
        outcome.transport_guid,
        outcome.guid,
        outcome.unique_number,
        update_date,
        errors,
        dict(outcome.extension),
    ]


def _decode(item: Sequence[Any]) -> tuple[int, ObjectOutcome]:
    seq, transport_guid, guid, unique_number, update_date, errors, extension = item
    return seq, ObjectOutcome(
        transport_guid=transport_guid,
        guid=guid,
        unique_number=unique_number,
        update_date=aware(datetime.fromisoformat(update_date)) if update_date else None,
        errors=tuple(ObjectError(code, text) for code, text in errors),
        extension=dict(extension),
    )


S = TypeVar("S", bound=SqlImportSession)


class SqlImportStore(Generic[S]):
    def __init__(self, store: Store, factory: Callable[[Connection, int], S]) -> None:
        self.store = store
        self.factory = factory

    def outcomes(self, inbox_id: int) -> dict[int, ObjectOutcome]:
        with self.store.reading() as conn:
            rows = conn.execute(
                select(import_chunks.c.outcomes)
                .where(import_chunks.c.inbox_id == inbox_id)
                .order_by(import_chunks.c.first_seq)
            ).all()
        return dict(_decode(item) for row in rows for item in row.outcomes)

    @contextmanager
    def session(self, inbox_id: int) -> Iterator[S]:
        with self.store.writing() as conn:
            session = self.factory(conn, inbox_id)
            yield session
            session.flush()
