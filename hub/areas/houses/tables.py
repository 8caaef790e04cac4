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

``hub.areas.houses.lookup.SqlHousingLookup`` answers ``hub.services.ports.HousingLookup`` over them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from hub.store.tables import Id, metadata

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
