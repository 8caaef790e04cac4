"""The device registry as other areas see it: ``SqlMeteringDeviceLookup`` (the ``"meters"`` port).

Readings (and payment documents) find devices through ``hub.services.ports.MeteringDeviceLookup``
and never import this package; the registry hands them ``SqlMeteringDeviceLookup(conn)``, bound
to their own transaction.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import JSON, Connection, Select, cast, func, select, text

from hub.areas.devices.rows import port_record
from hub.areas.devices.tables import metering_device_versions, metering_devices
from hub.services.ports import MeteringDevice
from hub.store import bulk

_devices = metering_devices
_versions = metering_device_versions

#: the columns ``port_record`` reads; of the version document only the two parts it may need
#: (readings look up 100 000 devices for an upload: the whole document, fetched and parsed for
#: each, cost a tenth of their processing)
_PORT_COLUMNS = (
    "root_guid", "version_guid", "owner_org_id", "house_guid", "device_type", "resources", "energy",
    "tariff_count", "consumed_volume", "commissioned", "archived_on", "replaced_root_guid",
)  # fmt: skip
_PG_PORT = ", ".join(f"d.{c}" for c in _PORT_COLUMNS) + (
    ", d.data::json #>> '{data,meters}' AS meters, d.data::json #>> '{archive,reason}' AS archive_reason"
)

#: PostgreSQL: root or version GUIDs in one statement, the GUIDs as one array parameter
#: (the text is built from this module's constants; the GUIDs are bound)
_PG_FIND_MANY = text(
    f"SELECT k.guid AS wanted, {_PG_PORT} FROM unnest(CAST(:guids AS text[])) AS k(guid)"  # noqa: S608
    " JOIN metering_devices d ON d.root_guid = k.guid"
    " UNION ALL"
    f" SELECT k.guid, {_PG_PORT} FROM unnest(CAST(:guids AS text[])) AS k(guid)"
    " JOIN metering_device_versions v ON v.version_guid = k.guid"
    " JOIN metering_devices d ON d.id = v.device_id"
)


@functools.cache
def _port(dialect: str) -> tuple[Any, ...]:
    """``_PORT_COLUMNS`` and the document's meters and archive reason as JSON text (or NULL)."""
    if dialect == "postgresql":
        document = cast(_devices.c.data, JSON)
        meters = func.json_extract_path_text(document, "data", "meters")
        reason = func.json_extract_path_text(document, "archive", "reason")
    else:
        meters = func.json_extract(_devices.c.data, "$.data.meters")
        reason = func.json_extract(_devices.c.data, "$.archive.reason")
    return (*(_devices.c[name] for name in _PORT_COLUMNS), meters.label("meters"), reason.label("archive_reason"))


@functools.cache
def _sqlite_find_many() -> tuple[Select[Any], Select[Any]]:
    """SQLite: by root GUID, then by version GUID, each with the GUIDs as one JSON parameter."""
    by_root = select(_devices.c.root_guid.label("wanted"), *_port("sqlite")).where(
        _devices.c.root_guid.in_(bulk.json_values("guids"))
    )
    by_version = (
        select(_versions.c.version_guid.label("wanted"), *_port("sqlite"))
        .join(_devices, _devices.c.id == _versions.c.device_id)
        .where(_versions.c.version_guid.in_(bulk.json_values("guids")))
    )
    return by_root, by_version


class SqlMeteringDeviceLookup:
    """``MeteringDeviceLookup`` on the caller's connection (so it sees the caller's own writes)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find_many(self, guids: Collection[str]) -> dict[str, MeteringDevice]:
        """Devices by root or version GUID: one statement on PostgreSQL, two on SQLite."""
        keys = sorted({guid.strip().lower() for guid in guids})
        if not keys:
            return {}
        if self.conn.dialect.name == "postgresql":
            rows = list(self.conn.execute(_PG_FIND_MANY, {"guids": keys}))
        else:
            rows = []
            rest = keys
            for query in _sqlite_find_many():
                if rest:
                    found = list(self.conn.execute(query, {"guids": json.dumps(rest)}))
                    rows.extend(found)
                    seen = {row.wanted for row in found}
                    rest = [key for key in rest if key not in seen]
        records: dict[str, MeteringDevice] = {}
        by_root: dict[str, MeteringDevice] = {}
        for row in rows:
            if row.root_guid not in by_root:
                by_root[row.root_guid] = port_record(row)
            records[row.wanted] = by_root[row.root_guid]
        return records

    def select(
        self,
        *,
        house_guids: Collection[str] = (),
        device_types: Collection[str] = (),
        resources: Collection[str] = (),
        include_archived: bool = False,
    ) -> list[MeteringDevice]:
        """Devices matching every given filter, ordered by root GUID."""
        query = select(*_port(self.conn.dialect.name)).order_by(_devices.c.root_guid)
        if house_guids:
            query = query.where(
                bulk.one_of(self.conn, _devices.c.house_guid, sorted({g.strip().lower() for g in house_guids}))
            )
        if device_types:
            query = query.where(_devices.c.device_type.in_(sorted(set(device_types))))
        if not include_archived:
            query = query.where(_devices.c.archived_on.is_(None))
        wanted = set(resources)
        found = [port_record(row) for row in self.conn.execute(query)]
        return [d for d in found if not wanted or wanted & set(d.resources)]
