"""exportMeteringDeviceHistory through its handler on the real store: filters, visibility,
GIS's paging (blocks of ≤1000 devices), and results valid under the real XSD."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from lxml import etree

from hub import ns
from hub.domain.nsi import NsiRef
from testkit.readings import ELECTRIC, VOLUME, Check, Dev, Val, bulk_readings, export_history, import_values
from tests.readings.rig import Rig, error_code, outcomes
from tests.real_contract import assert_valid_under_real_xsd

DM = ns.DEVICE_METERING
NSI = ns.NSI_BASE


def _devices(result: etree._Element) -> list[str]:
    return [
        e.findtext(f"{{{DM}}}MeteringDeviceRootGUID") or ""
        for e in result.iterfind(f"{{{DM}}}exportMeteringDeviceHistoryResult")
    ]


def _paged(result: etree._Element) -> tuple[str | None, str | None] | None:
    paged = result.find(f"{{{DM}}}PagedOutput")
    if paged is None:
        return None
    return paged.findtext(f"{{{DM}}}ExportMeteringDeviceRootGUID"), paged.findtext(f"{{{DM}}}LastPage")


def test_every_value_kind_exports_valid_under_the_real_xsd(rig: Rig, real_contract: Path) -> None:
    water = rig.device("water", base_values={("1", 1): Decimal("3")})
    power = rig.device("power", energy=True, resources=("3",), tariff_count=2, base_values={("3", 1): Decimal("1")})
    heat = rig.device("heat", resources=("5",), consumed_volume=True)
    imported = rig.run_import(
        import_values(
            [
                Dev(water.root_guid, values=(Val(("4",), period=(2026, 11)), Val(("4.5",), control=True))),
                Dev(
                    water.root_guid,
                    values=(),
                    verification=Check(
                        (("1", ("5",)),), (("1", ("6",)),), "2026-11-21", "2026-11-22", "2026-11-22", reason="2"
                    ),
                ),
                Dev(power.root_guid, kind=ELECTRIC, values=(Val(("10", "5")),)),
                Dev(
                    heat.root_guid,
                    kind=VOLUME,
                    values=(Val(("1.5",), resource="5"),),
                    verification=Check((("5", ("1",)),), (("5", ("2",)),)),
                ),
            ]
        )
    )
    assert all(not o.errors for o in outcomes(imported).values())
    result = rig.run_export(export_history(resources=["1", "3", "5"], date_from="2026-11-01", date_to="2026-11-30"))
    assert_valid_under_real_xsd(result, real_contract)
    assert _devices(result) == sorted([water.root_guid, power.root_guid, heat.root_guid])
    one = {
        e.findtext(f"{{{DM}}}MeteringDeviceRootGUID"): e
        for e in result.iterfind(f"{{{DM}}}exportMeteringDeviceHistoryResult")
    }
    w = one[water.root_guid]
    assert w.findtext(f".//{{{DM}}}CurrentValue/{{{ns.METERING_DEVICE_BASE}}}MeteringValue") == "4"
    assert w.findtext(f".//{{{DM}}}ControlValue/{{{ns.METERING_DEVICE_BASE}}}MeteringValue") == "4.5"
    assert w.find(f".//{{{DM}}}VerificationValue/{{{DM}}}VerificationReason") is not None
    assert w.findtext(f".//{{{DM}}}BaseValue/{{{ns.METERING_DEVICE_BASE}}}MeteringValue") == "3"
    assert one[power.root_guid].findtext(f".//{{{DM}}}CurrentValue/{{{ns.METERING_DEVICE_BASE}}}MeteringValueT2") == "5"
    assert one[heat.root_guid].find(f"{{{DM}}}VolumeDeviceValue/{{{DM}}}VerificationValue") is not None
    assert _paged(result) == (None, "true")


def test_filters_date_range_and_sources(rig: Rig) -> None:
    old = rig.device("old", commissioned=date(2020, 1, 1))
    hot = rig.device("hot", resources=("2",), device_type="2")
    gone = rig.device("gone", archived=True)
    rig.run_import(bulk_readings([old.root_guid], date="2026-09-10", seed="sep"))
    rig.run_import(bulk_readings([old.root_guid], value="11", date="2026-11-10", seed="nov"))
    both = [old.root_guid, hot.root_guid, gone.root_guid]
    assert _devices(rig.run_export(export_history(roots=both))) == sorted([old.root_guid, hot.root_guid])
    assert _devices(rig.run_export(export_history(roots=both, archived=True))) == sorted(both)
    assert _devices(rig.run_export(export_history(resources=["2"]))) == [hot.root_guid]
    assert _devices(rig.run_export(export_history(device_types=["2"]))) == [hot.root_guid]
    assert _devices(rig.run_export(export_history(resources=["1", "2"], commissioned_to="2024-01-01"))) == [
        old.root_guid
    ]
    # the default range: from the 1st of the previous month (the rig's today is 2026-12-01)
    default = rig.run_export(export_history(roots=[old.root_guid]))
    assert len(list(default.iterfind(f".//{{{DM}}}CurrentValue"))) == 1
    wide = rig.run_export(export_history(roots=[old.root_guid], date_from="2026-09-01", date_to="2026-11-30"))
    assert len(list(wide.iterfind(f".//{{{DM}}}CurrentValue"))) == 2
    mine_excluded = rig.run_export(
        export_history(roots=[old.root_guid], date_from="2026-09-01", exclude_current_org=True)
    )
    assert len(list(mine_excluded.iterfind(f".//{{{DM}}}CurrentValue"))) == 0


def test_an_organization_sees_only_managed_or_supplied_houses(rig: Rig) -> None:
    water = rig.device("water")
    rig.device("heat", resources=("5",), consumed_volume=True)
    assert error_code(rig.run_export(export_history(resources=["1", "5"]), sender=rig.uk2)) == "INT002012"
    rig.registries.supplies[(rig.rso, rig.house)] = frozenset({"1"})
    assert _devices(rig.run_export(export_history(resources=["1", "5"]), sender=rig.rso)) == [water.root_guid]
    assert len(_devices(rig.run_export(export_history(resources=["1", "5"]), sender=rig.uk))) == 2


def test_paging_in_blocks_of_a_thousand(rig: Rig, real_contract: Path) -> None:
    devices = sorted(rig.device(f"d{i}").root_guid for i in range(1005))
    first = rig.run_export(export_history(resources=["1"]))
    assert _devices(first) == devices[:1000]
    assert _paged(first) == (devices[1000], None)
    second = rig.run_export(export_history(resources=["1"], cursor=devices[1000]))
    assert _devices(second) == devices[1000:]
    assert _paged(second) == (None, "true")
    assert_valid_under_real_xsd(second, real_contract)
    # GIS: no blocks and no PagedOutput (nor FIASHouseGuid) when exactly one house is asked for
    one_house = rig.run_export(export_history(houses=[rig.house], resources=["1"]))
    assert _devices(one_house) == devices
    assert _paged(one_house) is None
    assert one_house.find(f".//{{{DM}}}FIASHouseGuid") is None


def _paths(element: etree._Element, prefix: str = "") -> list[str]:
    paths = []
    for child in element:
        if isinstance(child.tag, str):
            path = f"{prefix}/{etree.QName(child).localname}"
            paths.append(path)
            paths.extend(_paths(child, path))
    return paths


def test_an_answer_has_the_shape_of_gis_captured_ones(rig: Rig, gis_samples: Path) -> None:
    device = rig.device("water")
    rig.run_import(bulk_readings([device.root_guid]))
    ours = rig.run_export(export_history(houses=[rig.house], roots=[device.root_guid], date_from="2026-11-01"))
    name = "gisexchanger_device-metering_getState_response_exportMeteringDeviceHistoryResult_a.xml"
    captured = etree.parse(str(gis_samples / name)).getroot()
    theirs = captured.find(f".//{{{DM}}}exportMeteringDeviceHistoryResult")
    mine = ours.find(f"{{{DM}}}exportMeteringDeviceHistoryResult")
    assert theirs is not None and mine is not None
    # GIS writes the unit (OKEI) the device was set up with; we know none. We add who entered
    # the reading (orgPPAGUID, optional in the XSD) and the period.
    unit, extras = "/Unit", ("/orgPPAGUID", "/Period", "/Period/Year", "/Period/Month")
    assert [p for p in _paths(theirs) if not p.endswith(unit)] == [
        p for p in _paths(mine) if not any(p.endswith(e) for e in extras)
    ]


def test_archive_dates_choose_among_archived_devices_which_carry_their_reason(rig: Rig, real_contract: Path) -> None:
    active = rig.device("active")
    reason = NsiRef("4", "00000000-0000-4000-8000-000000000021", "Истек срок эксплуатации")
    early = rig.device("early", archived=True, archived_on=date(2026, 3, 1), archive_reason=reason)
    late = rig.device("late", archived=True, archived_on=date(2026, 10, 1), archive_reason=reason)
    roots = [active.root_guid, early.root_guid, late.root_guid]
    between = export_history(roots=roots, archived=True, archived_from="2026-09-01", archived_to="2026-12-01")
    result = rig.run_export(between)
    assert _devices(result) == sorted([active.root_guid, late.root_guid])
    assert_valid_under_real_xsd(result, real_contract)
    by_root = {
        r.findtext(f"{{{DM}}}MeteringDeviceRootGUID"): r
        for r in result.iterfind(f".//{{{DM}}}exportMeteringDeviceHistoryResult")
    }
    assert by_root[late.root_guid].findtext(f"{{{DM}}}ArchivedValues/{{{DM}}}ArchivingReason/{{{NSI}}}Code") == "4"
    assert by_root[active.root_guid].find(f"{{{DM}}}ArchivedValues") is None
    # the hub takes readings from organizations only: excluding citizens' readings changes nothing
    person = rig.run_export(export_history(roots=roots, archived=True, exclude_person=True))
    assert _devices(person) == sorted(roots)
