"""The registry's organizations read from the directory table (one read per request).

The directory is small (the organizations registered with this hub), so the criteria are
matched in memory by ``hub.areas.orgs.rules`` rather than in SQL per criterion kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import select

from hub.areas.orgs.rules import RegistryOrg
from hub.areas.orgs.tables import organizations
from hub.store.base import Store


class SqlOrgRegistry:
    """``hub.areas.orgs.usecase.OrgRegistryView`` over the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def organizations(self) -> Sequence[RegistryOrg]:
        t = organizations
        query = select(t.c.ppaguid, t.c.name, t.c.ogrn, t.c.inn, t.c.kpp, t.c.created_at).order_by(t.c.id)
        with self.store.reading() as conn:
            rows = conn.execute(query).all()
        return [
            RegistryOrg(
                r.ppaguid,
                r.name,
                r.ogrn,
                r.inn,
                r.kpp or "",
                (r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)).astimezone(UTC).date(),
            )
            for r in rows
        ]
