"""The registry's organizations read from the directory table (one read per request).

The directory is small (the organizations registered with this hub), so the criteria are
matched in memory by ``hub.areas.orgs.rules`` rather than in SQL per criterion kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from hub.areas.orgs.rules import RegistryOrg
from hub.areas.orgs.tables import organizations, system_links
from hub.areas.orgs.usecase import ProviderLink
from hub.domain.systems import SYSTEM_ROLE
from hub.store.base import Store


class SqlOrgRegistry:
    """``hub.areas.orgs.usecase.OrgRegistryView`` over the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def organizations(self) -> Sequence[RegistryOrg]:
        t = organizations
        # information systems are directory entries too, never organizations of the registry
        query = (
            select(t.c.ppaguid, t.c.name, t.c.ogrn, t.c.inn, t.c.kpp, t.c.created_at)
            .where(t.c.roles != SYSTEM_ROLE)
            .order_by(t.c.id)
        )
        with self.store.reading() as conn:
            rows = conn.execute(query).all()
        return [_registry_org(r) for r in rows]

    def providers(self, system_id: int) -> Sequence[ProviderLink]:
        """``hub.areas.orgs.usecase.DataProviderView``: the system's links, in the order made."""
        t, links = organizations, system_links
        query = (
            select(t.c.ppaguid, t.c.name, t.c.ogrn, t.c.inn, t.c.kpp, t.c.created_at, links.c.is_actual)
            .join(links, links.c.org_id == t.c.id)
            .where(links.c.system_id == system_id)
            .order_by(links.c.created_at, t.c.id)
        )
        with self.store.reading() as conn:
            rows = conn.execute(query).all()
        return [ProviderLink(_registry_org(r), bool(r.is_actual)) for r in rows]


def _day(value: datetime) -> date:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()


def _registry_org(r: Any) -> RegistryOrg:
    return RegistryOrg(r.ppaguid, r.name, r.ogrn, r.inn, r.kpp or "", _day(r.created_at))
