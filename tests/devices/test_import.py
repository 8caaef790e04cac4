"""The import and export rules through the handlers on SQLite and PostgreSQL: who may (УО by
management, РСО by supply of the resource), the object-level controls, versions, idempotence."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from hub.areas.devices.tables import metering_device_versions, metering_devices
from testkit.devices import Dev, archive, export_request, import_request, replace, update_before
from tests.devices.rig import Db, exported_roots

RES = "ResidentialPremiseDevice"


def test_a_supplier_places_devices_only_for_the_resources_it_supplies(db: Db) -> None:
    house = db.house()
    db.supply.contracts[(db.rso, house.fias)] = frozenset({"1"})
    cold = db.dev(house, "ResidentialPremiseDevice", [house.premises[0]], ("1",))
    hot = db.dev(house, "ResidentialPremiseDevice", [house.premises[1]], ("2",))
    outcomes = db.run_import(import_request([cold, hot]), sender=db.rso)
    assert [o.errors for o in outcomes] == [(), ("AUT011003",)]

    elsewhere = db.house(manager=db.org_b)
    refused = db.run_import(import_request([Dev("CollectiveDevice", [elsewhere.fias], ("1",))]), sender=db.rso)
    assert [o.errors for o in refused] == [("INT004171",)]


def test_a_supplier_sees_the_devices_of_its_resources_and_its_own(db: Db) -> None:
    house = db.house()
    placed = db.run_import(
        import_request(
            [
                db.dev(house, "ResidentialPremiseDevice", [house.premises[0]], ("1",)),
                db.dev(house, "ResidentialPremiseDevice", [house.premises[1]], ("2",)),
            ]
        )
    )
    assert all(not o.errors for o in placed)
    assert exported_roots(db.run_export(export_request(house=house.fias), sender=db.rso)) == [""]  # INT002012
    db.supply.contracts[(db.rso, house.fias)] = frozenset({"1"})
    assert exported_roots(db.run_export(export_request(house=house.fias), sender=db.rso)) == [placed[0].root_guid]
    assert exported_roots(db.run_export(export_request(house=house.fias))) == [o.root_guid for o in placed]
    assert exported_roots(db.run_export(export_request(house=house.fias), sender=db.org_b)) == [""]


def test_object_controls_fail_their_object_only(db: Db) -> None:
    house = db.house(rooms=1)
    other = db.house()
    duplicate = db.dev(house, "ResidentialPremiseDevice", [house.premises[0]], ("1",), number="N-1")
    outcomes = db.run_import(
        import_request(
            [
                duplicate,
                db.dev(
                    house, "ResidentialPremiseDevice", [house.premises[1]], ("1",), number="N-1"
                ),  # same house and resource
                db.dev(
                    house, "ResidentialPremiseDevice", [house.premises[1]], ("2",), number="N-1"
                ),  # another resource
                db.dev(
                    house, "ResidentialPremiseDevice", [house.premises[2]], installation="2025-01-01"
                ),  # commissioned before
                db.dev(house, "ResidentialPremiseDevice", [house.premises[2]], ("1", "3")),  # electricity as NotEnergy
                db.dev(house, "ResidentialPremiseDevice", [house.premises[2]], ("1", "1")),  # a resource twice
                db.dev(house, "CollectiveApartmentDevice", [house.premises[2], other.premises[0]]),  # two houses
                db.dev(house, "LivingRoomDevice", [house.premises[2]]),  # a premises is not a room
                db.dev(house, "LivingRoomDevice", list(house.rooms)),
                Dev("ResidentialPremiseDevice", [house.premises[2]], accounts=[str(uuid.uuid4())]),
                Dev("ResidentialPremiseDevice", [house.premises[2]], accounts=[db.account(other)]),
            ]
        )
    )
    assert [o.errors for o in outcomes] == [
        (),
        ("INT911001",),
        (),
        ("INT911007",),
        ("INT911008",),
        ("INT911006",),
        ("INT911009",),
        ("INT002034",),
        (),
        ("INT002000",),
        ("INT911011",),
    ]


def test_versions_archive_and_replacement(db: Db) -> None:
    house = db.house()
    first, second, third = db.run_import(
        import_request(
            [
                db.dev(house, "ResidentialPremiseDevice", [house.premises[0]]),
                db.dev(house, "ResidentialPremiseDevice", [house.premises[0]]),
                db.dev(house, "ResidentialPremiseDevice", [house.premises[1]]),
            ]
        )
    )
    assert first.version_guid and second.version_guid and third.version_guid
    kind_changed = update_before(first.version_guid, db.dev(house, "NonResidentialPremiseDevice", [house.premises[0]]))
    assert [o.errors for o in db.run_import(kind_changed)] == [("INT911005",)]
    unknown = db.run_import(archive("0190b2a4-0000-7000-8000-000000000000"))
    assert [o.errors for o in unknown] == [("INT002000",)]
    assert [o.errors for o in db.run_import(replace(first.version_guid, first.version_guid))] == [("INT911010",)]
    assert [o.errors for o in db.run_import(replace(first.version_guid, third.version_guid))] == [()]
    # the replacement took: the old device is archived, the new one already replaces it
    assert [o.errors for o in db.run_import(replace(first.version_guid, second.version_guid))] == [("INT911002",)]
    (archived,) = db.run_import(archive(second.version_guid))
    assert archived.errors == () and archived.root_guid == second.root_guid
    with db.store.reading() as conn:
        assert conn.execute(select(func.count()).select_from(metering_devices)).scalar_one() == 3
        # three placed, a new version each of the replaced, the replacing and the archived one
        assert conn.execute(select(func.count()).select_from(metering_device_versions)).scalar_one() == 6


def test_another_management_company_may_not_change_a_device(db: Db) -> None:
    house = db.house()
    (placed,) = db.run_import(import_request([db.dev(house, "ResidentialPremiseDevice", [house.premises[0]])]))
    assert placed.version_guid
    assert [o.errors for o in db.run_import(archive(placed.version_guid), sender=db.org_b)] == [("INT004171",)]


def test_a_message_processed_twice_places_each_device_once(db: Db) -> None:
    house = db.house()
    request = import_request([db.dev(house, "ResidentialPremiseDevice", [p]) for p in house.premises])
    entry = db.entry(db.org_a, "importMeteringDeviceData")
    first = db.run_import(request, entry=entry)
    again = db.run_import(request, entry=entry)
    assert first == again and all(not o.errors for o in first)
    with db.store.reading() as conn:
        assert conn.execute(select(func.count()).select_from(metering_devices)).scalar_one() == 3
