"""The store side of ``hub.services.imports``: sessions and recorded object outcomes.

A handler subclasses ``SqlImportSession`` to add the repositories it needs, all bound to the
session's one connection, and passes the subclass as ``factory`` to ``SqlImportStore``.

Outcomes are buffered and written with one statement when the session ends, just before its
commit (``hub.store.bulk``: one statement on either database): they
are recorded outside the per-object savepoints anyway, so nothing a savepoint rolls back can
be among them, and they still commit in the same transaction as the data (exactly-once after
a crash). A session left by an exception writes nothing: it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, select

from hub.services.imports import ObjectError, ObjectOutcome
from hub.store import bulk
from hub.store.repositories import Store, aware
from hub.store.tables import object_results


class SqlImportSession:
    """One transaction of an import. Subclass to add domain repositories on ``self.conn``."""

    def __init__(self, conn: Connection, inbox_id: int) -> None:
        self.conn = conn
        self.inbox_id = inbox_id
        self._outcomes: list[dict[str, Any]] = []

    def savepoint(self) -> AbstractContextManager[Any]:
        return self.conn.begin_nested()

    def record(self, seq: int, outcome: ObjectOutcome) -> None:
        self._outcomes.append(
            {
                "inbox_id": self.inbox_id,
                "seq": seq,
                "transport_guid": outcome.transport_guid,
                "guid": outcome.guid,
                "unique_number": outcome.unique_number,
                "update_date": outcome.update_date,
                "errors": [[e.code, e.description] for e in outcome.errors],
                "extension": dict(outcome.extension),
            }
        )

    def flush(self) -> None:
        """Write the buffered outcomes (in the session's transaction)."""
        if not self._outcomes:
            return
        bulk.insert_rows(self.conn, object_results, self._outcomes)
        self._outcomes = []


S = TypeVar("S", bound=SqlImportSession)


class SqlImportStore(Generic[S]):
    def __init__(self, store: Store, factory: Callable[[Connection, int], S]) -> None:
        self.store = store
        self.factory = factory

    def outcomes(self, inbox_id: int) -> dict[int, ObjectOutcome]:
        with self.store.reading() as conn:
            rows = conn.execute(
                select(object_results).where(object_results.c.inbox_id == inbox_id).order_by(object_results.c.seq)
            ).all()
        return {
            row.seq: ObjectOutcome(
                transport_guid=row.transport_guid,
                guid=row.guid,
                unique_number=row.unique_number,
                update_date=aware(row.update_date),
                errors=tuple(ObjectError(code, text) for code, text in row.errors),
                extension=dict(row.extension),
            )
            for row in rows
        }

    @contextmanager
    def session(self, inbox_id: int) -> Iterator[S]:
        with self.store.writing() as conn:
            session = self.factory(conn, inbox_id)
            yield session
            session.flush()
