"""The housing registry as other areas see it, and the operator's binding of houses.

``SqlHousingLookup(conn)`` is this area's implementation of the ``HousingLookup`` port
(``hub.services.ports``): accounts and, later, metering devices find houses, premises and rooms
through it and never import this package; the registry hands it to them.
``bind_house``/``unbind_house`` are the operator commands (``hub house bind``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, Select, literal, null, select, text, update

from hub.areas.houses.tables import houses, living_rooms, premises
from hub.errors import E, HubError
from hub.services.ports import AuditEvent, HousingObject
from hub.store import bulk
from hub.store.audit import write_audit
from hub.store.base import Store
from hub.store.tables import organizations


class SqlHousingLookup:
    """``HousingLookup`` on the caller's connection (so it sees the caller's own writes)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, guid: str) -> HousingObject | None:
        """The house (by FIAS GUID), premises or living room with this GUID."""
        return self.find_many([guid]).get(guid.strip().lower())

    def find_many(self, guids: Collection[str]) -> dict[str, HousingObject]:
        """What ``find`` answers for each GUID: houses first, then premises, then rooms.

        PostgreSQL: one statement with the GUIDs as one array parameter; SQLite: three queries
        with the GUIDs as one JSON parameter, each only for the GUIDs the previous ones did not find.
        """
        keys = sorted({guid.strip().lower() for guid in guids})
        found: dict[str, HousingObject] = {}
        if self.conn.dialect.name == "postgresql":
            for row in self.conn.execute(_PG_FIND_MANY, {"guids": keys}):
                found.setdefault(row.guid, _housing_object(row))  # ordered: house, premises, room
            return found
        rest = keys
        for query in _sqlite_find_many():
            if rest:
                rows = self.conn.execute(query, {"guids": json.dumps(rest)})
                found.update((row.guid, _housing_object(row)) for row in rows)
                rest = [key for key in rest if key not in found]
        return found


@functools.cache
def _sqlite_find_many() -> tuple[Select[Any], ...]:
    """SQLite: houses, premises, rooms by a JSON list of GUIDs (statements built once)."""
    return tuple(
        query.where(column.in_(bulk.json_values("guids")))
        for query, column in ((_HOUSES, houses.c.guid), (_PREMISES, premises.c.guid), (_ROOMS, living_rooms.c.guid))
    )


def _housing_object(row: Any) -> HousingObject:
    return HousingObject(
        row.kind,
        row.guid,
        row.house_guid,
        row.manager_org_id,
        premises_guid=row.premises_guid,
        annulled=row.annulled_at is not None,
    )


#: the three lookups of ``find_many`` as one round trip (kinds ordered 1 house, 2 premises, 3 room)
_PG_FIND_MANY = text(
    "SELECT * FROM ("
    " SELECT 1 AS rank, 'house' AS kind, h.guid, h.guid AS house_guid, h.manager_org_id, h.annulled_at,"
    " NULL AS premises_guid FROM houses h WHERE h.guid = ANY(CAST(:guids AS text[]))"
    " UNION ALL"
    " SELECT 2, 'premises', p.guid, h.guid, h.manager_org_id, p.annulled_at, NULL"
    " FROM premises p JOIN houses h ON h.id = p.house_id WHERE p.guid = ANY(CAST(:guids AS text[]))"
    " UNION ALL"
    " SELECT 3, 'room', r.guid, h.guid, h.manager_org_id, r.annulled_at, p.guid"
    " FROM living_rooms r JOIN houses h ON h.id = r.house_id LEFT JOIN premises p ON p.id = r.premises_id"
    " WHERE r.guid = ANY(CAST(:guids AS text[]))"
    ") AS found ORDER BY rank"
)
_HOUSES = select(
    literal("house").label("kind"),
    houses.c.guid,
    houses.c.guid.label("house_guid"),
    houses.c.manager_org_id,
    houses.c.annulled_at,
    null().label("premises_guid"),
)
_PREMISES = select(
    literal("premises").label("kind"),
    premises.c.guid,
    premises.c.annulled_at,
    houses.c.guid.label("house_guid"),
    houses.c.manager_org_id,
    null().label("premises_guid"),
).join(houses, houses.c.id == premises.c.house_id)
_ROOMS = (
    select(
        literal("room").label("kind"),
        living_rooms.c.guid,
        living_rooms.c.annulled_at,
        houses.c.guid.label("house_guid"),
        houses.c.manager_org_id,
        premises.c.guid.label("premises_guid"),
    )
    .join(houses, houses.c.id == living_rooms.c.house_id)
    .outerjoin(premises, premises.c.id == living_rooms.c.premises_id)
)


def _set_manager(store: Store, fias_guid: str, org_id: int | None, actor: str, action: str) -> None:
    key = fias_guid.strip().lower()
    with store.writing() as conn:
        current = conn.execute(select(houses.c.id, houses.c.manager_org_id).where(houses.c.guid == key)).first()
        if current is None:
            raise HubError(E.INT002034, f"Дом с FIASHouseGuid {key} не размещен")
        if (
            org_id is not None
            and conn.execute(select(organizations.c.id).where(organizations.c.id == org_id)).first() is None
        ):
            raise HubError(E.AUT011002, f"Организация {org_id}")
        conn.execute(update(houses).where(houses.c.id == current.id).values(manager_org_id=org_id))
        detail: dict[str, object] = {"from": current.manager_org_id, "to": org_id}
        write_audit(conn, AuditEvent(actor, action, "house", key, detail))


def bind_house(store: Store, fias_guid: str, org_id: int, actor: str) -> None:
    """Admin transfer: bind the house to ``org_id`` (replacing any manager), audited."""
    _set_manager(store, fias_guid, org_id, actor, "house.bind")


def unbind_house(store: Store, fias_guid: str, actor: str) -> None:
    """Admin: release the house; the next import by a УО/ТСЖ/ЖСК binds it again. Audited."""
    _set_manager(store, fias_guid, None, actor, "house.unbind")
