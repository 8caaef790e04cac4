"""House-management payloads: XSD-valid ``importHouseUORequest`` / ``exportHouseRequest`` (GIS
16.3.0.0) and the small update builders the housing rules need.

Valid under the real GIS XSD *and* under ours: ``tests/contract/test_fidelity.py`` proves it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from testkit.elements import BASE, HM, SIGNED_ID, guid, nsi_ref, root, sub


def _ogf(parent: etree._Element, code: str, value: int) -> None:
    data = sub(parent, HM, "OGFData")
    sub(data, HM, "Code", code)
    sub(sub(data, HM, "Value"), HM, "IntegerValue", value)


@dataclass(frozen=True, kw_only=True)
class HouseShape:
    """How big a generated house is."""

    entrances: int = 2
    premises_per_entrance: int = 2
    rooms_per_premises: int = 2
    non_residential: int = 1
    lifts: int = 1


def _basic_characteristics(parent: etree._Element, seed: str, *, cadastral: bool = True) -> None:
    basic = sub(parent, HM, "BasicCharacteristicts")
    if cadastral:
        sub(basic, HM, "CadastralNumber", "77:01:0001001:1001")
    else:
        sub(basic, HM, "No_RSO_GKN_EGRP_Registered", True)
    sub(basic, HM, "FIASHouseGuid", guid(seed + ":fias"))
    sub(basic, HM, "TotalSquare", "3520.4500")
    nsi_ref(basic, "State", "2", "state", "Исправный")
    nsi_ref(basic, "LifeCycleStage", "1", "stage", "Эксплуатация")
    sub(basic, HM, "UsedYear", 1977)
    sub(basic, HM, "FloorCount", 9)
    oktmo = sub(basic, HM, "OKTMO")
    sub(oktmo, BASE, "code", "45380000000")
    sub(oktmo, BASE, "name", "муниципальный округ Пресненский")
    nsi_ref(basic, "OlsonTZ", "2", "tz", "Europe/Moscow")
    sub(basic, HM, "CulturalHeritage", False)
    _ogf(basic, "20130", 2)
    sub(basic, HM, "IsMunicipalProperty", False)
    sub(basic, HM, "IsRegionProperty", False)


def _premises_cadastre(parent: etree._Element, index: int) -> None:
    # Alternate the three ways of the cadastral choice so every branch is exercised.
    kind = index % 3
    if kind == 0:
        sub(parent, HM, "CadastralNumber", f"77:01:0001001:{2000 + index}")
    elif kind == 1:
        sub(parent, HM, "No_RSO_GKN_EGRP_Registered", True)
    else:
        sub(parent, HM, "NoCadastralNumber", True)
        sub(parent, HM, "ConditionalNumber", f"77-77-12/{index:03d}/2005-{index}")


def import_house_uo_apartment(
    *,
    version: str = "13.2.3.2",
    shape: HouseShape = HouseShape(),
    seed: str = "apartment-house",
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``importHouseUORequest`` creating a multi-apartment house with everything around it."""
    request = root("importHouseUORequest", version, signed_id=signed_id)
    house = sub(request, HM, "ApartmentHouse")
    create = sub(house, HM, "ApartmentHouseToCreate")
    _basic_characteristics(create, seed)
    sub(create, HM, "UndergroundFloorCount", 1)
    sub(create, HM, "MinFloorCount", 5)
    sub(create, BASE, "TransportGUID", guid(seed + ":house"))

    for n in range(1, shape.non_residential + 1):
        premise = sub(house, HM, "NonResidentialPremiseToCreate")
        _premises_cadastre(premise, n)
        sub(premise, HM, "PremisesNum", f"Н{n}")
        _ogf(premise, "20057", 1)
        sub(premise, HM, "InformationConfirmed", True)
        sub(premise, HM, "FIASChildHouseGuid", guid(seed + ":fias"))
        sub(premise, HM, "TotalArea", "54.3")
        sub(premise, HM, "IsCommonProperty", n % 2 == 0)
        sub(premise, BASE, "TransportGUID", guid(f"{seed}:nonres:{n}"))

    for e in range(1, shape.entrances + 1):
        entrance = sub(house, HM, "EntranceToCreate")
        sub(entrance, HM, "EntranceNum", e)
        sub(entrance, HM, "FIASChildHouseGuid", guid(seed + ":fias"))
        sub(entrance, HM, "StoreysCount", 9)
        sub(entrance, HM, "CreationYear", 1977)
        sub(entrance, HM, "InformationConfirmed", True)
        sub(entrance, BASE, "TransportGUID", guid(f"{seed}:entrance:{e}"))

    number = 0
    for e in range(1, shape.entrances + 1):
        for _ in range(shape.premises_per_entrance):
            number += 1
            premises = sub(house, HM, "ResidentialPremises")
            create_p = sub(premises, HM, "ResidentialPremisesToCreate")
            _premises_cadastre(create_p, number)
            sub(create_p, HM, "PremisesNum", number)
            _ogf(create_p, "20002", max(shape.rooms_per_premises, 1))
            sub(create_p, HM, "InformationConfirmed", True)
            sub(create_p, HM, "EntranceNum", e)
            sub(create_p, HM, "FIASChildHouseGuid", guid(seed + ":fias"))
            kind = "3" if shape.rooms_per_premises else "1"
            nsi_ref(create_p, "PremisesCharacteristic", kind, "premises-characteristic")
            sub(create_p, HM, "TotalArea", "64.2")
            if number % 2:
                sub(create_p, HM, "GrossArea", "41.8")
            else:
                sub(create_p, HM, "NoGrossArea", True)
            sub(create_p, BASE, "TransportGUID", guid(f"{seed}:premises:{number}"))
            for r in range(1, shape.rooms_per_premises + 1):
                room = sub(premises, HM, "LivingRoomToCreate")
                _premises_cadastre(room, number * 10 + r)
                sub(room, HM, "RoomNumber", r)
                sub(room, HM, "Square", "18.5")
                _ogf(room, "20003", 1)
                sub(room, HM, "InformationConfirmed", True)
                sub(room, BASE, "TransportGUID", guid(f"{seed}:room:{number}:{r}"))

    for n in range(1, shape.lifts + 1):
        lift = sub(house, HM, "LiftToCreate")
        sub(lift, HM, "EntranceNum", (n - 1) % max(shape.entrances, 1) + 1)
        sub(lift, HM, "FIASChildHouseGuid", guid(seed + ":fias"))
        sub(lift, HM, "FactoryNum", f"ЛП-{n:05d}")
        nsi_ref(lift, "Type", "1", "lift-type", "Пассажирский")
        _ogf(lift, "20150", 400)
        sub(lift, BASE, "TransportGUID", guid(f"{seed}:lift:{n}"))
    return request


