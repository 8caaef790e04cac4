"""exportAccountData against the store: what is exported, to whom, valid under the real XSD."""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree
from sqlalchemy import update

from hub.areas.houses.tables import houses
from testkit.accounts import Acc, export_request, import_request
from testkit.seeds import House
from tests.accounts.results import ACC, HM, IND, Common, assert_real, commons, error_code, exported
from tests.accounts.rig import Db

NSI = "http://dom.gosuslugi.ru/schema/integration/nsi-base/"


def _populate(db: Db) -> tuple[House, list[Common]]:
    number = f"А-{uuid.uuid4().hex[:8]}"
    house = db.house(premises_count=4, rooms=1)
    accounts = [
        Acc([("PremisesGUID", house.premises[0], "50.5")], payer="snils", number=number),
        Acc([("PremisesGUID", house.premises[1], None)], payer="document", kind="isCRAccount"),
        Acc([("LivingRoomGUID", house.rooms[0], "100")], payer="org", kind="isRSOAccount"),
        Acc([("FIASHouseGuid", house.fias, None)], payer="none", kind="isTKOAccount"),
        Acc([("PremisesGUID", house.premises[2], "100")], payer="snils"),
    ]
    got = commons(db.run_import(import_request(accounts)))
    assert all(c.ok for c in got), got
    closing = Acc([], account_guid=got[4].guid, closed=True)
    assert commons(db.run_import(import_request([closing])))[0].ok
    return house, got


def _by_guid(results: list[etree._Element]) -> dict[str, etree._Element]:
    return {r.findtext(f"{{{HM}}}AccountGUID") or "": r for r in results}


def test_export_by_house_returns_every_account_with_all_it_was_given(db: Db, real_contract: Path) -> None:
    house, created = _populate(db)
    container = db.run_export(export_request("FIASHouseGuid", [house.fias]))
    results = exported(container)
    assert_real(results, real_contract)
    found = _by_guid(results)
    assert set(found) == {c.guid for c in created}
    first = found[created[0].guid or ""]
    assert (first.findtext(f"{{{HM}}}AccountNumber") or "").startswith("А-")
    assert first.findtext(f"{{{HM}}}Accommodation/{{{HM}}}SharePercent") == "50.5"
    assert first.findtext(f"{{{HM}}}PayerInfo/{{{HM}}}Ind/{{{IND}}}SNILS") == "12345678901"
    assert first.findtext(f"{{{HM}}}PayerInfo/{{{HM}}}IsRenter") == "true"
    assert first.findtext(f"{{{ACC}}}UnifiedAccountNumber") == created[0].els
    assert first.findtext(f"{{{ACC}}}ServiceID") == created[0].service_id
    assert first.find(f"{{{HM}}}AccountReasons/{{{HM}}}SupplyResourceContract") is not None
    document = found[created[1].guid or ""].find(f"{{{HM}}}PayerInfo/{{{HM}}}Ind/{{{HM}}}ID")
    assert document is not None
    assert document.findtext(f"{{{HM}}}Type/{{{NSI}}}Name") == "Паспорт"  # the hub's NSI element
    assert document.findtext(f"{{{HM}}}Number") == "123456"
    assert found[created[2].guid or ""].find(f"{{{HM}}}isRSOAccount") is not None
    assert found[created[2].guid or ""].find(f"{{{HM}}}PayerInfo/{{{HM}}}Org") is not None
    assert found[created[3].guid or ""].findtext(f"{{{HM}}}Accommodation/{{{HM}}}FIASHouseGuid") == house.fias
    closed = found[created[4].guid or ""]
    assert closed.findtext(f"{{{HM}}}Closed/{{{HM}}}CloseDate") == "2025-12-31"
    assert closed.findtext(f"{{{HM}}}Closed/{{{HM}}}CloseReason/{{{NSI}}}Code") == "1"
    # closed: the accommodations it had are kept
    assert closed.findtext(f"{{{HM}}}Accommodation/{{{HM}}}PremisesGUID") == house.premises[2]


def test_export_by_guid_els_and_service_id(db: Db) -> None:
    _house, created = _populate(db)
    for by, values in (
        ("AccountGUID", [created[0].guid, created[1].guid]),
        ("UnifiedAccountNumber", [created[0].els, created[1].els]),
        ("ServiceID", [created[0].service_id, created[1].service_id]),
    ):
        results = exported(db.run_export(export_request(by, [v or "" for v in values])))
        assert set(_by_guid(results)) == {created[0].guid, created[1].guid}, by


def test_another_organization_sees_nothing_of_these_accounts(db: Db) -> None:
    house, created = _populate(db)
    for by, values in (
        ("FIASHouseGuid", [house.fias]),
        ("AccountGUID", [c.guid for c in created]),
        ("UnifiedAccountNumber", [c.els for c in created]),
        ("ServiceID", [c.service_id for c in created]),
    ):
        container = db.run_export(export_request(by, [v or "" for v in values]), db.org_b)
        assert error_code(container) == "INT002012", by
        assert exported(container) == []
    # its own account in the same list is exported, the others are silently left out
    own_house = db.house(manager=db.org_b)
    own = commons(db.run_import(import_request([Acc([("PremisesGUID", own_house.premises[0], "1")])]), db.org_b))
    mixed = export_request("AccountGUID", [created[0].guid or "", own[0].guid or ""])
    assert set(_by_guid(exported(db.run_export(mixed, db.org_b)))) == {own[0].guid}


def test_the_new_manager_of_the_house_sees_its_accounts(db: Db) -> None:
    house, created = _populate(db)
    with db.store.writing() as conn:
        conn.execute(update(houses).where(houses.c.guid == house.fias).values(manager_org_id=db.org_b))
    as_manager = exported(db.run_export(export_request("FIASHouseGuid", [house.fias]), db.org_b))
    assert len(as_manager) == len(created)
    as_owner = exported(db.run_export(export_request("AccountGUID", [c.guid or "" for c in created])))
    assert len(as_owner) == len(created)


def test_export_of_an_unknown_house_is_int002012(db: Db) -> None:
    container = db.run_export(export_request("FIASHouseGuid", ["8e1a0c57-6b0f-4f8b-9b43-7b2bb9d4c001"]))
    assert error_code(container) == "INT002012"
