"""The message log: the inbox as the REST API and the operator page read it.

Newest first, by id (stable and indexed: the id grows with every accepted message), with a
cursor that is the last id seen; filtered by sender (an organization's token) and by state,
operation and source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from hub.domain.messages import RequestState
from hub.store.base import Store, aware, utcnow
from hub.store.tables import inbox, inbox_payloads


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    id: int
    message_guid: str
    requester_message_guid: str
    sender_id: int
    service: str
    operation: str
    version: str
    source: str
    authenticated_by: str
    state: RequestState
    attempts: int
    created_at: datetime
    finished_at: datetime | None


_COLUMNS = (
    inbox.c.id,
    inbox.c.message_guid,
    inbox.c.requester_message_guid,
    inbox.c.sender_id,
    inbox.c.service,
    inbox.c.operation,
    inbox.c.version,
    inbox.c.source,
    inbox.c.authenticated_by,
    inbox.c.state,
    inbox.c.attempts,
    inbox.c.created_at,
    inbox.c.finished_at,
)


def _logged(row: Any) -> LoggedMessage:
    return LoggedMessage(
        id=row.id,
        message_guid=row.message_guid,
        requester_message_guid=row.requester_message_guid,
        sender_id=row.sender_id,
        service=row.service,
        operation=row.operation,
        version=row.version,
        source=row.source,
        authenticated_by=row.authenticated_by,
        state=RequestState(row.state),
        attempts=row.attempts,
        created_at=aware(row.created_at) or utcnow(),
        finished_at=aware(row.finished_at),
    )


class SqlMessageLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def page(
        self,
        *,
        sender_id: int | None,
        state: int | None = None,
        operation: str | None = None,
        source: str | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> Sequence[LoggedMessage]:
        """Up to ``limit`` messages newest first (``sender_id`` None: every sender's)."""
        query = select(*_COLUMNS).order_by(inbox.c.id.desc()).limit(limit)
        for column, value in (
            (inbox.c.sender_id, sender_id),
            (inbox.c.state, state),
            (inbox.c.operation, operation),
            (inbox.c.source, source),
        ):
            if value is not None:
                query = query.where(column == value)
        if before_id is not None:
            query = query.where(inbox.c.id < before_id)
        with self.store.reading() as conn:
            return [_logged(row) for row in conn.execute(query)]

    def get(self, message_guid: str) -> LoggedMessage | None:
        with self.store.reading() as conn:
            row = conn.execute(select(*_COLUMNS).where(inbox.c.message_guid == message_guid.strip().lower())).first()
        return _logged(row) if row is not None else None

    def documents(self, message_id: int) -> tuple[bytes, bytes | None, bytes | None]:
        """(the request as received — the payload when nothing else was received, see
        ``Provenance.raw`` — the stored result fragment, the signed getStateResult)."""
        received = func.coalesce(func.nullif(inbox_payloads.c.raw, b""), inbox_payloads.c.payload).label("raw")
        with self.store.reading() as conn:
            row = conn.execute(
                select(received, inbox.c.result, inbox.c.response)
                .join(inbox, inbox.c.id == inbox_payloads.c.inbox_id)
                .where(inbox.c.id == message_id)
            ).one()
        return (
            bytes(row.raw),
            bytes(row.result) if row.result is not None else None,
            bytes(row.response) if row.response is not None else None,
        )