def import_house_uo_living(
    *,
    version: str = "13.2.3.2",
    rooms: int = 2,
    seed: str = "living-house",
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``importHouseUORequest`` creating a (detached) living house with rooms."""
    request = root("importHouseUORequest", version, signed_id=signed_id)
    house = sub(request, HM, "LivingHouse")
    create = sub(house, HM, "LivingHouseToCreate")
    _basic_characteristics(create, seed, cadastral=False)
    sub(create, HM, "HasBlocks", False)
    sub(create, HM, "HasMultipleHousesWithSameAddress", False)
    sub(create, BASE, "TransportGUID", guid(seed + ":house"))
    for r in range(1, rooms + 1):
        room = sub(house, HM, "LivingRoomToCreate")
        _premises_cadastre(room, r)
        sub(room, HM, "RoomNumber", r)
        sub(room, HM, "Square", "15.25")
        sub(room, BASE, "TransportGUID", guid(f"{seed}:room:{r}"))
    return request


def export_house(
    *, version: str = "15.10.0.0", fias_house_guid: str | None = None, signed_id: str | None = SIGNED_ID
) -> etree._Element:
    request = root("exportHouseRequest", version, signed_id=signed_id)
    sub(request, HM, "FIASHouseGuid", fias_house_guid or guid("apartment-house:fias"))
    return request


# --- small importHouseUORequest updates (the rules' tests) ---------------------------------


def house_update(
    fias: str, *, seed: str = "upd", total_square: str | None = "4000.5", inherit: bool = False
) -> tuple[etree._Element, etree._Element]:
    """``importHouseUORequest`` updating an МКД; returns (request, ApartmentHouse)."""
    request = root("importHouseUORequest", "13.2.3.2")
    house = sub(request, HM, "ApartmentHouse")
    update = sub(house, HM, "ApartmentHouseToUpdate")
    basic = sub(update, HM, "BasicCharacteristicts")
    sub(basic, HM, "No_RSO_GKN_EGRP_Registered", True)
    sub(basic, HM, "FIASHouseGuid", fias)
    if total_square is not None:
        sub(basic, HM, "TotalSquare", total_square)
    sub(update, BASE, "TransportGUID", guid(seed + ":house"))
    if inherit:
        sub(request, HM, "InheritMissingValues", True)
    return request, house


def _premises_fields(el: etree._Element, number: str | None, *, residential: bool) -> None:
    sub(el, HM, "No_RSO_GKN_EGRP_Registered", True)
    if number is not None:
        sub(el, HM, "PremisesNum", number)
    if residential:
        sub(el, HM, "EntranceNum", "1")
        sub(el, HM, "TotalArea", "50.5")


def add_residential(house: etree._Element, number: str, seed: str, *, rooms: tuple[str, ...] = ()) -> None:
    """Appends ResidentialPremises/ResidentialPremisesToCreate (+ rooms) in schema order."""
    wrapper = _insert(house, "ResidentialPremises")
    create = sub(wrapper, HM, "ResidentialPremisesToCreate")
    _premises_fields(create, number, residential=True)
    sub(create, BASE, "TransportGUID", guid(f"{seed}:premises:{number}"))
    for room in rooms:
        add_room(wrapper, room, f"{seed}:{number}")


def add_room(wrapper: etree._Element, number: str, seed: str) -> None:
    room = sub(wrapper, HM, "LivingRoomToCreate")
    sub(room, HM, "No_RSO_GKN_EGRP_Registered", True)
    sub(room, HM, "RoomNumber", number)
    sub(room, HM, "Square", "12.5")
    sub(room, BASE, "TransportGUID", guid(f"{seed}:room:{number}:{len(wrapper)}"))


def update_residential(
    house: etree._Element, premises_guid: str, seed: str, *, number: str | None = None, annul: str | None = None
) -> None:
    wrapper = _insert(house, "ResidentialPremises")
    update = sub(wrapper, HM, "ResidentialPremisesToUpdate")
    sub(update, HM, "No_RSO_GKN_EGRP_Registered", True)
    if number is not None:
        sub(update, HM, "PremisesNum", number)
    if annul is not None:
        nsi_ref(update, "AnnulmentReason", annul, "nsi330", "Ошибка ввода")
        sub(update, HM, "AnnulmentInfo", "Внесено по ошибке")
    sub(update, HM, "EntranceNum", "1")
    sub(update, BASE, "TransportGUID", guid(f"{seed}:premises-update:{premises_guid}"))
    sub(update, HM, "PremisesGUID", premises_guid)


def add_non_residential(house: etree._Element, number: str, seed: str) -> None:
    el = _insert(house, "NonResidentialPremiseToCreate")
    _premises_fields(el, number, residential=False)
    sub(el, BASE, "TransportGUID", guid(f"{seed}:nonres:{number}"))


_ORDER = (
    "NonResidentialPremiseToCreate",
    "NonResidentialPremiseToUpdate",
    "EntranceToCreate",
    "EntranceToUpdate",
    "ResidentialPremises",
    "LiftToCreate",
    "LiftToUpdate",
)


def _insert(house: etree._Element, local: str) -> etree._Element:
    """A new child of ApartmentHouse at its place in the XSD's sequence."""
    el = etree.Element(f"{{{HM}}}{local}")
    rank = _ORDER.index(local)
    position = len(house)
    for i, child in enumerate(house):
        name = etree.QName(child).localname
        if name in _ORDER and _ORDER.index(name) > rank:
            position = i
            break
    house.insert(position, el)
    return el
