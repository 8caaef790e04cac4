"""Information systems in the directory, and the data providers linked to them.

A system is an ``organizations`` row with the one role ``SYSTEM_ROLE``, no ОГРН/ИНН, a new GUID
(its HTTP Basic user for getState) and a scrypt password hash, exactly as an organization's
(``hub.domain.systems`` says why). ``system_links`` (migration 0015) records which
organizations (data providers) work through which system: exportDataProvider answers them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Table, and_, insert, select, update

from hub.domain.systems import SYSTEM_ROLE
from hub.services.ports import AuditEvent, Organization
from hub.store.audit import write_audit
from hub.store.base import Store, aware, utcnow
from hub.store.directory import SqlDirectory
from hub.store.tables import Id, metadata, organizations

system_links = Table(
    "system_links",
    metadata,
    Column("system_id", Id, ForeignKey("organizations.id"), primary_key=True),
    Column("org_id", Id, ForeignKey("organizations.id"), primary_key=True),
    Column("is_actual", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class SystemLink:
    """A data provider linked to a system."""

    org: Organization
    is_actual: bool
    created_at: datetime


def systems(directory: SqlDirectory) -> list[Organization]:
    """Every registered information system."""
    return [o for o in directory.organizations() if SYSTEM_ROLE in o.roles]


def system_by_name(directory: SqlDirectory, name: str) -> Organization | None:
    return next((s for s in systems(directory) if s.name == name), None)


def add_system(directory: SqlDirectory, name: str, password_hash: str, actor: str) -> Organization:
    """A new system named ``name`` with its credential's hash."""
    return directory.add_organization(
        ppaguid=str(uuid.uuid4()),
        name=name,
        ogrn="",
        inn="",
        kpp="",
        roles=[SYSTEM_ROLE],
        password_hash=password_hash,
        actor=actor,
    )


def link(store: Store, system_id: int, org_id: int, actor: str, *, actual: bool = True) -> bool:
    """Record (or re-activate / end) the link; True when something changed."""
    now = utcnow()
    key = and_(system_links.c.system_id == system_id, system_links.c.org_id == org_id)
    with store.writing() as conn:
        current = conn.execute(select(system_links.c.is_actual).where(key)).scalar_one_or_none()
        if current is None:
            conn.execute(
                insert(system_links).values(system_id=system_id, org_id=org_id, is_actual=actual, created_at=now)
            )
        elif bool(current) != actual:
            conn.execute(update(system_links).where(key).values(is_actual=actual))
        else:
            return False
        write_audit(
            conn, AuditEvent(actor, "linked" if actual else "unlinked", "system", str(system_id), {"org": org_id}), now
        )
    return True


def links_of(store: Store, directory: SqlDirectory, system_id: int) -> list[SystemLink]:
    """The system's data providers (ended links too), in the order they were linked."""
    query = (
        select(system_links.c.org_id, system_links.c.is_actual, system_links.c.created_at)
        .join(organizations, organizations.c.id == system_links.c.org_id)
        .where(system_links.c.system_id == system_id)
        .order_by(system_links.c.created_at, system_links.c.org_id)
    )
    with store.reading() as conn:
        rows = conn.execute(query).all()
    found = []
    for row in rows:
        org = directory.organization(row.org_id)
        if org is not None:
            found.append(SystemLink(org, bool(row.is_actual), aware(row.created_at) or utcnow()))
    return found
