"""Metering devices in the store: the repository, import sessions and export views.

Tables in ``tables.py`` (migration ``0013_metering_devices``). A placed device is one
``metering_devices`` row (its current version, what lookups filter by) and one
``metering_device_versions`` row per version; a change updates the first and adds a second in
the same savepoint. Concurrency: a changed device's row is locked ``FOR UPDATE`` on PostgreSQL
(SQLite has one writer); the unique GUID and number columns make a lost race an integrity error
of that object only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from hub.areas.devices.rows import current_device, device_from, device_values, version_document
from hub.areas.devices.rules import Device
from hub.areas.devices.tables import metering_device_versions, metering_devices
from hub.areas.devices.usecase import Exported
from hub.services.ports import AccountLookup, HousingLookup, SupplyLookup
from hub.store import bulk, sequences
from hub.store.base import Store
from hub.store.imports import SqlImportSession, SqlImportStore

_devices = metering_devices
_versions = metering_device_versions
_INSERT_DEVICE = insert(_devices).returning(_devices.c.id)
_INSERT_VERSION = insert(_versions)


class SqlDevices:
    """``DeviceRepository`` and ``DeviceFinder`` on one connection (one transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _row_by_version(self, guid: str, *, for_update: bool = False) -> Any:
        owner = select(_versions.c.device_id).where(_versions.c.version_guid == guid.strip().lower())
        query = select(_devices).where(_devices.c.id.in_(owner.scalar_subquery()))
        if for_update and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        return self.conn.execute(query).first()

    # --- repository --------------------------------------------------------------------------

    def by_version(self, guid: str, *, for_update: bool = False) -> Device | None:
        row = self._row_by_version(guid, for_update=for_update)
        return None if row is None else current_device(row)

    def known_versions(self, guids: Collection[str]) -> set[str]:
        keys = sorted({g.strip().lower() for g in guids})
        rows = self.conn.execute(
            select(_versions.c.version_guid).where(bulk.one_of(self.conn, _versions.c.version_guid, keys))
        )
        return {row.version_guid for row in rows}

    def number_taken(
        self, house_guid: str, number: str, resources: Collection[str], *, except_root: str | None
    ) -> bool:
        query = select(_devices.c.root_guid, _devices.c.resources).where(
            _devices.c.house_guid == house_guid, _devices.c.number == number, _devices.c.archived_on.is_(None)
        )
        wanted = set(resources)
        return any(
            row.root_guid != except_root and wanted & set(row.resources.split()) for row in self.conn.execute(query)
        )

    def _add_version(self, device_id: int, device: Device) -> None:
        self.conn.execute(
            _INSERT_VERSION,
            {
                "device_id": device_id,
                "version_guid": device.version_guid,
                "version_number": device.version_number,
                "data": version_document(device),
                "created_at": device.updated_at,
            },
        )

    def add(self, device: Device) -> None:
        device_id = self.conn.execute(_INSERT_DEVICE, device_values(device)).scalar_one()
        self._add_version(device_id, device)

    def save(self, device: Device) -> None:
        device_id = self.conn.execute(
            select(_devices.c.id).where(_devices.c.root_guid == device.root_guid)
        ).scalar_one()
        values = device_values(device)
        del values["created_at"]
        self.conn.execute(update(_devices).where(_devices.c.id == device_id).values(**values))
        self._add_version(device_id, device)

    def allocate(self, sequence: str) -> int:
        return sequences.next_value(self.conn, sequence)

    # --- finder ------------------------------------------------------------------------------

    def in_house(self, house_guid: str) -> list[Device]:
        query = select(_devices).where(_devices.c.house_guid == house_guid.strip().lower()).order_by(_devices.c.id)
        return [current_device(row) for row in self.conn.execute(query)]

    def by_root(self, root_guid: str) -> Device | None:
        row = self.conn.execute(select(_devices).where(_devices.c.root_guid == root_guid.strip().lower())).first()
        return None if row is None else current_device(row)

    def version(self, version_guid: str) -> Exported | None:
        key = version_guid.strip().lower()
        version = self.conn.execute(select(_versions).where(_versions.c.version_guid == key)).first()
        if version is None:
            return None
        row = self.conn.execute(select(_devices).where(_devices.c.id == version.device_id)).one()
        device = device_from(row, version.data, version.version_guid, version.version_number)
        return Exported(device, current=row.version_guid == key)

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(_devices)).scalar_one())


# --- sessions and views -----------------------------------------------------------------------

#: make a port of a connection (the houses area's ``SqlHousingLookup``, the supply area's lookup)
HousingFactory = Callable[[Connection], HousingLookup]
SupplyFactory = Callable[[Connection], SupplyLookup]
AccountFactory = Callable[[Connection], AccountLookup]


class DevicesImportSession(SqlImportSession):
    """``DeviceImportSession``: the import transaction with devices, housing, supply and accounts."""

    def __init__(
        self,
        conn: Connection,
        inbox_id: int,
        housing: HousingLookup,
        supply: SupplyLookup | None,
        accounts: AccountLookup | None,
    ) -> None:
        super().__init__(conn, inbox_id)
        self.devices = SqlDevices(conn)
        self.housing = housing
        self.supply = supply
        self.accounts = accounts


class DevicesExportView:
    """``DeviceExportView`` on a read connection."""

    def __init__(self, conn: Connection, housing: HousingLookup, supply: SupplyLookup | None) -> None:
        self.devices = SqlDevices(conn)
        self.housing = housing
        self.supply = supply


def device_import_store(
    store: Store, housing: HousingFactory, supply: SupplyFactory | None, accounts: AccountFactory | None = None
) -> SqlImportStore[DevicesImportSession]:
    """What ``make_import_device_handler(imports=…)`` takes; ``supply``/``accounts`` when provided."""
    return SqlImportStore(
        store,
        lambda conn, inbox_id: DevicesImportSession(
            conn,
            inbox_id,
            housing(conn),
            supply(conn) if supply is not None else None,
            accounts(conn) if accounts is not None else None,
        ),
    )


def device_export_view(
    store: Store, housing: HousingFactory, supply: SupplyFactory | None
) -> Callable[[], AbstractContextManager[DevicesExportView]]:
    """What ``make_export_device_handler(reading=…)`` takes: ``with reading() as view: …``."""

    @contextmanager
    def reading() -> Iterator[DevicesExportView]:
        with store.reading() as conn:
            yield DevicesExportView(conn, housing(conn), supply(conn) if supply is not None else None)

    return reading
