"""The audit trail: written by every repository inside its own transaction, read by tests and operators.

Every state change writes its audit event in the same transaction, so the audit trail and
the data never disagree.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Insert,
    insert,
    select,
)

from hub.services.ports import (
    AuditEvent,
)
from hub.store.base import Store, utcnow
from hub.store.tables import audit_log

T = TypeVar("T")


@functools.cache
def _insert_audit() -> Insert:
    return insert(audit_log)  # built once; the values come as parameters


def write_audit(conn: Connection, event: AuditEvent, at: datetime | None = None) -> None:
    conn.execute(_insert_audit(), {"at": at or utcnow(), **audit_params(event)})


def audit_params(event: AuditEvent) -> dict[str, Any]:
    return {
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "detail": dict(event.detail),
    }


class SqlAudit:
    """Read access to the audit trail (writes happen inside the repositories' transactions)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def events(self, entity: str, entity_id: str) -> list[AuditEvent]:
        with self.store.reading() as conn:
            rows = conn.execute(
                select(audit_log)
                .where(audit_log.c.entity == entity, audit_log.c.entity_id == entity_id)
                .order_by(audit_log.c.id)
            ).all()
        return [AuditEvent(r.actor, r.action, r.entity, r.entity_id, dict(r.detail)) for r in rows]
