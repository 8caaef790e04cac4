"""The codec: every device kind and every DeviceDataToUpdate variant decoded from the kit's
requests; an export result of each kind valid under the real XSD."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from hub.areas.devices.codec import decode_import, decode_selection, encode_device
from hub.areas.devices.rules import Action, Archive, Device, DeviceKind, ResourceForm
from hub.areas.devices.usecase import Exported
from testkit.devices import archive, export_request, import_request, one_of_each_kind, replace, update_after
from testkit.elements import guid
from tests.accounts.results import assert_real

FIAS = guid("codec:fias")
PREMISES = [guid(f"codec:premises:{i}") for i in range(3)]
ROOM = guid("codec:room")
ACCOUNT = guid("codec:account")


def _reparsed(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def test_every_kind_decodes_to_its_places_resources_and_base_values() -> None:
    commands = decode_import(_reparsed(import_request(one_of_each_kind(FIAS, PREMISES, [ROOM], [ACCOUNT]))))
    assert [c.action for c in commands] == [Action.CREATE] * 6
    data = [c.data for c in commands if c.data is not None]
    assert [d.kind for d in data] == list(DeviceKind)
    assert [d.device_type for d in data] == ["1", "1", "1", "2", "3", "4"]
    assert [d.places for d in data] == [(PREMISES[0],), (PREMISES[1],), (FIAS,), (FIAS,), (PREMISES[2],), (ROOM,)]
    assert data[0].accounts == (ACCOUNT,) and data[3].accounts == ()
    electric = data[2]
    assert electric.form is ResourceForm.ENERGY and electric.energy and electric.tariff_count == 2
    assert electric.base_values() == {("3", 1): Decimal("100.1"), ("3", 2): Decimal("50.2")}
    assert electric.transformation_ratio == "1"
    assert data[3].consumed_volume is True and data[4].resources == ("1", "2")
    assert data[0].verification_interval is not None and data[0].verification_interval.code == "6"
    assert data[0].commissioning_date == date(2024, 1, 15)


def test_update_variants_decode() -> None:
    version = guid("codec:version").upper()
    (after,) = decode_import(_reparsed(update_after(version, model="ВСХ-20", accounts=[ACCOUNT])))
    assert after.action is Action.UPDATE_AFTER and after.version_guid == version.lower()
    assert after.patch is not None and after.patch.model == "ВСХ-20" and after.patch.accounts == (ACCOUNT,)
    (archived,) = decode_import(_reparsed(archive(version, reason="2")))
    assert archived.archive_reason is not None and archived.archive_reason.code == "2"
    (replaced,) = decode_import(_reparsed(replace(version, guid("codec:new"), last_value="99.5")))
    assert replaced.replacement is not None
    assert replaced.replacement.replacing_version_guid == guid("codec:new") and replaced.replacement.planned
    assert [m.values for m in replaced.replacement.final_meters] == [("99.5",)]


def test_selection_decodes() -> None:
    selection = decode_selection(_reparsed(export_request(house=FIAS.upper(), device_type="2", search_archived=True)))
    assert (selection.house_guid, selection.device_type, selection.search_archived) == (FIAS, "2", True)


def test_exported_devices_of_every_kind_are_valid_under_the_real_xsd(real_contract: Path) -> None:
    commands = decode_import(_reparsed(import_request(one_of_each_kind(FIAS, PREMISES, [ROOM], [ACCOUNT]))))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    results = []
    for n, command in enumerate(commands):
        assert command.data is not None
        device = Device(
            root_guid=guid(f"root:{n}"),
            version_guid=guid(f"version:{n}"),
            version_number=n + 1,
            gis_number=f"{n:012d}",
            owner_org_id=1,
            house_guid=FIAS,
            data=command.data,
            created_at=at,
            updated_at=at,
            archive=Archive(on=date(2026, 1, 2)) if n % 2 else None,
        )
        results.append(encode_device(Exported(device, current=n % 3 != 0)))
    assert_real(results, real_contract)
