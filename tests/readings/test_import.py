"""importMeteringDeviceValues through its handler on the real store (SQLite and PostgreSQL),
with fake device, housing and supply registries: every check with its code and TransportGUID,
the rest applied, exactly once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import event

from hub.areas.readings.handlers import make_import_values_handler
from hub.areas.readings.store import reading_import_store
from testkit.readings import ELECTRIC, VOLUME, Check, Dev, Val, bulk_readings, import_values, transport
from tests.readings.rig import NOW, FakeHousing, FakeMeters, FakeSupply, Rig, outcomes, run_guarded, state
from tests.real_contract import assert_valid_under_real_xsd


def test_a_thousand_readings_with_a_few_bad_ones(rig: Rig, real_contract: Path) -> None:
    devices = [rig.device(f"d{i}") for i in range(1000)]
    rig.device("archived", archived=True)
    bad = {
        3: ("unknown", "INT002000"),
        10: ("future", "INT912004"),
        20: ("kind", "INT912001"),
        30: ("resource", "INT912002"),
        40: ("archived", "INT912009"),
        50: ("commissioning", "INT912005"),
        60: ("lower", "INT912007"),
        999: ("duplicate", "INT912008"),
    }
    blocks = [Dev(d.root_guid, values=(Val(("100.5",)),)) for d in devices]
    blocks[3] = Dev("00000000-0000-4000-8000-000000000003")
    blocks[10] = Dev(devices[10].root_guid, values=(Val(("1",), date="2026-12-02"),))
    blocks[20] = Dev(devices[20].root_guid, kind=ELECTRIC, values=(Val(("1",)),))
    blocks[30] = Dev(devices[30].root_guid, values=(Val(("1",), resource="2"),))
    blocks[40] = Dev(rig.registries.devices[next(k for k, d in rig.registries.devices.items() if d.archived)].root_guid)
    blocks[50] = Dev(devices[50].root_guid, values=(Val(("1",), date="2024-12-31"),))
    rig.replace_device(devices[60], base_values={("1", 1): Decimal("200")})
    blocks[999] = Dev(devices[0].root_guid, values=(Val(("300",)),))  # same device and period as block 0
    statements: list[str] = []
    count = lambda *args: statements.append(args[2])  # noqa: E731 - before_cursor_execute(conn, cursor, sql, …)
    event.listen(rig.store.engine, "before_cursor_execute", count)
    result = rig.run_import(import_values(blocks))
    event.remove(rig.store.engine, "before_cursor_execute", count)
    found = outcomes(result)
    assert len(found) == 1000
    for index, (_why, code) in bad.items():
        assert found[transport("readings", index)].errors == (code,), index
    good = [found[transport("readings", i)] for i in range(1000) if i not in bad]
    assert all(not o.errors and o.guid for o in good)
    assert rig.stored() == 1000 - len(bad)
    assert_valid_under_real_xsd(result, real_contract)
    # set-based: a fixed handful of statements per chunk of 100, not a few per reading
    writes = [sql for sql in statements if "meter_readings" in sql]
    assert len(writes) <= 2 * 10, writes
    assert len(statements) <= 15 * 10, len(statements)


def test_places_name_the_value(rig: Rig) -> None:
    device = rig.device("d")
    result = rig.run_import(import_values([Dev(device.root_guid, values=(Val(("1",), resource="5"),))]))
    [item] = result.iterfind(".//{*}ImportResult")
    text = item.findtext(".//{*}Description") or ""
    assert "MeteringDevicesValues[1]/OneRateDeviceValue/CurrentValue[1]" in text
    assert "Коммунальный ресурс не учитывается" in text


def test_a_crashed_import_redone_does_not_double(rig: Rig) -> None:
    devices = [rig.device(f"d{i}") for i in range(30)]
    request = bulk_readings([d.root_guid for d in devices])
    entry = rig.entry(rig.uk, "importMeteringDeviceValues")
    handler = rig.import_handler(chunk=10)
    calls = 0

    def crash_after_two_chunks() -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("worker died")

    r = rig.registries
    crashing = make_import_values_handler(
        imports=reading_import_store(rig.store, FakeMeters(r), FakeHousing(r), FakeSupply(r)),
        chunk_size=10,
        progress=lambda _entry: crash_after_two_chunks,
        clock=lambda: NOW,
    )
    with pytest.raises(RuntimeError):
        crashing(entry, etree.tostring(request))
    assert rig.stored() == 20
    redo = handler(replace(entry, attempts=2), etree.tostring(request))
    assert rig.stored() == 30
    assert len(outcomes(state(redo))) == 30
    assert all(not o.errors for o in outcomes(state(redo)).values())


def test_the_same_message_twice_is_compared_with_its_first_readings(rig: Rig) -> None:
    device = rig.device("d")
    rig.run_import(bulk_readings([device.root_guid], value="10"))
    again = outcomes(rig.run_import(bulk_readings([device.root_guid], value="9", seed="second")))
    assert [o.errors for o in again.values()] == [("INT912007",)]


def test_lower_reading_previous_is_the_last_stored_else_the_base(rig: Rig) -> None:
    device = rig.device("d", base_values={("1", 1): Decimal("50")})
    first = outcomes(rig.run_import(bulk_readings([device.root_guid], value="49", seed="a")))
    assert [o.errors for o in first.values()] == [("INT912007",)]
    ok = outcomes(rig.run_import(bulk_readings([device.root_guid], value="60", date="2026-10-20", seed="b")))
    assert [o.errors for o in ok.values()] == [()]
    lower = outcomes(rig.run_import(bulk_readings([device.root_guid], value="55", seed="c")))
    assert [o.errors for o in lower.values()] == [("INT912007",)]
    equal = outcomes(rig.run_import(bulk_readings([device.root_guid], value="60", seed="d")))
    assert [o.errors for o in equal.values()] == [()]
    earlier = outcomes(rig.run_import(bulk_readings([device.root_guid], value="70", date="2026-10-01", seed="e")))
    assert [o.errors for o in earlier.values()] == [("INT912010",)]


def test_a_replacing_device_starts_anew(rig: Rig) -> None:
    old = rig.device("old", base_values={("1", 1): Decimal("900")})
    rig.run_import(bulk_readings([old.root_guid], value="950", seed="old"))
    rig.replace_device(old, archived=True)
    new = rig.device("new", replaced_root_guid=old.root_guid, base_values={("1", 1): Decimal("0.5")})
    ok = outcomes(rig.run_import(bulk_readings([new.root_guid], value="1", seed="new")))
    assert [o.errors for o in ok.values()] == [()]
    lower = outcomes(rig.run_import(bulk_readings([new.root_guid], value="0.4", seed="new2")))
    assert [o.errors for o in lower.values()] == [("INT912007",)]
    archived = outcomes(rig.run_import(bulk_readings([old.root_guid], value="1000", seed="old2")))
    assert [o.errors for o in archived.values()] == [("INT912009",)]


def test_two_readings_of_one_device_in_a_message_are_compared_in_order(rig: Rig) -> None:
    device = rig.device("d")
    request = import_values(
        [
            Dev(device.root_guid, values=(Val(("10",), date="2026-10-20", period=(2026, 10)),)),
            Dev(device.root_guid, values=(Val(("9",), date="2026-11-20", period=(2026, 11)),)),
            Dev(device.root_guid, values=(Val(("11",), date="2026-11-21", period=(2026, 12)),)),
        ]
    )
    found = outcomes(rig.run_import(request, chunk=2))
    assert [o.errors for o in found.values()] == [(), ("INT912007",), ()]


def test_electric_tariffs(rig: Rig, real_contract: Path) -> None:
    two = rig.device("e2", energy=True, resources=("3",), tariff_count=2)
    one = rig.device("e1", energy=True, resources=("3",), tariff_count=1)
    request = import_values(
        [
            Dev(two.root_guid, kind=ELECTRIC, values=(Val(("10", "5")),)),
            Dev(one.root_guid, kind=ELECTRIC, values=(Val(("10", "5")),)),
            Dev(two.root_guid, kind=ELECTRIC, values=(Val(("10",), date="2026-11-21", period=(2026, 12)),)),
            Dev(two.root_guid, kind="OneRateDeviceValue", values=(Val(("10",), resource="3", date="2026-11-22"),)),
        ]
    )
    result = rig.run_import(request)
    assert [o.errors for o in outcomes(result).values()] == [(), ("INT912003",), ("INT912003",), ("INT912001",)]
    assert_valid_under_real_xsd(result, real_contract)


def test_volumes_only_for_consumed_volume_devices_and_never_lower_checked(rig: Rig) -> None:
    heat = rig.device("heat", resources=("5",), consumed_volume=True)
    water = rig.device("water")
    request = import_values(
        [
            Dev(heat.root_guid, kind=VOLUME, values=(Val(("10",), resource="5", date="2026-10-20"),)),
            Dev(heat.root_guid, kind=VOLUME, values=(Val(("3",), resource="5", period=(2026, 11)),)),
            Dev(water.root_guid, kind=VOLUME, values=(Val(("3",)),)),
        ]
    )
    assert [o.errors for o in outcomes(rig.run_import(request)).values()] == [(), (), ("INT912001",)]


def _check(start: str, end: str, values: tuple[str, str]) -> Check:
    """A planned verification in November 2026 (days ``start``–``end``) of cold water."""
    return Check(
        start=(("1", (values[0],)),),
        end=(("1", (values[1],)),),
        start_date=f"2026-11-{start}",
        end_date=f"2026-11-{end}",
        seal_date=f"2026-11-{end}",
    )


def test_control_and_verification_values(rig: Rig, real_contract: Path) -> None:
    device = rig.device("d", base_values={("1", 1): Decimal("5")})
    request = import_values(
        [
            Dev(device.root_guid, values=(Val(("6",), date="2026-10-20"), Val(("7",), control=True))),
            Dev(device.root_guid, values=(), verification=_check("21", "25", ("7", "7.5"))),
            Dev(device.root_guid, values=(), verification=_check("26", "28", ("8", "1"))),
            Dev(device.root_guid, values=(), verification=_check("30", "29", ("8", "9"))),
        ]
    )
    result = rig.run_import(request)
    codes = [o.errors for o in outcomes(result).values()]
    assert codes == [(), (), (), ("INT912007",), ("INT912011",)]
    assert_valid_under_real_xsd(result, real_contract)


def test_a_device_by_its_version_guid(rig: Rig) -> None:
    device = rig.device("d")
    request = import_values([Dev(device.version_guid, by_version=True)])
    assert [o.errors for o in outcomes(rig.run_import(request)).values()] == [()]


def test_only_the_manager_or_a_supplier_of_the_resource(rig: Rig) -> None:
    water = rig.device("water")
    heat = rig.device("heat", resources=("5",), consumed_volume=True)
    rig.registries.supplies[(rig.rso, rig.house)] = frozenset({"1"})
    request = import_values(
        [Dev(water.root_guid), Dev(heat.root_guid, kind=VOLUME, values=(Val(("1",), resource="5"),))]
    )
    assert [o.errors for o in outcomes(rig.run_import(request, sender=rig.rso)).values()] == [(), ("AUT011003",)]
    other = outcomes(rig.run_import(request, sender=rig.uk2))
    assert [o.errors for o in other.values()] == [("AUT011003",), ("AUT011003",)]
    assert [o.errors for o in outcomes(rig.run_import(request, sender=rig.uk)).values()] == [(), ()]


def test_before_commissioning(rig: Rig) -> None:
    device = rig.device("d", commissioned=date(2026, 11, 25))
    found = outcomes(rig.run_import(bulk_readings([device.root_guid])))
    assert [o.errors for o in found.values()] == [("INT912005",)]


def test_a_message_without_any_value_is_refused_whole(rig: Rig, real_contract: Path) -> None:
    device = rig.device("d")
    result = run_guarded(rig, import_values([Dev(device.root_guid, values=())]))
    assert result.findtext(".//{*}ErrorMessage/{*}ErrorCode") == "INT912012"
    assert_valid_under_real_xsd(result, real_contract)


def test_one_device_by_its_root_and_by_its_version_guid_is_a_duplicate(rig: Rig) -> None:
    device = rig.device("d")
    assert device.version_guid != device.root_guid
    blocks = [
        Dev(device.root_guid, values=(Val(("10",)),)),
        Dev(device.version_guid, values=(Val(("11",)),), by_version=True),  # same device, same period
    ]
    found = outcomes(rig.run_import(import_values(blocks)))
    assert [found[transport("readings", i)].errors for i in (0, 1)] == [(), ("INT912008",)]
    assert rig.stored() == 1
