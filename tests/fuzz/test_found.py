"""Hub bugs the contract fuzz test found, each pinned by a direct test of its fix.

1. A fixed flag sent empty (``<NoGrossArea/>``, ``<IsRenter/>``: valid, the empty element takes
   the fixed value) was decoded as xs:boolean '' and the message refused with FMT001300.
2. A string of only whitespace (``<PremisesNum> </PremisesNum>``: valid, minLength 1 counts
   spaces) was stripped to '' and stored, so every export of the house was invalid.
3. Two messages creating one FIASHouseGuid at once (PostgreSQL, two workers) both passed the
   lookup; the second insert hit ``uq_houses_guid`` and the message ended with EXP001000.
4. A LiftToUpdate without FactoryNum and Type (both optional there) and without
   InheritMissingValues reset them, and every export of the house after it carried an empty
   required ``Type/Code`` and ``FactoryNum``: invalid under the contract.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.areas.accounts.codec import decode_account
from hub.areas.houses.rules import HouseData
from hub.areas.houses.store import SqlHousingRepository
from hub.errors import HubError
from testkit.accounts import Acc, import_request
from testkit.elements import guid, sub
from testkit.houses import HouseShape, house_update, import_house_uo_apartment
from tests.houses.rig import HousingRig, as_get_state_result
from tests.real_contract import assert_valid_under_real_xsd

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE
SEED = "fuzz-found"


def _house() -> etree._Element:
    shape = HouseShape(entrances=1, premises_per_entrance=2, rooms_per_premises=0, non_residential=0, lifts=1)
    return import_house_uo_apartment(shape=shape, seed=SEED)


def test_empty_fixed_flags_mean_their_fixed_value(rig: HousingRig, real_contract: Path) -> None:
    request = _house()
    flags = [el for el in request.iter(f"{{{HM}}}NoGrossArea", f"{{{HM}}}NoCadastralNumber")]
    assert flags
    for flag in flags:
        flag.text = None
    assert_valid_under_real_xsd(request, real_contract)
    assert all(r.ok for r in rig.submit(request))
    exported = rig.export(guid(SEED + ":fias"))
    assert [el.text for el in exported.iter(f"{{{HM}}}NoGrossArea")] == ["true"]

    accounts = import_request([Acc([("PremisesGUID", "0a1b2c3d-0000-4000-8000-000000000001", "100")])])
    renter = accounts.find(f".//{{{HM}}}IsRenter")
    assert renter is not None
    renter.text = None
    assert_valid_under_real_xsd(accounts, real_contract)
    account = accounts.find(f"{{{HM}}}Account")
    assert account is not None
    assert decode_account(account, "/importAccountRequest/Account[1]").data.payer.is_renter


def test_a_whitespace_only_string_is_kept_and_exported_valid(rig: HousingRig, real_contract: Path) -> None:
    request = _house()
    number = request.find(f".//{{{HM}}}ResidentialPremisesToCreate/{{{HM}}}PremisesNum")
    assert number is not None
    number.text = " \n "
    assert_valid_under_real_xsd(request, real_contract)
    assert all(r.ok for r in rig.submit(request))
    exported = rig.export(guid(SEED + ":fias"))
    assert_valid_under_real_xsd(as_get_state_result(exported), real_contract)
    assert " \n " in [el.text for el in exported.iter(f"{{{HM}}}PremisesNum")]


def test_a_house_another_import_placed_meanwhile_is_int004132(rig: HousingRig) -> None:
    """What the losing worker of the race meets: the house is in the table though its lookup
    saw none. The insert must answer INT004132 (per object), not raise an IntegrityError."""
    assert all(r.ok for r in rig.submit(_house()))
    with rig.store.writing() as conn:
        repo = SqlHousingRepository(conn)
        with pytest.raises(HubError) as caught, conn.begin_nested():
            repo.add_house(
                kind="apartment",
                fias_guid=guid(SEED + ":fias"),
                unique_number="ZZZ99999",
                manager_org_id=rig.orgs["a"].id,
                data=HouseData(),
                now=datetime.now(UTC),
            )
    assert caught.value.code == "INT004132"


def test_a_lift_update_without_its_required_fields_keeps_them(rig: HousingRig, real_contract: Path) -> None:
    request = _house()
    results = rig.submit(request)
    assert all(r.ok for r in results)
    lift_transport = request.findtext(f".//{{{HM}}}LiftToCreate/{{{BASE}}}TransportGUID")
    lift_guid = next(r.guid for r in results if r.transport_guid == lift_transport)
    update, house = house_update(guid(SEED + ":fias"), seed=SEED + ":lift")
    lift = sub(house, HM, "LiftToUpdate")
    sub(lift, HM, "EntranceNum", "1")
    sub(lift, BASE, "TransportGUID", guid(SEED + ":lift-update"))
    sub(lift, HM, "LiftGUID", lift_guid)
    assert_valid_under_real_xsd(update, real_contract)
    assert all(r.ok for r in rig.submit(update))
    exported = rig.export(guid(SEED + ":fias"))
    assert_valid_under_real_xsd(as_get_state_result(exported), real_contract)
    assert exported.findtext(f".//{{{HM}}}Lift/{{{HM}}}FactoryNum") == "ЛП-00001"
