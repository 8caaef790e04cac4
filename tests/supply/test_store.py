"""Supply contracts through the handlers and the supply port on SQLite and PostgreSQL (no HTTP).

Every request and result here is checked under the real XSD by the rig (tests/supply/rig.py)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import event, func, select

from hub.areas.supply import usecase
from hub.areas.supply.lookup import SqlSupplyLookup
from hub.areas.supply.tables import supply_contracts
from testkit.supply import Drso, Obj, Subj, export_request, import_request
from tests.supply.rig import Db, commons, error_code, exported

D = date.fromisoformat


def _house() -> str:
    return str(uuid.uuid4())


def _place(db: Db, *contracts: Drso, sender: int | None = None) -> list[str]:
    """Import, assert every contract succeeded, return their root GUIDs."""
    got = commons(db.run_import(import_request(contracts), sender))
    assert all(c.ok for c in got), got
    return [c.root_guid or "" for c in got]


def test_a_contract_grants_its_houses_and_resources_within_its_dates(db: Db) -> None:
    house, other_house, flat_house = _house(), _house(), _house()
    contract = Drso(
        objects=[Obj(house, (0, 1)), Obj(other_house, (0,), end="2024-06-30"), Obj(flat_house, (2,), apartment="5")],
        subjects=[Subj("3", "2"), Subj("4", "4", start="2024-03-01"), Subj("99", "1")],
        effective="2024-01-01",
        completion="2025-12-31",
    )
    result = db.run_import(import_request([contract]))
    (common,) = commons(result)
    assert common.ok and common.guid and common.root_guid and common.transport_guid == contract.transport

    houses = [house, other_house, flat_house, _house()]
    assert db.supplied(db.rso, houses, D("2024-02-01")) == {house: {"2"}, other_house: {"2"}}
    assert db.supplied(db.rso, [h.upper() for h in houses], D("2024-03-01")) == {house: {"2", "5"}, other_house: {"2"}}
    assert db.supplied(db.rso, houses, D("2024-07-01")) == {house: {"2", "5"}}
    assert db.supplied(db.rso, houses, D("2023-12-31")) == {}  # before EffectiveDate
    assert db.supplied(db.rso, houses, D("2026-01-01")) == {}  # after ComptetionDate
    assert db.supplied(db.rso2, houses, D("2024-07-01")) == {}  # another РСО supplies nothing here
    assert db.suppliers(house, D("2024-07-01")) == {db.rso: {"2", "5"}}
    assert db.suppliers(flat_house, D("2024-07-01")) == {}  # NSI 239 code 1: not in the table, no right


def test_a_new_version_replaces_the_old_one(db: Db) -> None:
    house, moved_to = _house(), _house()
    (root,) = _place(db, Drso(objects=[Obj(house)]))
    v1 = exported(db.run_export(export_request("ContractRootGUID", [root])))[0].findtext("{*}ContractGUID")

    update = db.run_import(import_request([Drso(objects=[Obj(moved_to)], number="ДРСО-1/2", root_guid=root)]))
    (common,) = commons(update)
    assert common.ok and common.root_guid == root and common.guid != v1
    assert db.supplied(db.rso, [house, moved_to], D("2024-06-01")) == {moved_to: {"2"}}

    current = db.run_export(export_request("ContractRootGUID", [root], version="11.11.0.2"))
    (contract,) = exported(current)
    assert (
        contract.findtext("{*}VersionNumber") == "2"
        and contract.findtext("{*}IsContract/{*}ContractNumber") == "ДРСО-1/2"
    )
    old = exported(db.run_export(export_request("ContractGUID", [v1 or ""])))
    assert [c.findtext("{*}VersionNumber") for c in old] == ["1"]

    stale = commons(db.run_import(import_request([Drso(objects=[Obj(house)], version_guid=v1)])))
    assert stale[0].errors == ("INT910006",)
    with db.store.reading() as conn:
        assert conn.execute(select(func.count()).where(supply_contracts.c.root_guid == root)).scalar_one() == 2


def test_termination_and_annulment_end_the_rights(db: Db) -> None:
    house = _house()
    ended, annulled = _place(
        db, Drso(objects=[Obj(house)]), Drso(objects=[Obj(house, (0,))], subjects=[Subj("4", "4")])
    )
    result = db.run_import(
        import_request([Drso(root_guid=ended, terminate="2024-06-30"), Drso(root_guid=annulled, annul="")])
    )
    assert [c.errors for c in commons(result)] == [(), ()]
    assert db.supplied(db.rso, [house], D("2024-06-29")) == {house: {"2"}}
    assert db.supplied(db.rso, [house], D("2024-06-30")) == {}

    page = db.run_export(export_request("ContractRootGUID", [ended, annulled]))
    statuses = {c.findtext("{*}ContractRootGUID"): c.findtext("{*}VersionStatus") for c in exported(page)}
    assert statuses == {ended: "Terminated", annulled: "Annul"}
    again = commons(db.run_import(import_request([Drso(objects=[Obj(house)], root_guid=ended)])))
    assert again[0].errors == ("INT910003",)


def test_a_prolonged_contract_is_a_new_version_in_force_to_the_new_date(db: Db) -> None:
    house, forever = _house(), _house()
    subjects = [Subj(end="2025-12-31"), Subj("4", "4", end="2025-06-30")]
    (root,) = _place(db, Drso(objects=[Obj(house, (0, 1))], subjects=subjects, completion="2025-12-31"))
    (indefinite,) = _place(db, Drso(objects=[Obj(forever)]))
    result = db.run_import(
        import_request(
            [
                Drso(root_guid=root, roll_over="2026-12-31"),
                Drso(root_guid=indefinite, roll_over="2026-12-31"),
            ]
        )
    )
    assert [c.errors for c in commons(result)] == [(), ("INT910008",)]
    earlier = db.run_import(import_request([Drso(root_guid=root, roll_over="2026-06-30")]))
    assert [c.errors for c in commons(earlier)] == [("INT910009",)]  # not after the new expiration
    unnamed = import_request([Drso(root_guid=root, roll_over="2027-06-30")])
    unnamed[0].remove(unnamed[0].find("{*}ContractRootGUID"))  # RollOverContract naming no contract
    assert [c.errors for c in commons(db.run_import(unnamed))] == [("INT910004",)]
    # the subject that ended with the contract goes on; the one that ended earlier does not
    assert db.supplied(db.rso, [house], D("2026-06-01")) == {house: {"2"}}
    assert db.supplied(db.rso, [house], D("2027-01-01")) == {}
    (contract,) = exported(db.run_export(export_request("ContractRootGUID", [root])))
    assert contract.findtext("{*}VersionNumber") == "2"
    assert contract.findtext(".//{*}ComptetionDate") == "2026-12-31"


def test_object_errors_carry_their_transport_guid_and_the_rest_applies(db: Db) -> None:
    house = _house()
    (theirs,) = _place(db, Drso(objects=[Obj(house)]), sender=db.rso2)
    contracts = [
        Drso(objects=[Obj(house)]),
        Drso(objects=[Obj(house)], subjects=[Subj(start="2024-05-01", end="2024-04-01")]),
        Drso(root_guid=theirs, terminate="2024-12-31"),
        Drso(root_guid=str(uuid.uuid4()), annul="x"),
        Drso(root_guid=theirs, roll_over="2026-01-01"),
        Drso(objects=[Obj(house)], effective="2024-05-01", completion="2024-04-30"),
        Drso(objects=[Obj(_house())]),
    ]
    request = import_request(contracts)
    request[2].remove(request[2].find("{*}ContractRootGUID"))  # TerminateContract naming no contract
    result = db.run_import(request, chunk=3)
    got = commons(result)
    assert [c.transport_guid for c in got] == [c.transport for c in contracts]
    assert [c.errors for c in got] == [
        (),
        ("INT910001",),
        ("INT910004",),
        ("INT002000",),
        ("AUT011003",),  # prolonging another organization's contract
        ("INT910002",),
        (),
    ]
    hijack = commons(db.run_import(import_request([Drso(root_guid=theirs, annul="чужой")])))
    assert hijack[0].errors == ("AUT011003",)
    assert db.supplied(db.rso2, [house], D("2024-06-01")) == {house: {"2"}}


def test_an_export_shows_only_the_senders_contracts(db: Db) -> None:
    house = _house()
    (root,) = _place(db, Drso(objects=[Obj(house)], number="ОБЩИЙ"))
    assert error_code(db.run_export(export_request("ContractRootGUID", [root]), db.rso2)) == "INT002012"
    assert error_code(db.run_export(export_request(house=house), db.rso2)) == "INT002012"
    assert [c.findtext("{*}ContractRootGUID") for c in exported(db.run_export(export_request(house=house)))] == [root]
    by_subject = db.run_export(export_request(number="ОБЩИЙ", subjects=[("2", "3")]))
    assert len(exported(by_subject)) == 1
    assert error_code(db.run_export(export_request(number="ОБЩИЙ", subjects=[("2", "4")]))) == "INT002012"


def test_criteria_export_pages_by_root_guid(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usecase, "PAGE_SIZE", 2)
    house = _house()
    roots = sorted(_place(db, *[Drso(objects=[Obj(house)]) for _ in range(5)]))
    seen: list[str] = []
    start = None
    for _ in range(3):
        page = db.run_export(export_request(house=house, start=start))
        seen += [c.findtext("{*}ContractRootGUID") or "" for c in exported(page)]
        start = page.findtext("{*}exportSupplyResourceContractResult/{*}ExportContractRootGUID")
        if start is None:
            assert page.findtext("{*}exportSupplyResourceContractResult/{*}IsLastPage") == "true"
            break
    assert seen == roots and start is None


def test_the_lookup_is_one_query_for_a_thousand_houses(db: Db) -> None:
    houses = [_house() for _ in range(1000)]
    _place(db, Drso(objects=[Obj(h) for h in houses[:300:3]]))
    statements: list[str] = []
    with db.store.reading() as conn:
        event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))
        found = SqlSupplyLookup(conn).supplied(db.rso, houses, D("2024-06-01"))
    assert len([s for s in statements if not s.startswith("BEGIN")]) == 1, statements
    assert set(found) == set(houses[:300:3]) and all(codes == {"2"} for codes in found.values())
