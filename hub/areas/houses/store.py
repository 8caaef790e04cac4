"""Housing records ↔ rows: the import repository, the import session, the export reader.

Records (``hub.areas.houses.rules``) map to columns by a fixed convention, so one mapper serves every
table: an NSI reference ``x`` is ``x_code``/``x_guid``/``x_name``; the cadastre is its five
columns; OGF parameters and rights are JSON lists; decimals are text (exactly as sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from hub.areas.houses.lookup import SqlHousingLookup
from hub.areas.houses.rules import (
    Cadastre,
    ChildData,
    EntranceData,
    HouseData,
    HouseKind,
    LiftData,
    ObjectKind,
    OgfValue,
    PremisesData,
    Right,
    RoomData,
)
from hub.areas.houses.tables import entrances, houses, lifts, living_rooms, premises
from hub.areas.houses.usecase import HouseSnapshot, StoredChild, StoredHouse
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.errors import E, HubError
from hub.services.ports import AuditEvent
from hub.store.audit import write_audit
from hub.store.base import Store, aware, utcnow
from hub.store.imports import SqlImportSession
from hub.store.sequences import next_value

_NSI = {"state", "life_cycle_stage", "olson_tz", "annulment_reason", "premises_characteristic", "type"}
_DECIMAL = {"total_square", "total_area", "gross_area", "square"}
_TABLES: dict[str, Table] = {
    "entrance": entrances,
    "premises": premises,
    "room": living_rooms,
    "lift": lifts,
}
_DATA: dict[str, type[ChildData]] = {
    "entrance": EntranceData,
    "premises": PremisesData,
    "room": RoomData,
    "lift": LiftData,
}
HOUSE_SEQUENCE = "house_unique_number"
T = TypeVar("T")


def to_row(data: object) -> dict[str, Any]:
    """The columns of a record."""
    row: dict[str, Any] = {}
    for f in fields(data):  # type: ignore[arg-type]
        value = getattr(data, f.name)
        if f.name in _NSI:
            ref = cast(NsiRef | None, value)
            row[f"{f.name}_code"] = ref.code if ref else None
            row[f"{f.name}_guid"] = ref.guid if ref else None
            row[f"{f.name}_name"] = ref.name if ref else None
        elif f.name == "cadastre":
            cad = cast(Cadastre, value)
            row.update(
                cadastral_number=cad.cadastral_number,
                no_rso_registered=cad.no_rso_registered,
                no_cadastral_number=cad.no_cadastral_number,
                conditional_number=cad.conditional_number,
                rights=[[r.type, r.reg_number, r.reg_date.isoformat()] for r in cad.rights],
            )
        elif f.name == "ogf":
            row["ogf"] = [[o.code, o.kind, o.value] for o in cast(tuple[OgfValue, ...], value)]
        elif f.name == "premises_kind":
            row["kind"] = value
        elif f.name in _DECIMAL:
            row[f.name] = None if value is None else str(value)
        else:
            row[f.name] = value
    return row


def from_row(cls: type[T], row: Any) -> T:
    """A record of ``cls`` from a row that has its columns."""
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in _NSI:
            code = getattr(row, f"{f.name}_code")
            values[f.name] = (
                NsiRef(code, getattr(row, f"{f.name}_guid"), getattr(row, f"{f.name}_name")) if code else None
            )
        elif f.name == "cadastre":
            values["cadastre"] = Cadastre(
                cadastral_number=row.cadastral_number,
                no_rso_registered=bool(row.no_rso_registered),
                no_cadastral_number=bool(row.no_cadastral_number),
                conditional_number=row.conditional_number,
                rights=tuple(Right(t, n, date.fromisoformat(d)) for t, n, d in row.rights or ()),
            )
        elif f.name == "ogf":
            values["ogf"] = tuple(OgfValue(c, k, v) for c, k, v in row.ogf or ())
        elif f.name == "premises_kind":
            values[f.name] = row.kind
        elif f.name in _DECIMAL:
            raw = getattr(row, f.name)
            values[f.name] = None if raw is None else Decimal(raw)
        else:
            values[f.name] = getattr(row, f.name)
    return cls(**values)


def _house(row: Any) -> StoredHouse:
    return StoredHouse(
        id=row.id,
        fias_guid=row.guid,
        registry_guid=row.registry_guid,
        kind=cast(HouseKind, row.kind),
        unique_number=row.unique_number,
        manager_org_id=row.manager_org_id,
        data=from_row(HouseData, row),
        annulled=row.annulled_at is not None,
        modified_at=aware(row.modified_at) or utcnow(),
    )


def _child(kind: str, row: Any) -> StoredChild:
    return StoredChild(
        id=row.id,
        kind=cast(ObjectKind, kind),
        guid=row.guid,
        house_id=row.house_id,
        premises_id=getattr(row, "premises_id", None),
        unique_number=getattr(row, "unique_number", None),
        data=from_row(_DATA[kind], row),
        annulled=row.annulled_at is not None,
        modified_at=aware(row.modified_at) or utcnow(),
    )


class SqlHousingRepository:
    """``hub.areas.houses.usecase.HousingRepository`` on one transaction's connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def house(self, fias_guid: str) -> StoredHouse | None:
        row = self.conn.execute(select(houses).where(houses.c.guid == fias_guid.strip().lower())).first()
        return _house(row) if row else None

    def next_house_counter(self) -> int:
        return next_value(self.conn, HOUSE_SEQUENCE)

    def add_house(
        self,
        *,
        kind: HouseKind,
        fias_guid: str,
        unique_number: str,
        manager_org_id: int,
        data: HouseData,
        now: datetime,
    ) -> None:
        """Insert the house; INT004132 when a concurrent import placed the same FIAS house first.

        The use case looked the house up before, but two workers creating one FIASHouseGuid at
        once both see none: the second insert then hits ``uq_houses_guid`` (on PostgreSQL; the
        SQLite write gate serializes them) and gets the answer the lookup would have given.
        """
        try:
            self.conn.execute(
                insert(houses).values(
                    guid=fias_guid.strip().lower(),
                    registry_guid=new_guid(),
                    kind=kind,
                    unique_number=unique_number,
                    manager_org_id=manager_org_id,
                    created_by_org_id=manager_org_id,
                    child_counter=0,
                    created_at=now,
                    modified_at=now,
                    **to_row(data),
                )
            )
        except IntegrityError as exc:
            raise HubError(E.INT004132, f"FIASHouseGuid {fias_guid} (размещен одновременно другим запросом)") from exc

    def update_house(self, house_id: int, data: HouseData, now: datetime) -> None:
        self.conn.execute(update(houses).where(houses.c.id == house_id).values(modified_at=now, **to_row(data)))

    def bind(self, house_id: int, org_id: int, actor: str) -> None:
        self.conn.execute(update(houses).where(houses.c.id == house_id).values(manager_org_id=org_id))
        guid = self.conn.execute(select(houses.c.guid).where(houses.c.id == house_id)).scalar_one()
        write_audit(self.conn, AuditEvent(actor, "house.bind", "house", guid, {"to": org_id, "by": "import"}))

    def next_child_counter(self, house_id: int) -> int:
        # UPDATE … RETURNING locks the house row: two workers importing into one house queue here.
        bump = (
            update(houses)
            .where(houses.c.id == house_id)
            .values(child_counter=houses.c.child_counter + 1)
            .returning(houses.c.child_counter)
        )
        return int(self.conn.execute(bump).scalar_one())

    def child(self, kind: ObjectKind, guid: str) -> StoredChild | None:
        table = _TABLES[kind]
        row = self.conn.execute(select(table).where(table.c.guid == guid.strip().lower())).first()
        return _child(kind, row) if row else None

    def _values(self, child: StoredChild) -> dict[str, Any]:
        values = to_row(child.data)
        values["annulled_at"] = child.modified_at if child.annulled else None
        values["modified_at"] = child.modified_at
        return values

    def add_child(self, child: StoredChild) -> None:
        table = _TABLES[child.kind]
        values = self._values(child)
        values.update(guid=child.guid, house_id=child.house_id, created_at=child.modified_at)
        if child.kind == "room":
            values["premises_id"] = child.premises_id
        if child.unique_number is not None:
            values["unique_number"] = child.unique_number
        self.conn.execute(insert(table).values(**values))

    def update_child(self, child: StoredChild) -> None:
        table = _TABLES[child.kind]
        self.conn.execute(update(table).where(table.c.id == child.id).values(**self._values(child)))

    def number_taken(self, kind: ObjectKind, house_id: int, number: str, *, scope: str | int | None) -> int | None:
        """The id of the live object of that kind holding ``number`` in its scope, if any."""
        table = _TABLES[kind]
        query = select(table.c.id).where(
            table.c.house_id == house_id, table.c.number == number, table.c.annulled_at.is_(None)
        )
        if kind == "premises":
            query = query.where(table.c.kind == scope)
        elif kind == "room":
            query = query.where(table.c.premises_id.is_(None) if scope is None else table.c.premises_id == scope)
        found = self.conn.execute(query.limit(1)).scalar_one_or_none()
        return int(found) if found is not None else None


