"""The ``meters`` port (``SqlMeteringDeviceLookup``) on SQLite and PostgreSQL: by root or version
GUID, what readings need to know of each device, 1000 GUIDs in one call."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

from hub.areas.devices.lookup import SqlMeteringDeviceLookup
from testkit.devices import Dev, archive, import_request, one_of_each_kind, update_after
from testkit.seeds import House, add_meters
from tests.devices.rig import Db


def every_kind(db: Db, house: House) -> list[Dev]:
    return one_of_each_kind(house.fias, house.premises, house.rooms, [db.account(house)])


def test_devices_by_root_and_by_any_version(db: Db) -> None:
    house = db.house(rooms=1)
    placed = db.run_import(
        import_request(one_of_each_kind(house.fias, house.premises, house.rooms, [db.account(house)]))
    )
    assert all(not o.errors and o.version_guid and o.root_guid for o in placed)
    first = placed[0]
    assert first.version_guid
    (changed,) = db.run_import(update_after(first.version_guid, model="ВСХ-20"))
    (gone,) = db.run_import(archive(placed[1].version_guid or ""))
    assert changed.errors == () and gone.errors == ()
    unknown = str(uuid.uuid4())
    with db.store.reading() as conn:
        found = SqlMeteringDeviceLookup(conn).find_many(
            [first.root_guid or "", first.version_guid.upper() + " ", changed.version_guid or "", unknown]
            + [o.root_guid or "" for o in placed[1:]]
        )
    assert unknown not in found
    old, current = found[first.version_guid], found[changed.version_guid or ""]
    assert old == current == found[first.root_guid or ""]
    assert current.version_guid == changed.version_guid and current.owner_org_id == db.org_a
    assert current.device_type == "1" and current.resources == ("1",) and not current.energy
    assert current.base_values == {("1", 1): Decimal("12.5")}
    archived = found[placed[1].root_guid or ""]
    assert archived.archived and archived.archived_on is not None and archived.archive_reason is not None
    assert archived.archive_reason.code == "1" and archived.archive_reason.guid
    assert current.archived_on is None and current.archive_reason is None
    electric = found[placed[2].root_guid or ""]
    assert electric.energy and electric.tariff_count == 2 and electric.resources == ("3",)
    assert electric.base_values == {("3", 1): Decimal("100.1"), ("3", 2): Decimal("50.2")}
    assert electric.house_guid == house.fias and electric.device_type == "1"
    collective = found[placed[3].root_guid or ""]
    assert collective.device_type == "2" and collective.consumed_volume
    assert [found[o.root_guid or ""].device_type for o in placed[4:]] == ["3", "4"]


def test_select_filters_by_house_type_resource_and_archive(db: Db) -> None:
    house, other = db.house(rooms=1), db.house()
    placed = db.run_import(
        import_request(one_of_each_kind(house.fias, house.premises, house.rooms, [db.account(house)]))
    )
    db.run_import(import_request([db.dev(other, "ResidentialPremiseDevice", [other.premises[0]], ("2",))]))
    db.run_import(archive(placed[0].version_guid or ""))
    with db.store.reading() as conn:
        lookup = SqlMeteringDeviceLookup(conn)
        in_house = lookup.select(house_guids=[house.fias])
        assert {d.root_guid for d in in_house} == {o.root_guid for o in placed[1:]}
        assert [d.root_guid for d in in_house] == sorted(d.root_guid for d in in_house)
        assert len(lookup.select(house_guids=[house.fias], include_archived=True)) == 6
        assert {d.device_type for d in lookup.select(device_types=["4"])} == {"4"}
        hot = lookup.select(resources=["2"])
        assert {d.house_guid for d in hot} == {house.fias, other.fias} and len(hot) == 3


def test_a_thousand_guids_in_one_call(db: Db) -> None:
    house = db.house(premises_count=100, rooms=0)
    placed = db.run_import(import_request([db.dev(house, "ResidentialPremiseDevice", [p]) for p in house.premises]))
    wanted = [o.version_guid or "" for o in placed] + [str(uuid.uuid4()) for _ in range(900)]
    with db.store.reading() as conn:
        started = time.perf_counter()
        found = SqlMeteringDeviceLookup(conn).find_many(wanted)
        elapsed = time.perf_counter() - started
    assert len(found) == 100 and elapsed < 2.0


def test_meters_seeded_straight_into_the_store_read_as_placed_ones(db: Db) -> None:
    """``testkit.seeds.add_meters`` (the 100 000-meter benchmarks' set-up) writes what the area reads."""
    house = db.house(rooms=0)
    with db.store.writing() as conn:
        roots = add_meters(conn, db.org_a, house, resource="2", base="7.5")
    assert len(roots) == len(house.premises)
    with db.store.reading() as conn:
        found = SqlMeteringDeviceLookup(conn).find_many(roots)
    device = found[roots[0]]
    assert (device.house_guid, device.resources, device.device_type, device.energy) == (house.fias, ("2",), "1", False)
    assert device.base_values == {("2", 1): Decimal("7.5")} and device.owner_org_id == db.org_a
    assert not device.archived and device.commissioned is not None
