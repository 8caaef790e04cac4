"""Organizations, their certificates and transport passwords (``hub.services.ports.Directory``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    insert,
    select,
    update,
)

from hub.services.ports import (
    AuditEvent,
    Certificate,
    Organization,
)
from hub.store.audit import write_audit
from hub.store.base import Store, aware, utcnow
from hub.store.tables import certificates, operator_grants, organizations

T = TypeVar("T")


def _organization(row: Any) -> Organization:
    return Organization(
        id=row.id,
        ppaguid=row.ppaguid,
        name=row.name,
        ogrn=row.ogrn,
        inn=row.inn,
        kpp=row.kpp,
        roles=tuple(r for r in row.roles.split(",") if r),
    )


class SqlDirectory:
    """Organizations, certificates and transport credentials."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add_organization(
        self,
        *,
        ppaguid: str,
        name: str,
        ogrn: str,
        inn: str,
        kpp: str,
        roles: Sequence[str],
        password_hash: str | None,
        actor: str,
    ) -> Organization:
        now = utcnow()
        with self.store.writing() as conn:
            new_id = conn.execute(
                insert(organizations)
                .values(
                    ppaguid=ppaguid.lower(),
                    name=name,
                    ogrn=ogrn,
                    inn=inn,
                    kpp=kpp,
                    roles=",".join(roles),
                    password_hash=password_hash,
                    created_at=now,
                )
                .returning(organizations.c.id)
            ).scalar_one()
            write_audit(conn, AuditEvent(actor, "created", "organization", ppaguid, {"name": name, "ogrn": ogrn}), now)
        org = self.organization(new_id)
        assert org is not None
        return org

    def set_password_hash(self, org_id: int, password_hash: str, actor: str) -> None:
        with self.store.writing() as conn:
            conn.execute(update(organizations).where(organizations.c.id == org_id).values(password_hash=password_hash))
            write_audit(conn, AuditEvent(actor, "password-set", "organization", str(org_id)))

    def organization(self, org_id: int) -> Organization | None:
        with self.store.reading() as conn:
            row = conn.execute(select(organizations).where(organizations.c.id == org_id)).first()
        return _organization(row) if row else None

    def organization_by_ppaguid(self, ppaguid: str) -> Organization | None:
        with self.store.reading() as conn:
            row = conn.execute(select(organizations).where(organizations.c.ppaguid == ppaguid.strip().lower())).first()
        return _organization(row) if row else None

    def organizations(self) -> list[Organization]:
        with self.store.reading() as conn:
            rows = conn.execute(select(organizations).order_by(organizations.c.id)).all()
        return [_organization(r) for r in rows]

    def password_hash(self, org_id: int) -> str | None:
        with self.store.reading() as conn:
            value = conn.execute(
                select(organizations.c.password_hash).where(organizations.c.id == org_id)
            ).scalar_one_or_none()
        return str(value) if value else None

    def add_certificate(
        self,
        *,
        fingerprint: str,
        organization_id: int | None,
        is_operator: bool,
        subject: str,
        not_before: datetime,
        not_after: datetime,
        pem: str,
        operator_for: Sequence[int],
        actor: str,
    ) -> Certificate:
        now = utcnow()
        with self.store.writing() as conn:
            cert_id = conn.execute(
                insert(certificates)
                .values(
                    fingerprint=fingerprint,
                    organization_id=organization_id,
                    is_operator=is_operator,
                    subject=subject,
                    not_before=not_before,
                    not_after=not_after,
                    pem=pem,
                    created_at=now,
                )
                .returning(certificates.c.id)
            ).scalar_one()
            for org_id in operator_for:
                conn.execute(insert(operator_grants).values(certificate_id=cert_id, organization_id=org_id))
            write_audit(
                conn,
                AuditEvent(
                    actor,
                    "created",
                    "certificate",
                    fingerprint,
                    {"subject": subject, "operator": is_operator, "organization_id": organization_id},
                ),
                now,
            )
        cert = self.certificate(fingerprint)
        assert cert is not None
        return cert

    def revoke_certificate(self, fingerprint: str, actor: str) -> bool:
        now = utcnow()
        with self.store.writing() as conn:
            changed = conn.execute(
                update(certificates)
                .where(certificates.c.fingerprint == fingerprint.lower(), certificates.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            if changed:
                write_audit(conn, AuditEvent(actor, "revoked", "certificate", fingerprint.lower()), now)
        return bool(changed)

    def certificate(self, fingerprint: str) -> Certificate | None:
        with self.store.reading() as conn:
            row = conn.execute(select(certificates).where(certificates.c.fingerprint == fingerprint.lower())).first()
            if row is None:
                return None
            grants = conn.execute(
                select(operator_grants.c.organization_id).where(operator_grants.c.certificate_id == row.id)
            ).scalars()
            operator_for = tuple(int(g) for g in grants)
        return Certificate(
            fingerprint=row.fingerprint,
            organization_id=row.organization_id,
            is_operator=row.is_operator,
            subject=row.subject,
            not_before=aware(row.not_before) or utcnow(),
            not_after=aware(row.not_after) or utcnow(),
            revoked_at=aware(row.revoked_at),
            operator_for=operator_for,
        )

    def certificates_of(self, org_id: int) -> list[Certificate]:
        with self.store.reading() as conn:
            fps = conn.execute(
                select(certificates.c.fingerprint).where(certificates.c.organization_id == org_id)
            ).scalars()
            fingerprints = list(fps)
        return [c for fp in fingerprints if (c := self.certificate(fp))]


class CachedDirectory(SqlDirectory):
    """``SqlDirectory`` with a read-through cache for the per-request lookups.

    Every signed request needs its certificate and organization: queries that cost more than
    the signature check. Entries live ``ttl`` seconds, so a revocation or a new certificate
    made by another process (``hub cert revoke``) takes effect within ``ttl``; changes made
    through this object take effect at once.
    """

    def __init__(self, store: Store, *, ttl: float = 5.0) -> None:
        super().__init__(store)
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, object], tuple[float, object]] = {}

    def _cached(self, key: tuple[str, object], load: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]  # type: ignore[return-value]
        value = load()
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self._entries.clear()

    def organization(self, org_id: int) -> Organization | None:
        return self._cached(("org", org_id), lambda: super(CachedDirectory, self).organization(org_id))

    def organization_by_ppaguid(self, ppaguid: str) -> Organization | None:
        key = ppaguid.strip().lower()
        return self._cached(("ppaguid", key), lambda: super(CachedDirectory, self).organization_by_ppaguid(key))

    def certificate(self, fingerprint: str) -> Certificate | None:
        key = fingerprint.lower()
        return self._cached(("cert", key), lambda: super(CachedDirectory, self).certificate(key))

    def password_hash(self, org_id: int) -> str | None:
        return self._cached(("password", org_id), lambda: super(CachedDirectory, self).password_hash(org_id))

    def add_organization(self, **kwargs: Any) -> Organization:
        self.invalidate()
        try:
            return super().add_organization(**kwargs)
        finally:
            self.invalidate()

    def add_certificate(self, **kwargs: Any) -> Certificate:
        self.invalidate()
        try:
            return super().add_certificate(**kwargs)
        finally:
            self.invalidate()

    def revoke_certificate(self, fingerprint: str, actor: str) -> bool:
        self.invalidate()
        try:
            return super().revoke_certificate(fingerprint, actor)
        finally:
            self.invalidate()

    def set_password_hash(self, org_id: int, password_hash: str, actor: str) -> None:
        self.invalidate()
        try:
            super().set_password_hash(org_id, password_hash, actor)
        finally:
            self.invalidate()
