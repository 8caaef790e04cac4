"""The issue's whole story over real HTTP, on both shapes: a house, then 100 accounts on it.

A signed importHouseUOData (МКД: 2 entrances, 100 residential premises with rooms in some,
5 non-residential, a lift), then a signed importAccountData with 100 accounts on the premises
GUIDs the hub returned; both exports return what was imported; everything validates under the
real XSD; another organization sees none of the accounts.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hub import ns
from testkit.accounts import Acc, export_request, import_request
from tests.e2e.harness import HubUnderTest
from tests.houses.test_e2e import FIAS, big_house, export, import_house, send

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE


def test_house_then_hundred_accounts_then_both_exports(hut: HubUnderTest, real_contract: Path) -> None:
    request = big_house()
    results = import_house(hut, request, real_contract)
    assert all(r.ok for r in results)
    transport_of_residential = {
        el.findtext(f"{{{BASE}}}TransportGUID") for el in request.iter(f"{{{HM}}}ResidentialPremisesToCreate")
    }
    premises = [r.guid for r in results if r.transport_guid in transport_of_residential]
    assert len(premises) == 100 and all(premises)

    accounts = [
        Acc(places=[("PremisesGUID", guid, "100")], number=f"ЛС-{i:03d}-{uuid.uuid4().hex[:4]}")
        for i, guid in enumerate(premises)
        if guid
    ]
    imported = send(hut, import_request(accounts), "a", "importAccountData", real_contract)
    commons = imported.findall(f".//{{{HM}}}CommonResult")
    assert len(commons) == 100
    assert all(c.find(f"{{{BASE}}}Error") is None for c in commons)
    els = f"{{{HM}}}ImportAccount/{{{ns.ACCOUNT_BASE}}}UnifiedAccountNumber"
    unified = {c.findtext(els) for c in commons}
    numbers = {c.findtext(f"{{{BASE}}}UniqueNumber") for c in commons}
    assert len(unified) == 100 and len(numbers) == 100 and None not in unified | numbers

    exported = send(hut, export_request("FIASHouseGuid", [FIAS]), "a", "exportAccountData", real_contract)
    got = {el.findtext(f"{{{HM}}}AccountNumber") for el in exported.iter(f"{{{HM}}}exportAccountResult")}
    assert got == {a.number for a in accounts}
    house = export(hut, FIAS, real_contract)
    assert len(list(house.iter(f"{{{HM}}}ResidentialPremises"))) == 100

    # Personal data stays with the house's manager: organization b sees none of the accounts.
    other = send(hut, export_request("FIASHouseGuid", [FIAS]), "b", "exportAccountData", real_contract)
    assert other.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"