class HouseImportSession(SqlImportSession):
    """An import transaction with the housing repository (and lookup) on its connection."""

    def __init__(self, conn: Connection, inbox_id: int) -> None:
        super().__init__(conn, inbox_id)
        self._housing = SqlHousingRepository(conn)
        self.lookup = SqlHousingLookup(conn)

    @property
    def housing(self) -> SqlHousingRepository:
        return self._housing


def _children(conn: Connection, kind: str, house_id: int) -> Iterable[StoredChild]:
    table = _TABLES[kind]
    rows = conn.execute(select(table).where(table.c.house_id == house_id).order_by(table.c.id)).all()
    return [_child(kind, row) for row in rows]


class SqlHousingReader:
    """``hub.areas.houses.usecase.HousingReader``: a house and its objects for exportHouseData."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def snapshot(self, fias_guid: str) -> HouseSnapshot | None:
        with self.store.reading() as conn:
            row = conn.execute(select(houses).where(houses.c.guid == fias_guid)).first()
            if row is None:
                return None
            house = _house(row)
            return HouseSnapshot(
                house=house,
                entrances=tuple(_children(conn, "entrance", house.id)),
                premises=tuple(_children(conn, "premises", house.id)),
                rooms=tuple(_children(conn, "room", house.id)),
                lifts=tuple(_children(conn, "lift", house.id)),
            )
