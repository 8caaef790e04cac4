"""Houses (and meters) inserted straight into the store, for account tests and benchmarks.

Houses and premises go into the houses area's tables (the columns the accounts area relies on:
GUIDs, manager, annulment), so account tests and the account benchmarks do not depend on the
house import's rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Connection, insert, select

from hub.areas.devices.rows import device_values, version_document
from hub.areas.devices.rules import Device, DeviceData, DeviceKind, Meter, ResourceForm
from hub.areas.devices.tables import metering_device_versions, metering_devices
from hub.areas.houses.tables import houses, living_rooms, premises
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.store.bulk import insert_rows, one_of


@dataclass
class House:
    fias: str
    premises: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)


def add_house(
    conn: Connection, manager_org_id: int | None, *, premises_count: int = 3, rooms: int = 1, annulled: bool = False
) -> House:
    """A house with ``premises_count`` residential premises; the first one gets ``rooms`` rooms."""
    now = datetime.now(UTC)
    house = House(str(uuid.uuid4()))
    tail = {"created_at": now, "modified_at": now, "annulled_at": now if annulled else None}
    house_id = conn.execute(
        insert(houses)
        .values(
            guid=house.fias,
            registry_guid=str(uuid.uuid4()),
            kind="apartment",
            unique_number=uuid.uuid4().hex[:16],
            manager_org_id=manager_org_id,
            created_by_org_id=manager_org_id,
            **tail,
        )
        .returning(houses.c.id)
    ).scalar_one()
    rows = []
    for i in range(premises_count):
        guid = str(uuid.uuid4())
        house.premises.append(guid)
        rows.append(
            {"guid": guid, "house_id": house_id, "kind": "residential", "unique_number": uuid.uuid4().hex[:16],
             "number": str(i + 1), **tail}
        )  # fmt: skip
    if rows:
        conn.execute(insert(premises), rows)
    first_id = (
        conn.execute(select(premises.c.id).where(premises.c.guid == house.premises[0])).scalar_one()
        if house.premises
        else None
    )
    for r in range(rooms if first_id else 0):
        guid = str(uuid.uuid4())
        house.rooms.append(guid)
        conn.execute(
            insert(living_rooms).values(
                guid=guid,
                house_id=house_id,
                premises_id=first_id,
                unique_number=uuid.uuid4().hex[:16],
                number=str(r + 1),
                **tail,
            )
        )
    assert conn.execute(select(houses.c.id).where(houses.c.guid == house.fias)).scalar_one() == house_id
    return house


def add_meters(conn: Connection, owner_org_id: int, house: House, *, resource: str = "2", base: str = "1") -> list[str]:
    """An individual meter of NSI 2 ``resource`` (commissioned 2024-01-01, base reading ``base``)
    in each premises of ``house``, inserted straight into the devices area's tables (for
    benchmarks that need 100 000 of them); their root GUIDs."""
    now = datetime.now(UTC)
    reference = NsiRef(resource, str(uuid.uuid5(uuid.NAMESPACE_URL, f"nsi2:{resource}")), None)
    devices = [
        Device(
            root_guid=new_guid(),
            version_guid=new_guid(),
            version_number=1,
            gis_number=f"{house.fias[:8]}-{i:06d}",
            owner_org_id=owner_org_id,
            house_guid=house.fias,
            data=DeviceData(
                kind=DeviceKind.RESIDENTIAL,
                number=f"{house.fias[:8]}-{i:06d}",
                remote_metering=False,
                temperature_sensor=False,
                pressure_sensor=False,
                form=ResourceForm.NOT_ENERGY,
                meters=(Meter(reference, (base,)),),
                installation_date=date(2024, 1, 1),
                commissioning_date=date(2024, 1, 1),
                premises=(premises_guid,),
            ),
            created_at=now,
            updated_at=now,
        )
        for i, premises_guid in enumerate(house.premises)
    ]
    insert_rows(conn, metering_devices, [device_values(d) for d in devices])
    roots = [d.root_guid for d in devices]
    query = select(metering_devices.c.root_guid, metering_devices.c.id)
    ids = {
        row.root_guid: row.id for row in conn.execute(query.where(one_of(conn, metering_devices.c.root_guid, roots)))
    }
    versions = [
        {"device_id": ids[d.root_guid], "version_guid": d.version_guid, "version_number": 1,
         "data": version_document(d), "created_at": now}
        for d in devices
    ]  # fmt: skip
    insert_rows(conn, metering_device_versions, versions)
    return roots
