"""The housing registry in the store: houses, entrances, premises, living rooms, lifts.

Table sketch (other capabilities — accounts, devices — join on these names; keep them stable):

    houses        id PK, guid (= FIAS house GUID, unique), unique_number (unique, "yXE00019"),
                  kind ('apartment' МКД | 'living' ЖД), manager_org_id FK organizations (nullable:
                  the УО/ТСЖ/ЖСК the house is bound to), created_by_org_id, oktmo_code,
                  olson_tz, state_code/guid/name (NSI 24), lifecycle_code/guid/name (NSI 338),
                  … every field of the import as a column …, premises_counter, room_counter,
                  annulled_at, created_at, modified_at
    entrances     id PK, guid (hub UUIDv7, unique), house_id FK houses, number, storeys_count,
                  creation_year, …, annulled_at, modified_at
    premises      id PK, guid (hub UUIDv7, unique), house_id FK houses, kind ('residential' |
                  'nonresidential'), number, unique_number (unique), entrance_number, …,
                  annulled_at, modified_at
    living_rooms  id PK, guid (hub UUIDv7, unique), house_id FK houses, premises_id FK premises
                  (nullable: a room of a ЖД has no premises), number, unique_number, …,
                  annulled_at, modified_at
    lifts         id PK, guid (hub UUIDv7, unique), house_id FK houses, entrance_number, factory_num,
                  type_code/guid/name (NSI 192), …, annulled_at, modified_at

``SqlHousingLookup(conn).find(guid)`` answers ``hub.services.ports.HousingLookup`` for a house
(FIAS GUID), premises or living room GUID.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    literal,
    null,
    select,
    text,
    update,
)

from hub.errors import E, HubError
from hub.services.ports import AuditEvent, HousingObject
from hub.store import bulk
from hub.store.repositories import Store, write_audit
from hub.store.tables import Id, metadata, organizations

TS = DateTime(timezone=True)


def _nsi(prefix: str) -> list[Column[object]]:
    """An NSI reference as three columns: the Code it was matched by, the GUID and Name exported."""
    return [Column(f"{prefix}_code", String(20)), Column(f"{prefix}_guid", String(36)), Column(f"{prefix}_name", Text)]


def _cadastre() -> list[Column[object]]:
    return [
        Column("cadastral_number", String(255)),
        Column("no_rso_registered", Boolean, nullable=False, default=False),
        Column("no_cadastral_number", Boolean, nullable=False, default=False),
        Column("conditional_number", Text),
        Column("rights", JSON, nullable=False, default=list),  # [[R|E, RegNumber, RegDate], …]
    ]


def _tail() -> list[Column[object]]:
    """Annulment and timestamps every housing object has."""
    return [
        *_nsi("annulment_reason"),
        Column("annulment_info", Text),
        Column("annulled_at", TS),
        Column("created_at", TS, nullable=False),
        Column("modified_at", TS, nullable=False),
    ]


houses = Table(
    "houses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),  # FIAS house GUID
    Column("registry_guid", String(36), nullable=False, unique=True),  # HouseGUID (export 15.6.0.1+)
    Column("kind", String(12), nullable=False),  # apartment (МКД) | living (ЖД)
    Column("unique_number", String(20), nullable=False, unique=True),
    Column("manager_org_id", Id, ForeignKey("organizations.id"), nullable=True),
    Column("created_by_org_id", Id, ForeignKey("organizations.id"), nullable=True),
    Column("child_counter", Integer, nullable=False, default=0),  # premises + rooms unique numbers
    *_cadastre(),
    Column("total_square", String(40)),  # decimals kept as sent: exact round trip
    *_nsi("state"),
    *_nsi("life_cycle_stage"),
    Column("used_year", Integer),
    Column("floor_count", Integer),
    Column("oktmo_code", String(11)),
    Column("oktmo_name", Text),
    *_nsi("olson_tz"),
    Column("cultural_heritage", Boolean),
    Column("ogf", JSON, nullable=False, default=list),  # [[Code, value element, value], …]
    Column("is_municipal_property", Boolean),
    Column("is_region_property", Boolean),
    Column("underground_floor_count", Integer),
    Column("min_floor_count", Integer),
    Column("has_blocks", Boolean),
    Column("has_multiple_houses_with_same_address", Boolean),
    *_tail(),
)

entrances = Table(
    "entrances",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("house_id", Id, ForeignKey("houses.id"), nullable=False, index=True),
    Column("number", String(255), nullable=False),
    Column("fias_child_house_guid", String(36)),
    Column("storeys_count", Integer),
    Column("creation_year", Integer),
    Column("information_confirmed", Boolean),
    *_tail(),
)

premises = Table(
    "premises",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("house_id", Id, ForeignKey("houses.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # residential | nonresidential
    Column("unique_number", String(40), nullable=False, unique=True),
    Column("number", String(255)),
    *_cadastre(),
    Column("ogf", JSON, nullable=False, default=list),
    Column("information_confirmed", Boolean),
    Column("entrance_number", String(255)),
    Column("has_no_entrance", Boolean, nullable=False, default=False),
    Column("fias_child_house_guid", String(36)),
    *_nsi("premises_characteristic"),
    Column("total_area", String(40)),
    Column("gross_area", String(40)),
    Column("no_gross_area", Boolean, nullable=False, default=False),
    Column("is_common_property", Boolean),
    *_tail(),
    Index("ix_premises_house_kind_number", "house_id", "kind", "number"),
)

living_rooms = Table(
    "living_rooms",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("house_id", Id, ForeignKey("houses.id"), nullable=False),
    Column("premises_id", Id, ForeignKey("premises.id"), nullable=True),  # NULL: a room of a ЖД
    Column("unique_number", String(40), nullable=False, unique=True),
    Column("number", String(255)),
    *_cadastre(),
    Column("square", String(40)),
    Column("ogf", JSON, nullable=False, default=list),
    Column("information_confirmed", Boolean),
    *_tail(),
    Index("ix_living_rooms_house_premises", "house_id", "premises_id"),
)

lifts = Table(
    "lifts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("house_id", Id, ForeignKey("houses.id"), nullable=False, index=True),
    Column("entrance_number", String(255), nullable=False),
    Column("fias_child_house_guid", String(36)),
    Column("factory_num", Text),
    *_nsi("type"),
    Column("ogf", JSON, nullable=False, default=list),
    *_tail(),
)


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
