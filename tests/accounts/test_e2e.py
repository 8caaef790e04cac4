"""Accounts over real HTTP on both shapes: 100 accounts in, all of them out, nobody else's."""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from hub.areas.accounts.tables import accounts
from testkit.accounts import Acc, export_request, import_request
from testkit.answers import ack_guids, body_child
from testkit.messages import BASE, signed
from testkit.seeds import House, add_house
from tests.accounts.results import HM, commons, error_code, exported
from tests.e2e.harness import HubUnderTest, Org
from tests.real_contract import assert_valid_under_real_xsd


def send(hut: HubUnderTest, org: Org, request: etree._Element, action: str) -> etree._Element:
    """Sign, post, poll: the getStateResult element (state 3)."""
    body = etree.tostring(request, encoding="unicode")
    response = hut.post(signed(body, org.identity, org.ppaguid), soap_action=f"urn:{action}")
    assert response.status_code == 200, response.text[:2000]
    hub_guid, _ = ack_guids(response.content)
    result = body_child(hut.poll(hub_guid, org, timeout=60))
    assert result.findtext(f"{{{BASE}}}RequestState") == "3"
    return result


def new_house(hut: HubUnderTest, org: Org, premises: int) -> House:
    with hut.hub.store.writing() as conn:
        return add_house(conn, org.id, premises_count=premises, rooms=0)


def test_hundred_accounts_in_and_out(hut: HubUnderTest, real_contract: Path) -> None:
    org, other = hut.orgs["a"], hut.orgs["b"]
    house = new_house(hut, org, 100)
    tag = uuid.uuid4().hex[:6]
    request = import_request(
        [Acc([("PremisesGUID", p, "100")], number=f"{tag}-{i:03d}") for i, p in enumerate(house.premises)]
    )
    state = send(hut, org, request, "importAccountData")
    assert_valid_under_real_xsd(state, real_contract)
    import_result = state.find(f"{{{HM}}}ImportResult")
    assert import_result is not None
    got = commons(import_result)
    assert len(got) == 100 and all(c.ok for c in got)
    assert [c.transport_guid for c in got] == [a.findtext(f"{{{BASE}}}TransportGUID") for a in request]
    for attr in ("guid", "unique_number", "els", "service_id"):
        assert len({getattr(c, attr) for c in got}) == 100, attr

    everything = send(hut, org, export_request("FIASHouseGuid", [house.fias]), "exportAccountData")
    assert_valid_under_real_xsd(everything, real_contract)
    results = exported(everything)
    assert {r.findtext(f"{{{HM}}}AccountGUID") for r in results} == {c.guid for c in got}

    # Another organization: nothing by house or by GUID, and no update through a GUID.
    theirs = send(hut, other, export_request("AccountGUID", [c.guid or "" for c in got[:5]]), "exportAccountData")
    assert error_code(theirs) == "INT002012" and exported(theirs) == []
    by_house = send(hut, other, export_request("FIASHouseGuid", [house.fias]), "exportAccountData")
    assert error_code(by_house) == "INT002012"
    hijack = import_request([Acc([("PremisesGUID", house.premises[0], "100")], account_guid=got[0].guid)])
    refused = send(hut, other, hijack, "importAccountData").find(f"{{{HM}}}ImportResult")
    assert refused is not None and [c.errors for c in commons(refused)] == [("AUT011003",)]


def test_per_object_errors_do_not_fail_the_rest(hut: HubUnderTest, real_contract: Path) -> None:
    org = hut.orgs["a"]
    house = new_house(hut, org, 2)
    request = import_request(
        [
            Acc([("PremisesGUID", house.premises[0], "100")]),
            Acc([("PremisesGUID", str(uuid.uuid4()), "100")]),
            Acc([("PremisesGUID", house.premises[0], "1")]),
            Acc([("PremisesGUID", house.premises[1], "100")]),
        ]
    )
    state = send(hut, org, request, "importAccountData")
    assert_valid_under_real_xsd(state, real_contract)
    import_result = state.find(f"{{{HM}}}ImportResult")
    assert import_result is not None
    assert [c.errors for c in commons(import_result)] == [(), ("INT002034",), ("INT908002",), ()]
    with hut.hub.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(accounts)).scalar_one() >= 2
