"""Supply contracts over real HTTP on both shapes: an РСО places and exports its contract, a УО is
refused, another РСО sees nothing of it, object errors come back with their TransportGUID, and
the supply port answers from what was imported."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from lxml import etree

from hub.areas.supply.lookup import SqlSupplyLookup
from testkit.messages import signed
from testkit.supply import Drso, Obj, Subj, export_request, import_request
from tests.accounts.test_e2e import send
from tests.e2e.harness import HubUnderTest
from tests.real_contract import assert_valid_under_real_xsd
from tests.supply.rig import commons, error_code, exported

HM_NS = "http://dom.gosuslugi.ru/schema/integration/house-management/"


def test_an_rso_places_its_contract_and_only_it_sees_it(hut: HubUnderTest, real_contract: Path) -> None:
    rso, rso2, uo = hut.orgs["rso"], hut.orgs["rso2"], hut.orgs["a"]
    house = str(uuid.uuid4())  # no management company has placed it: recorded by FIAS GUID all the same
    contract = Drso(objects=[Obj(house, (0, 1))], subjects=[Subj("3", "2"), Subj("4", "4")], number="E2E-1")
    request = import_request([contract])
    assert_valid_under_real_xsd(request, real_contract)
    state = send(hut, rso, request, "importSupplyResourceContractData")
    assert_valid_under_real_xsd(state, real_contract)
    import_result = state.find(f"{{{HM_NS}}}ImportResult")
    assert import_result is not None
    (common,) = commons(import_result)
    assert common.ok and common.transport_guid == contract.transport and common.root_guid

    export = export_request("ContractRootGUID", [common.root_guid], version="11.11.0.2")
    assert_valid_under_real_xsd(export, real_contract)
    mine = send(hut, rso, export, "exportSupplyResourceContractData")
    assert_valid_under_real_xsd(mine, real_contract)
    (exported_contract,) = exported(mine)
    assert exported_contract.findtext(f"{{{HM_NS}}}ContractGUID") == common.guid
    assert [
        s.findtext("{*}MunicipalResource/{*}Code") for s in exported_contract.iterfind(f"{{{HM_NS}}}ContractSubject")
    ] == ["3", "4"]

    theirs = send(hut, rso2, export_request(house=house), "exportSupplyResourceContractData")
    assert_valid_under_real_xsd(theirs, real_contract)
    assert error_code(theirs) == "INT002012" and exported(theirs) == []

    body = signed(etree.tostring(request, encoding="unicode"), uo.identity, uo.ppaguid)
    assert "РСО" in hut.refused(body, "AUT011003", soap_action="urn:importSupplyResourceContractData")

    with hut.hub.store.reading() as conn:
        lookup = SqlSupplyLookup(conn)
        assert lookup.supplied(rso.id, [house], date(2024, 6, 1)) == {house: {"2", "5"}}
        assert lookup.supplied(rso2.id, [house], date(2024, 6, 1)) == {}


def test_object_errors_carry_their_transport_guid(hut: HubUnderTest, real_contract: Path) -> None:
    rso = hut.orgs["rso"]
    house = str(uuid.uuid4())
    contracts = [
        Drso(objects=[Obj(house)]),
        Drso(objects=[Obj(house)], subjects=[Subj(start="2024-05-01", end="2024-01-01")]),
        Drso(root_guid=str(uuid.uuid4()), roll_over="2026-01-01"),
        Drso(objects=[Obj(house)], number="E2E-3"),
    ]
    state = send(hut, rso, import_request(contracts), "importSupplyResourceContractData")
    assert_valid_under_real_xsd(state, real_contract)
    import_result = state.find(f"{{{HM_NS}}}ImportResult")
    assert import_result is not None
    got = commons(import_result)
    assert [c.transport_guid for c in got] == [c.transport for c in contracts]
    assert [c.errors for c in got] == [(), ("INT910001",), ("INT002000",), ()]  # prolonging no contract
