"""What an upload test needs in the hub first: a house of the organization, its accounts, its
meters — placed over signed SOAP, as any organization's data gets there."""

from __future__ import annotations

import uuid

from hub import ns
from testkit.accounts import Acc
from testkit.accounts import import_request as import_accounts
from testkit.devices import Dev, place_devices
from testkit.seeds import House
from tests.accounts.results import commons
from tests.accounts.test_e2e import new_house, send
from tests.e2e.harness import HubUnderTest, Org

HM = ns.HOUSE_MANAGEMENT


def house_with_accounts(hut: HubUnderTest, org: Org, premises: int) -> tuple[House, list[str]]:
    house = new_house(hut, org, premises)
    tag = uuid.uuid4().hex[:6]
    request = import_accounts(
        [Acc([("PremisesGUID", p, None)], number=f"{tag}-{i}") for i, p in enumerate(house.premises)]
    )
    result = send(hut, org, request, "importAccountData").find(f"{{{HM}}}ImportResult")
    assert result is not None
    placed = commons(result)
    assert all(c.ok for c in placed), [c.errors for c in placed]
    return house, [c.guid or "" for c in placed]


def cold_water_meters(hut: HubUnderTest, org: Org, premises: int = 3) -> list[str]:
    """A cold-water meter (NSI 2 code 1, base reading 12.5) in each premises of a new house: root GUIDs."""
    house, accounts = house_with_accounts(hut, org, premises)
    devices = [
        Dev("ResidentialPremiseDevice", [p], ("1",), values=("12.5",), accounts=[a])
        for p, a in zip(house.premises, accounts, strict=True)
    ]
    state = send(hut, org, place_devices(devices)[0], "importMeteringDeviceData")
    result = state.find(f"{{{HM}}}ImportResult")
    assert result is not None
    assert all(c.ok for c in commons(result)), [c.errors for c in commons(result)]
    roots = [c.findtext(f"{{{HM}}}importMeteringDevice/{{{HM}}}MeteringDeviceGUID") or "" for c in result]
    assert all(roots)
    return roots
