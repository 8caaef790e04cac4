"""The import's rules, each with its GIS code in the object's CommonResult; the rest applies."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from hub import ns
from hub.areas.houses.lookup import SqlHousingLookup, bind_house, unbind_house
from hub.areas.houses.tables import houses
from hub.store.tables import audit_log
from testkit.elements import guid
from testkit.houses import (
    HouseShape,
    add_non_residential,
    add_residential,
    add_room,
    house_update,
    import_house_uo_apartment,
    import_house_uo_living,
    update_residential,
)
from tests.houses.rig import HousingRig, as_get_state_result
from tests.real_contract import assert_valid_under_real_xsd

HM = ns.HOUSE_MANAGEMENT
FIAS = guid("apartment-house:fias")
SMALL = HouseShape(entrances=1, premises_per_entrance=2, rooms_per_premises=1, non_residential=1, lifts=1)


def _create(rig: HousingRig, org: str = "a") -> list[str]:
    results = rig.submit(import_house_uo_apartment(shape=SMALL), org)
    assert all(r.ok for r in results), results
    return [r.guid or "" for r in results]


def _manager(rig: HousingRig) -> int | None:
    with rig.store.reading() as conn:
        return conn.execute(select(houses.c.manager_org_id).where(houses.c.guid == FIAS)).scalar_one()  # type: ignore[no-any-return]


def test_first_import_binds_the_house_to_the_sender(rig: HousingRig) -> None:
    _create(rig)
    assert _manager(rig) == rig.orgs["a"].id


def test_house_bound_to_another_organization_is_int004171_and_its_objects_fail(rig: HousingRig) -> None:
    _create(rig)
    request, house = house_update(FIAS)
    add_residential(house, "77", "b")
    results = rig.submit(request, "b")
    assert results[0].code == "INT004171"
    text = results[0].errors[0][1]
    assert f"«{rig.orgs['b'].ppaguid}»" in text and FIAS in text and "отсутствует основание для работы с домом" in text
    assert results[1].code == "INT002034" and results[0].transport_guid in results[1].errors[0][1]


def test_create_of_an_existing_house_is_int004132(rig: HousingRig) -> None:
    _create(rig)
    results = rig.submit(import_house_uo_apartment(shape=SMALL, seed="apartment-house"))
    assert results[0].code == "INT004132"
    assert results[0].errors[0][1].startswith("Дом уже размещен")


def test_update_of_unknown_objects_is_int002034_and_the_rest_applies(rig: HousingRig, real_contract: Path) -> None:
    request, house = house_update(guid("nowhere"))
    assert rig.submit(request)[0].code == "INT002034"
    _create(rig)
    request, house = house_update(FIAS, seed="u2")
    update_residential(house, guid("no-such-premises"), "u2", number="1")
    add_residential(house, "500", "u2")
    fragment = rig.submit_raw(request)
    assert_valid_under_real_xsd(as_get_state_result(fragment), real_contract)
    from tests.houses.rig import parse_results

    results = parse_results(fragment)
    assert [r.code for r in results] == [None, "INT002034", None]


def test_residential_numbers_are_unique_in_the_message_and_against_the_store(rig: HousingRig) -> None:
    _create(rig)  # premises 1 and 2 exist
    request, house = house_update(FIAS, seed="dup")
    add_residential(house, "1", "dup-stored")
    add_residential(house, "300", "dup-a")
    add_residential(house, "300", "dup-b")
    results = rig.submit(request)
    assert [r.code for r in results] == [None, "INT004057", None, "INT004057"]
    assert "Жилое помещение с номером 1 встречается 2 или более раз" in results[1].errors[0][1]


def test_non_residential_numbers_are_unique_int004113(rig: HousingRig) -> None:
    _create(rig)  # Н1 exists
    request, house = house_update(FIAS, seed="nr")
    add_non_residential(house, "Н1", "nr-stored")
    add_non_residential(house, "Н2", "nr-a")
    add_non_residential(house, "Н2", "nr-b")
    add_residential(house, "Н2", "nr-res")  # another kind: its own numbering
    assert [r.code for r in rig.submit(request)] == [None, "INT004113", None, "INT004113", None]


def test_room_numbers_are_unique_in_their_premises_int004059(rig: HousingRig) -> None:
    _create(rig)
    request, house = house_update(FIAS, seed="rooms")
    add_residential(house, "40", "rooms", rooms=("1", "2", "1"))
    add_residential(house, "41", "rooms", rooms=("1",))
    results = rig.submit(request)
    assert [r.code for r in results] == [None, None, None, None, "INT004059", None, None]
    assert "Комната с номером 1 в помещении 40" in results[4].errors[0][1]


def test_rooms_of_a_failed_premises_fail_naming_it(rig: HousingRig) -> None:
    _create(rig)
    request, house = house_update(FIAS, seed="orphans")
    add_residential(house, "2", "orphans", rooms=("1", "2"))  # number 2 is taken
    results = rig.submit(request)
    assert [r.code for r in results] == [None, "INT004057", "INT002034", "INT002034"]
    assert results[1].transport_guid in results[2].errors[0][1]


def test_organization_without_a_managing_role_cannot_place_a_house(rig: HousingRig) -> None:
    results = rig.submit(import_house_uo_apartment(shape=SMALL), "rso")
    assert results[0].code == "INT004170"
    assert all(r.code == "INT002034" for r in results[1:])


def test_admin_unbind_lets_the_next_managing_importer_bind_and_bind_transfers(rig: HousingRig) -> None:
    _create(rig)
    unbind_house(rig.store, FIAS, "admin")
    assert _manager(rig) is None
    request, _ = house_update(FIAS, seed="tsj")
    assert rig.submit(request, "b")[0].ok
    assert _manager(rig) == rig.orgs["b"].id
    bind_house(rig.store, FIAS, rig.orgs["a"].id, "admin")
    assert _manager(rig) == rig.orgs["a"].id
    request, _ = house_update(FIAS, seed="tsj2")
    assert rig.submit(request, "b")[0].code == "INT004171"
    with rig.store.reading() as conn:
        actions = conn.execute(select(audit_log.c.action).where(audit_log.c.entity_id == FIAS)).scalars().all()
    assert actions == ["house.unbind", "house.bind", "house.bind"]


def test_update_resets_missing_values_unless_inherit_missing_values(rig: HousingRig) -> None:
    _create(rig)
    request, _ = house_update(FIAS, seed="inh", total_square=None, inherit=True)
    assert rig.submit(request)[0].ok
    basic = rig.export(FIAS).find(f".//{{{HM}}}BasicCharacteristicts")
    assert basic is not None and basic.findtext(f"{{{HM}}}TotalSquare") == "3520.4500"
    assert basic.findtext(f"{{{HM}}}UsedYear") == "1977"
    request, _ = house_update(FIAS, seed="reset", total_square="100.1")
    assert rig.submit(request)[0].ok
    basic = rig.export(FIAS).find(f".//{{{HM}}}BasicCharacteristicts")
    assert basic is not None and basic.findtext(f"{{{HM}}}TotalSquare") == "100.1"
    assert basic.findtext(f"{{{HM}}}UsedYear") is None


def test_annulled_premises_is_exported_annulled_and_frees_its_number(rig: HousingRig) -> None:
    guids = _create(rig)
    first_premises = guids[3]  # house, non-residential, entrance, then premises 1
    request, house = house_update(FIAS, seed="ann")
    update_residential(house, first_premises, "ann", number="1", annul="1")
    add_residential(house, "1", "ann-new")
    assert all(r.ok for r in rig.submit(request))
    exported = rig.export(FIAS)
    annulled = [
        p
        for p in exported.iter(f"{{{HM}}}ResidentialPremises")
        if p.findtext(f"{{{HM}}}PremisesGUID") == first_premises
    ]
    assert annulled and annulled[0].find(f"{{{HM}}}AnnulmentReason") is not None
    again, _ = house_update(FIAS, seed="ann-again")
    update_residential(_, first_premises, "ann-again", number="1")
    assert rig.submit(again)[1].code == "INT002034"


def test_unique_numbers_follow_gis_format_and_never_repeat(rig: HousingRig) -> None:
    first = rig.submit(import_house_uo_apartment(shape=SMALL))
    second = rig.submit(import_house_uo_living(rooms=1))
    assert first[0].unique_number == "AAA00001" and second[0].unique_number == "AAA00002"
    numbered = [r.unique_number for r in first if r.unique_number][1:]
    assert numbered == [f"9AAA00001{n:05d}" for n in range(1, len(numbered) + 1)]
    request, house = house_update(FIAS, seed="more")
    add_residential(house, "900", "more", rooms=("1",))
    more = rig.submit(request)
    assert [r.unique_number for r in more[1:]] == [f"9AAA00001{n:05d}" for n in (len(numbered) + 1, len(numbered) + 2)]
    assert second[1].unique_number == "9AAA0000200001"


def test_unknown_nsi_code_fails_only_its_object_int002000(rig: HousingRig) -> None:
    request = import_house_uo_apartment(shape=SMALL)
    state = request.find(f".//{{{HM}}}State/{{{ns.NSI_BASE}}}Code")
    assert state is not None
    state.text = "99"
    results = rig.submit(request)
    assert results[0].code == "INT002000" and "справочнике НСИ 24" in results[0].errors[0][1]


def test_housing_lookup_finds_houses_premises_and_rooms(rig: HousingRig) -> None:
    results = rig.submit(import_house_uo_apartment(shape=SMALL))
    by_number = {r.unique_number: r.guid for r in results if r.unique_number}
    with rig.store.reading() as conn:
        lookup = SqlHousingLookup(conn)
        house = lookup.find(FIAS.upper())
        assert house is not None and house.kind == "house" and house.house_manager_org_id == rig.orgs["a"].id
        premises = lookup.find(by_number["9AAA0000100002"] or "")
        room = lookup.find(by_number["9AAA0000100003"] or "")
        assert premises is not None and premises.kind == "premises" and premises.house_guid == FIAS
        assert room is not None and room.kind == "room" and room.premises_guid == premises.guid
        assert lookup.find(guid("nothing")) is None


def test_living_house_room_numbers_are_unique_in_the_house(rig: HousingRig) -> None:
    request = import_house_uo_living(rooms=2)
    extra = request.find(f"{{{HM}}}LivingHouse")
    assert extra is not None
    add_room(extra, "1", "living-dup")
    assert [r.code for r in rig.submit(request)] == [None, None, None, "INT004065"]
