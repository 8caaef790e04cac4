"""Small importHouseUORequest builders for the rules (valid under the real XSD)."""

from __future__ import annotations

from lxml import etree

from hub import ns
from tests.contract.instances import guid, nsi_ref, root, sub

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE


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
