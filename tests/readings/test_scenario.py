"""The resource-supply scenario over real HTTP on both shapes, every area real.

An РСО gets a supply contract (hot water) for a house of 1000 premises that a УО manages and has
opened accounts in; the РСО places a device in every premises (10 messages of 100), sends ten
months of readings (10 messages × 1000), some of them wrong, and exports everything. The wrong
ones come back with their codes and TransportGUIDs while the rest is stored; the house's
manager may send readings too, another УО and another РСО are refused and see nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from hub import ns
from hub.areas.readings.tables import meter_readings
from testkit.accounts import Acc
from testkit.accounts import import_request as import_accounts
from testkit.answers import ack_guids, body_child
from testkit.devices import Dev, place_devices
from testkit.devices import export_request as export_devices
from testkit.messages import signed
from testkit.readings import ELECTRIC, Val, export_history, import_values
from testkit.readings import Dev as Values
from testkit.seeds import add_house
from testkit.supply import Drso, Obj, Subj
from testkit.supply import export_request as export_contracts
from testkit.supply import import_request as import_contracts
from tests.accounts.results import HM, commons
from tests.accounts.test_e2e import send
from tests.e2e.harness import HubUnderTest, Org
from tests.real_contract import assert_valid_under_real_xsd

DM_PATH = "/ext-bus-device-metering-service/services/DeviceMeteringAsync"
DM, BASE = ns.DEVICE_METERING, ns.BASE
PREMISES = 1000
HOT_WATER_239, HOT_WATER_2 = "3", "2"  # NSI 239 «Горячая вода» counts as NSI 2 «Горячая вода»


def send_readings(
    hut: HubUnderTest, org: Org, request: etree._Element, action: str, real_contract: Path
) -> etree._Element:
    """Sign, post to DeviceMeteringAsync, poll: the getStateResult (state 3, valid under the real XSD)."""
    response = hut.post(
        signed(etree.tostring(request, encoding="unicode"), org.identity, org.ppaguid),
        soap_action=f"urn:{action}",
        path=DM_PATH,
    )
    assert response.status_code == 200, response.text[:2000]
    hub_guid, _ = ack_guids(response.content)
    state = body_child(hut.poll(hub_guid, org, timeout=120, path=DM_PATH))
    assert state.findtext(f"{{{BASE}}}RequestState") == "3"
    assert_valid_under_real_xsd(state, real_contract)
    return state


def outcomes(state: etree._Element) -> dict[str, tuple[str, ...]]:
    """TransportGUID → error codes (empty: accepted) of every ImportResult."""
    return {
        r.findtext(f"{{{BASE}}}TransportGUID") or "": tuple(
            e.text or "" for e in r.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")
        )
        for r in state.iterfind(f"{{{DM}}}ImportResult")
    }


def whole_message_error(state: etree._Element) -> str | None:
    return state.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode")


def test_an_rso_supplies_places_devices_sends_readings_and_exports(hut: HubUnderTest, real_contract: Path) -> None:
    uo, other_uo, rso, other_rso = hut.orgs["a"], hut.orgs["b"], hut.orgs["rso"], hut.orgs["rso2"]
    with hut.hub.store.writing() as conn:
        house = add_house(conn, uo.id, premises_count=PREMISES, rooms=0)

    # the manager opens an account in every premises (devices are linked to accounts)
    tag = uuid.uuid4().hex[:6]
    accounts: list[str] = []
    for start in range(0, PREMISES, 100):
        batch = [
            Acc([("PremisesGUID", p, None)], number=f"{tag}-{start + i}")
            for i, p in enumerate(house.premises[start : start + 100])
        ]
        result = send(hut, uo, import_accounts(batch), "importAccountData").find(f"{{{HM}}}ImportResult")
        assert result is not None
        placed = commons(result)
        assert all(c.ok for c in placed), [c.errors for c in placed if not c.ok][:3]
        accounts += [c.guid or "" for c in placed]

    # the supplier's contract: hot water for the house
    contract = Drso(objects=[Obj(house=house.fias)], subjects=[Subj(resource=HOT_WATER_239)], number=f"ДРСО-{tag}")
    state = send(hut, rso, import_contracts([contract]), "importSupplyResourceContractData")
    assert_valid_under_real_xsd(state, real_contract)
    result = state.find(f"{{{HM}}}ImportResult")
    assert result is not None and [c.ok for c in commons(result)] == [True]

    # without a contract another РСО may place nothing there
    stray = Dev("ResidentialPremiseDevice", [house.premises[0]], (HOT_WATER_2,), accounts=[accounts[0]])
    refused = send(hut, other_rso, place_devices([stray])[0], "importMeteringDeviceData")
    result = refused.find(f"{{{HM}}}ImportResult")
    assert result is not None and all(c.errors for c in commons(result))

    # a hot-water meter in every premises, 10 messages of 100
    devices = [
        Dev("ResidentialPremiseDevice", [p], (HOT_WATER_2,), values=("1",), accounts=[a])
        for p, a in zip(house.premises, accounts, strict=True)
    ]
    roots: list[str] = []
    for request in place_devices(devices):
        state = send(hut, rso, request, "importMeteringDeviceData")
        result = state.find(f"{{{HM}}}ImportResult")
        assert result is not None
        placed = commons(result)
        assert all(c.ok for c in placed), [c.errors for c in placed if not c.ok][:3]
        roots += [c.findtext(f"{{{HM}}}importMeteringDevice/{{{HM}}}MeteringDeviceGUID") or "" for c in result]
    assert len(set(roots)) == PREMISES and all(roots)

    # ten months of readings, 1000 a message; the last message carries five wrong ones
    for month in range(1, 11):
        values = [
            Values(root, values=(Val((f"{month * 10 + i % 7}",), HOT_WATER_2, f"2026-{month:02d}-20", (2026, month)),))
            for i, root in enumerate(roots)
        ]
        bad: dict[str, set[str]] = {}
        if month == 10:
            bad_blocks = {
                0: (
                    Values(
                        str(uuid.uuid4()), values=(Val(("1",), HOT_WATER_2, "2026-10-20", transport=str(uuid.uuid4())),)
                    ),
                    {"INT002000"},
                ),
                1: (
                    Values(roots[1], values=(Val(("1",), HOT_WATER_2, "2026-10-20", transport=str(uuid.uuid4())),)),
                    {"INT912007"},
                ),
                2: (
                    Values(
                        roots[2],
                        kind=ELECTRIC,
                        values=(Val(("200",), HOT_WATER_2, "2026-10-20", transport=str(uuid.uuid4())),),
                    ),
                    {"INT912001"},
                ),
                3: (
                    Values(roots[3], values=(Val(("200",), "1", "2026-10-20", transport=str(uuid.uuid4())),)),
                    {"INT912002", "AUT011003"},
                ),  # not on the device; not supplied either
                4: (
                    Values(roots[4], values=(Val(("200",), HOT_WATER_2, "2027-01-20", transport=str(uuid.uuid4())),)),
                    {"INT912004"},
                ),
            }
            for index, (block, codes) in bad_blocks.items():
                values[index] = block
                bad[block.values[0].transport or ""] = codes
        state = send_readings(
            hut, rso, import_values(values, seed=f"{tag}-{month}"), "importMeteringDeviceValues", real_contract
        )
        answered = outcomes(state)
        assert len(answered) == PREMISES
        failed = {t: codes for t, codes in answered.items() if codes}
        assert set(failed) == set(bad)
        assert all(len(codes) == 1 and codes[0] in bad[t] for t, codes in failed.items()), failed

    with hut.hub.store.reading() as conn:
        stored = conn.execute(
            select(func.count()).select_from(meter_readings).where(meter_readings.c.device_root_guid.in_(roots))
        ).scalar_one()
    assert stored == 10 * PREMISES - 5

    # the manager of the house may send readings; another УО and another РСО are refused
    later = [Values(roots[10], values=(Val(("500",), HOT_WATER_2, "2026-11-20", (2026, 11)),))]
    assert set(
        outcomes(
            send_readings(hut, uo, import_values(later, seed=f"{tag}-uo"), "importMeteringDeviceValues", real_contract)
        ).values()
    ) == {()}
    for stranger in (other_uo, other_rso):
        state = send_readings(
            hut,
            stranger,
            import_values(later, seed=f"{tag}-{stranger.ppaguid}"),
            "importMeteringDeviceValues",
            real_contract,
        )
        assert set(outcomes(state).values()) == {("AUT011003",)}

    # every export
    history = send_readings(
        hut,
        rso,
        export_history(houses=[house.fias], resources=[HOT_WATER_2], date_from="2026-01-01", date_to="2026-12-01"),
        "exportMeteringDeviceHistory",
        real_contract,
    )
    exported = {
        r.findtext(f"{{{DM}}}MeteringDeviceRootGUID")
        for r in history.iterfind(f"{{{DM}}}exportMeteringDeviceHistoryResult")
    }
    assert exported == set(roots)
    state = send_readings(
        hut,
        other_rso,
        export_history(houses=[house.fias], resources=[HOT_WATER_2]),
        "exportMeteringDeviceHistory",
        real_contract,
    )
    assert whole_message_error(state) == "INT002012"

    state = send(hut, rso, export_devices(house=house.fias), "exportMeteringDeviceData")
    assert_valid_under_real_xsd(state, real_contract)
    assert {
        r.findtext(f"{{{HM}}}MeteringDeviceRootGUID") for r in state.iterfind(f"{{{HM}}}exportMeteringDeviceDataResult")
    } == set(roots)
    state = send(hut, other_rso, export_devices(house=house.fias), "exportMeteringDeviceData")
    assert state.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"

    state = send(hut, rso, export_contracts(house=house.fias), "exportSupplyResourceContractData")
    assert_valid_under_real_xsd(state, real_contract)
    assert f"ДРСО-{tag}" in etree.tostring(state, encoding="unicode")
