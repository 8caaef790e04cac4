"""Meter readings in the store: the repository, import sessions and export views.

The table is described in ``tables.py``. Values are stored as their decimal text, exactly as
received (SQLite has no exact decimal type; the rules compare them as ``Decimal``).

Per chunk the import sends a constant number of statements: the advisory locks of the chunk's
devices (PostgreSQL; one statement, in GUID order, so two messages reading the same devices
serialize instead of both passing the "lower reading" rule), the last reading of each (device,
resource) in one query, and one batched insert (``hub.store.bulk``).
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, select, text

from hub.areas.readings.rules import Previous, Role, Stage, Verification
from hub.areas.readings.tables import meter_readings
from hub.areas.readings.usecase import StoredReading
from hub.services.ports import HousingLookup, MeteringDeviceLookup, SupplyLookup, ValueKind
from hub.store import bulk
from hub.store.base import Store, aware
from hub.store.imports import SqlImportSession, SqlImportStore

_LOCK_DEVICES = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS t(k)")
_VOLUME = ValueKind.VOLUME.value

# The last counter reading of each wanted (device, resource) pair: one backward descent of
# ix_meter_readings_last per pair, whatever the length of the devices' history.
_PG_LAST = text(
    "SELECT r.device_root_guid, r.resource, r.date_value, r.t1, r.t2, r.t3"
    " FROM unnest(CAST(:roots AS text[]), CAST(:resources AS text[])) AS p(root, resource)"
    " CROSS JOIN LATERAL (SELECT device_root_guid, resource, date_value, t1, t2, t3 FROM meter_readings"
    "   WHERE device_root_guid = p.root AND resource = p.resource AND kind <> :volume"
    "   ORDER BY date_value DESC, id DESC LIMIT 1) AS r"
)
_SQLITE_LAST = text(
    "SELECT r.device_root_guid, r.resource, r.date_value, r.t1, r.t2, r.t3"
    " FROM json_each(:pairs) AS p JOIN meter_readings AS r ON r.id = ("
    "  SELECT x.id FROM meter_readings AS x"
    "  WHERE x.device_root_guid = json_extract(p.value, '$[0]') AND x.resource = json_extract(p.value, '$[1]')"
    "  AND x.kind <> :volume ORDER BY x.date_value DESC, x.id DESC LIMIT 1)"
)


def _is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _day(value: Any) -> date:
    """A DATE column as ``date`` (raw SQL on SQLite returns its text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _values(row: StoredReading) -> dict[str, Any]:
    v = row.verification
    return {
        "guid": row.guid,
        "device_root_guid": row.device_root_guid,
        "device_version_guid": row.device_version_guid,
        "house_guid": row.house_guid,
        "org_id": row.org_id,
        "kind": row.kind.value,
        "role": row.role.value,
        "stage": row.stage.value,
        "resource": row.resource,
        "resource_guid": row.resource_guid,
        "t1": _text(row.values[0]),
        "t2": _text(row.values[1]),
        "t3": _text(row.values[2]),
        "date_value": row.date_value,
        "period": f"{row.period[0]:04d}-{row.period[1]:02d}" if row.period else None,
        "entered_at": row.entered_at,
        "start_date": v.start_date if v else None,
        "end_date": v.end_date if v else None,
        "seal_date": v.seal_date if v else None,
        "planned": v.planned if v else None,
        "reason_code": v.reason_code if v else None,
        "reason_guid": v.reason_guid if v else None,
    }


def _reading(row: Any) -> StoredReading:
    verification = None
    if row.start_date is not None:
        verification = Verification(
            row.start_date, row.end_date, row.seal_date, (), (), bool(row.planned), row.reason_code, row.reason_guid
        )
    period = None
    if row.period:
        year, month = row.period.split("-")
        period = (int(year), int(month))
    entered = aware(row.entered_at)
    assert entered is not None  # NOT NULL column
    return StoredReading(
        guid=row.guid,
        device_root_guid=row.device_root_guid,
        device_version_guid=row.device_version_guid,
        house_guid=row.house_guid,
        org_id=row.org_id,
        kind=ValueKind(row.kind),
        role=Role(row.role),
        stage=Stage(row.stage),
        resource=row.resource,
        resource_guid=row.resource_guid,
        values=(_decimal(row.t1), _decimal(row.t2), _decimal(row.t3)),
        date_value=row.date_value,
        entered_at=entered,
        period=period,
        verification=verification,
    )


@functools.cache
def _history_query() -> Select[Any]:
    r = meter_readings.c
    return (
        select(meter_readings)
        .where(and_(r.date_value >= bindparam("date_from"), r.date_value <= bindparam("date_to")))
        .order_by(r.device_root_guid, r.date_value, r.id)
    )


class SqlReadings:
    """``ReadingRepository`` on one connection (one transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_devices(self, root_guids: Collection[str]) -> None:
        if not _is_postgres(self.conn):
            return  # SQLite has one writer, which already serializes
        keys = [zlib.crc32(f"meter-reading:{guid}".encode()) for guid in sorted(set(root_guids))]
        self.conn.execute(_LOCK_DEVICES, {"keys": keys})

    def last_readings(self, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], Previous]:
        wanted = sorted(set(pairs))
        if _is_postgres(self.conn):
            params: dict[str, Any] = {"roots": [p[0] for p in wanted], "resources": [p[1] for p in wanted]}
            rows = self.conn.execute(_PG_LAST, {**params, "volume": _VOLUME})
        else:
            rows = self.conn.execute(_SQLITE_LAST, {"pairs": json.dumps(wanted), "volume": _VOLUME})
        return {
            (root, resource): Previous(_day(taken), (_decimal(t1), _decimal(t2), _decimal(t3)))
            for root, resource, taken, t1, t2, t3 in rows
        }

    def add_many(self, rows: Sequence[StoredReading]) -> None:
        bulk.insert_rows(self.conn, meter_readings, [_values(row) for row in rows])

    def history(self, root_guids: Collection[str], date_from: date, date_to: date) -> list[StoredReading]:
        query = _history_query().where(bulk.one_of(self.conn, meter_readings.c.device_root_guid, list(root_guids)))
        rows = self.conn.execute(query, {"date_from": date_from, "date_to": date_to})
        return [_reading(row) for row in rows]


# --- sessions and views -----------------------------------------------------------------------

#: the other areas' registries as their ports are provided: a factory taking the connection
MetersFactory = Callable[[Connection], MeteringDeviceLookup]
HousingFactory = Callable[[Connection], HousingLookup]
SupplyFactory = Callable[[Connection], SupplyLookup]


class _Bound:
    """The readings repository and the three registries on one connection."""

    def __init__(self, conn: Connection, meters: MetersFactory, housing: HousingFactory, supply: SupplyFactory):
        self.readings = SqlReadings(conn)
        self.meters = meters(conn)
        self.housing = housing(conn)
        self.supply = supply(conn)


class ReadingsImportSession(SqlImportSession):
    """``ReadingImportSession``: the import transaction with readings and the registries."""

    def __init__(
        self,
        conn: Connection,
        inbox_id: int,
        meters: MetersFactory,
        housing: HousingFactory,
        supply: SupplyFactory,
    ) -> None:
        super().__init__(conn, inbox_id)
        bound = _Bound(conn, meters, housing, supply)
        self.readings = bound.readings
        self.meters = bound.meters
        self.housing = bound.housing
        self.supply = bound.supply


def reading_import_store(
    store: Store, meters: MetersFactory, housing: HousingFactory, supply: SupplyFactory
) -> SqlImportStore[ReadingsImportSession]:
    """What ``make_import_values_handler(imports=…)`` takes."""
    return SqlImportStore(store, lambda conn, inbox_id: ReadingsImportSession(conn, inbox_id, meters, housing, supply))


def reading_export_view(
    store: Store, meters: MetersFactory, housing: HousingFactory, supply: SupplyFactory
) -> Callable[[], AbstractContextManager[_Bound]]:
    """What ``make_export_history_handler(reading=…)`` takes: ``with reading() as view: …``."""

    @contextmanager
    def reading() -> Iterator[_Bound]:
        with store.reading() as conn:
            yield _Bound(conn, meters, housing, supply)

    return reading
