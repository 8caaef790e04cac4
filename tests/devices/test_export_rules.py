"""The export use case over fakes of its ports: the filters of exportMeteringDeviceDataRequest and
who sees what (owner, manager, supplier of the resource)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from hub.areas.devices.rules import Archive, Device, DeviceData, DeviceKind, Meter, ResourceForm
from hub.areas.devices.usecase import Access, Exported, Selection, export_devices
from hub.domain.nsi import NsiRef
from hub.errors import HubError
from hub.services.ports import HousingObject, SupplyLookup
from tests.devices.rig import FakeSupply

HOUSE = "6c4e1c2a-0000-4000-8000-000000000001"
MANAGER, OTHER, SUPPLIER = 1, 2, 3
JAN_2 = date(2024, 1, 2)


def _device(n: int, kind: DeviceKind, resource: str, **kw: object) -> Device:
    data = DeviceData(
        kind=kind,
        number=f"N{n}",
        remote_metering=False,
        temperature_sensor=False,
        pressure_sensor=False,
        form=ResourceForm.NOT_ENERGY,
        meters=(Meter(NsiRef(resource, None, None), ("1",)),),
        commissioning_date=date(2024, 1, n),
        houses=(HOUSE,),
    )
    at = datetime(2025, 1, n, tzinfo=UTC)
    fields: dict[str, object] = {
        "root_guid": f"root-{n}",
        "version_guid": f"version-{n}",
        "version_number": 1,
        "gis_number": f"{n:012d}",
        "owner_org_id": MANAGER,
        "house_guid": HOUSE,
        "data": data,
        "created_at": at,
        "updated_at": at,
    }
    fields.update(kw)
    return Device(**fields)  # type: ignore[arg-type]


DEVICES = [
    _device(1, DeviceKind.RESIDENTIAL, "1"),
    _device(2, DeviceKind.COLLECTIVE, "5", owner_org_id=SUPPLIER),
    _device(3, DeviceKind.COLLECTIVE, "5"),
    _device(4, DeviceKind.LIVING_ROOM, "2", archive=Archive(on=date(2025, 3, 1))),
]


@dataclass
class View:
    supply: SupplyLookup | None = None
    devices: View = field(init=False)
    housing: View = field(init=False)

    def __post_init__(self) -> None:
        self.devices = self.housing = self

    def in_house(self, house_guid: str) -> list[Device]:
        return [d for d in DEVICES if d.house_guid == house_guid]

    def by_root(self, root_guid: str) -> Device | None:
        return next((d for d in DEVICES if d.root_guid == root_guid), None)

    def version(self, version_guid: str) -> Exported | None:
        return next((Exported(d) for d in DEVICES if d.version_guid == version_guid), None)

    def find(self, guid: str) -> HousingObject | None:
        return HousingObject("house", guid, guid, MANAGER) if guid == HOUSE else None

    def find_many(self, guids: Collection[str]) -> dict[str, HousingObject]:
        return {g: o for g in guids if (o := self.find(g)) is not None}


def _roots(sender: int, selection: Selection, supply: FakeSupply | None = None) -> list[str]:
    view = View(supply)
    access = Access(sender, "ppa", supply, date(2025, 6, 1))
    try:
        return [e.device.root_guid for e in export_devices(view, access, selection)]  # type: ignore[arg-type]
    except HubError as exc:
        return [exc.code]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(house_guid=HOUSE), ["root-1", "root-2", "root-3"]),
        (Selection(house_guid=HOUSE, search_archived=True), ["root-1", "root-2", "root-3", "root-4"]),
        (Selection(house_guid=HOUSE, device_type="2"), ["root-2", "root-3"]),
        (Selection(house_guid=HOUSE, resource="1"), ["root-1"]),
        (Selection(house_guid=HOUSE, current_org_only=True), ["root-1", "root-3"]),
        (Selection(house_guid=HOUSE, updated_since=datetime(2025, 1, 2, tzinfo=UTC)), ["root-2", "root-3"]),
        (
            Selection(house_guid=HOUSE, commissioning_from=date(2024, 1, 2), commissioning_to=date(2024, 1, 2)),
            ["root-2"],
        ),
        (Selection(house_guid=HOUSE, search_archived=True, archive_from=date(2025, 2, 1)), ["root-4"]),
        (Selection(house_guid=HOUSE, archive_to=date(2025, 2, 1)), ["INT002012"]),
        (Selection(root_guid="root-4"), ["root-4"]),
        (Selection(version_guid="version-2"), ["root-2"]),
        (Selection(root_guid="nope"), ["INT002012"]),
    ],
)
def test_filters_of_the_house_manager(selection: Selection, expected: list[str]) -> None:
    assert _roots(MANAGER, selection) == expected


def test_others_see_what_they_placed_and_what_they_supply() -> None:
    house = Selection(house_guid=HOUSE, search_archived=True)
    assert _roots(OTHER, house) == ["INT002012"]
    assert _roots(SUPPLIER, house) == ["root-2"]  # its own device, no contract
    supply = FakeSupply({(SUPPLIER, HOUSE): frozenset({"5", "2"})})
    assert _roots(SUPPLIER, house, supply) == ["root-2", "root-3", "root-4"]
    assert _roots(SUPPLIER, Selection(root_guid="root-1"), supply) == ["INT002012"]
