"""API tokens in SQL (``hub.services.tokens.TokenStore``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from hub.services.ports import AuditEvent
from hub.services.tokens import ApiToken
from hub.store.audit import write_audit
from hub.store.base import Store, aware, utcnow
from hub.store.tables import api_tokens


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        organization_id=row.organization_id,
        name=row.name,
        created_at=aware(row.created_at) or utcnow(),
        last_used_at=aware(row.last_used_at),
        revoked_at=aware(row.revoked_at),
    )


class SqlTokens:
    def __init__(self, store: Store, *, actor: str = "cli") -> None:
        self.store = store
        self.actor = actor

    def add(self, organization_id: int | None, name: str, secret_hash: str) -> ApiToken:
        values = {"organization_id": organization_id, "name": name, "secret_hash": secret_hash, "created_at": utcnow()}
        with self.store.writing() as conn:
            row = conn.execute(insert(api_tokens).values(values).returning(*api_tokens.c)).one()
            detail: dict[str, object] = {"organization_id": organization_id, "name": name}
            write_audit(conn, AuditEvent(self.actor, "token.create", "api_token", str(row.id), detail))
        return _token(row)

    def by_hash(self, secret_hash: str) -> ApiToken | None:
        with self.store.writing() as conn:
            row = conn.execute(
                update(api_tokens)
                .where(api_tokens.c.secret_hash == secret_hash, api_tokens.c.revoked_at.is_(None))
                .values(last_used_at=utcnow())
                .returning(*api_tokens.c)
            ).first()
        return _token(row) if row is not None else None

    def list(self, organization_id: int | None = None) -> list[ApiToken]:
        query = select(api_tokens).order_by(api_tokens.c.id)
        if organization_id is not None:
            query = query.where(api_tokens.c.organization_id == organization_id)
        with self.store.reading() as conn:
            return [_token(row) for row in conn.execute(query)]

    def revoke(self, token_id: int) -> bool:
        with self.store.writing() as conn:
            done = conn.execute(
                update(api_tokens)
                .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            ).rowcount
            if done:
                write_audit(conn, AuditEvent(self.actor, "token.revoke", "api_token", str(token_id)))
        return bool(done)
