"""Houses over real HTTP on both shapes: signed import → Ack → worker → getState; export back."""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

from hub import ns
from testkit.answers import ack_guids, body_child
from testkit.elements import guid
from testkit.houses import (
    HouseShape,
    add_non_residential,
    add_residential,
    house_update,
    import_house_uo_apartment,
    update_residential,
)
from testkit.messages import signed
from tests.e2e.harness import HubUnderTest
from tests.houses.rig import Result, parse_results
from tests.houses.test_round_trip import assert_apartment_round_trip
from tests.real_contract import assert_valid_under_real_xsd

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE
SEED = "e2e-house"
FIAS = guid(SEED + ":fias")


def big_house() -> etree._Element:
    """МКД: 2 entrances, 100 residential premises (rooms in every third), 5 non-residential, a lift."""
    request = import_house_uo_apartment(
        shape=HouseShape(entrances=2, premises_per_entrance=50, rooms_per_premises=2, non_residential=5, lifts=1),
        seed=SEED,
    )
    for i, premises in enumerate(request.iter(f"{{{HM}}}ResidentialPremises")):
        if i % 3:
            for room in premises.findall(f"{{{HM}}}LivingRoomToCreate"):
                premises.remove(room)
    return request


def send(hut: HubUnderTest, request: etree._Element, org: str, operation: str, real_contract: Path) -> etree._Element:
    """Sign, post, poll to state 3; the getStateResult, checked under the real XSD."""
    sender = hut.orgs[org]
    body = etree.tostring(request, encoding="unicode")
    response = hut.post(signed(body, sender.identity, sender.ppaguid), soap_action=f"urn:{operation}")
    assert response.status_code == 200, response.text[:2000]
    hub_guid, _ = ack_guids(response.content)
    result = body_child(hut.poll(hub_guid, sender, timeout=60))
    assert result.findtext(f"{{{BASE}}}RequestState") == "3"
    assert_valid_under_real_xsd(result, real_contract)
    return result


def import_house(hut: HubUnderTest, request: etree._Element, real_contract: Path, org: str = "a") -> list[Result]:
    return parse_results(send(hut, request, org, "importHouseUOData", real_contract))


def export(
    hut: HubUnderTest, fias: str, real_contract: Path, version: str = "15.10.0.0", org: str = "a"
) -> etree._Element:
    from testkit.houses import export_house

    return send(hut, export_house(version=version, fias_house_guid=fias), org, "exportHouseData", real_contract)


def test_big_house_is_imported_and_exported_back_field_by_field(hut: HubUnderTest, real_contract: Path) -> None:
    request = big_house()
    results = import_house(hut, request, real_contract)
    transports = [el.text for el in request.iter(f"{{{BASE}}}TransportGUID")]
    assert [r.transport_guid for r in results] == transports
    assert all(r.ok for r in results), [r.errors for r in results if not r.ok][:3]
    assert results[0].guid == FIAS
    house_number = results[0].unique_number or ""
    assert len(house_number) == 8 and house_number[3:].isdigit()
    numbered = [r for r in results[1:] if r.unique_number]
    assert len(numbered) == 5 + 100 + 2 * 34  # non-residential, residential, rooms
    assert all(r.unique_number.startswith("9" + house_number) for r in numbered if r.unique_number)
    assert len({r.unique_number for r in numbered}) == len(numbered)
    assert all(uuid.UUID(r.guid or "").version == 7 for r in results[1:])
    assert results[0].element.find(f"{{{HM}}}ImportHouseUO") is not None
    # Everyone may read the public registry: organization b exports a's house.
    for version in ("15.10.0.0", "13.2.3.2"):
        exported = export(hut, FIAS, real_contract, version, org="b")
        assert_apartment_round_trip(request, exported)
        result = exported.find(f"{{{HM}}}exportHouseResult")
        assert result is not None and result.findtext(f"{{{HM}}}HouseUniqueNumber") == house_number
        guids = {
            el.text
            for el in exported.iter(
                f"{{{HM}}}PremisesGUID", f"{{{HM}}}LivingRoomGUID", f"{{{HM}}}EntranceGUID", f"{{{HM}}}LiftGUID"
            )
        }
        assert guids == {r.guid for r in results[1:]}


def test_rules_over_the_wire(hut: HubUnderTest, real_contract: Path) -> None:
    seed = f"rules-{hut.shape}"
    fias = guid(seed + ":fias")
    shape = HouseShape(entrances=1, premises_per_entrance=2, rooms_per_premises=1, non_residential=1, lifts=0)
    assert all(r.ok for r in import_house(hut, import_house_uo_apartment(shape=shape, seed=seed), real_contract))
    # INT004132: placed again.
    again = import_house(hut, import_house_uo_apartment(shape=shape, seed=seed), real_contract)
    assert again[0].code == "INT004132"
    # INT004171 for another organization, its objects fail naming the house.
    request, house = house_update(fias, seed=seed + "-b")
    add_residential(house, "9", seed + "-b")
    foreign = import_house(hut, request, real_contract, org="b")
    assert [r.code for r in foreign] == ["INT004171", "INT002034"]
    # INT002034, INT004057, INT004113, INT004059 and a failed parent's rooms, in one message.
    request, house = house_update(fias, seed=seed + "-mix")
    update_residential(house, guid("missing"), seed + "-mix", number="1")
    add_residential(house, "1", seed + "-dup", rooms=("1",))
    add_residential(house, "50", seed + "-rooms", rooms=("1", "1"))
    add_non_residential(house, "Н1", seed + "-nr")
    codes = [r.code for r in import_house(hut, request, real_contract)]
    assert codes == [None, "INT004113", "INT002034", "INT004057", "INT002034", None, None, "INT004059"]
    exported = export(hut, fias, real_contract)
    numbers = [el.text for el in exported.iter(f"{{{HM}}}PremisesNum")]
    assert sorted(numbers, key=str) == sorted(["1", "2", "50", "Н1"], key=str)


def test_unknown_house_export_is_int002012(hut: HubUnderTest, real_contract: Path) -> None:
    result = export(hut, guid("no-such-house"), real_contract)
    assert result.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"
