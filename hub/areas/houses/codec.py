"""importHouseUORequest → ``hub.areas.houses.rules`` records, one command per object.

The payload is already valid under our XSD (intake validated the signed element), so the
reader follows the content model and does not re-check it. Values are stripped: real clients
(IDE-formatted XML) send ``<FIASHouseGuid>…\\n\\t</FIASHouseGuid>``, and GIS accepts them;
a value of nothing but whitespace is kept as sent (``text``).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from hub import ns
from hub.areas.houses.rules import (
    Action,
    Cadastre,
    EntranceData,
    HouseData,
    HouseImport,
    HousingCommand,
    LiftData,
    ObjectKind,
    OgfValue,
    PremisesData,
    PremisesKind,
    Right,
    RoomData,
)
from hub.contract.lexical import xs_boolean, xs_date, xs_decimal, xs_integer
from hub.domain.nsi import NsiRef
from hub.errors import E, HubError

HM, BASE, NSI = ns.HOUSE_MANAGEMENT, ns.BASE, ns.NSI_BASE


def _q(local: str, namespace: str = HM) -> str:
    return ns.qname(namespace, local)


def text(el: etree._Element, local: str, namespace: str = HM) -> str | None:
    """The child's text, stripped — unless only whitespace is sent: that is a valid xs:string
    (minLength 1 counts spaces) which stripping would turn into an empty one the export, and
    every export of the object after it, could not carry."""
    value = el.findtext(_q(local, namespace))
    return (value.strip() or value) if value is not None else None


def _flag(el: etree._Element, local: str) -> bool | None:
    value = text(el, local)
    return None if value is None else xs_boolean(value)


def _fixed(el: etree._Element, local: str, value: bool) -> bool | None:
    """A flag the XSD declares ``fixed``: present means its fixed value, also when empty — an
    empty element takes the fixed value (``<NoGrossArea/>`` is valid and means true)."""
    return value if el.find(_q(local)) is not None else None


def _int(el: etree._Element, local: str) -> int | None:
    value = text(el, local)
    return None if value is None else xs_integer(value)


def _dec(el: etree._Element, local: str) -> Decimal | None:
    value = text(el, local)
    return None if value is None else xs_decimal(value)


def _nsi(el: etree._Element, local: str) -> NsiRef | None:
    ref = el.find(_q(local))
    if ref is None:
        return None
    return NsiRef(text(ref, "Code", NSI) or "", text(ref, "GUID", NSI), text(ref, "Name", NSI))


def _cadastre(el: etree._Element) -> Cadastre:
    rights = tuple(
        Right(text(r, "Type") or "", text(r, "RegNumber") or "", xs_date(text(r, "RegDate") or ""))
        for r in el.findall(_q("RightOrEncumbrance"))
    )
    return Cadastre(
        cadastral_number=text(el, "CadastralNumber"),
        no_rso_registered=bool(_fixed(el, "No_RSO_GKN_EGRP_Registered", True)),
        no_cadastral_number=bool(_fixed(el, "NoCadastralNumber", True)),
        conditional_number=text(el, "ConditionalNumber"),
        rights=rights,
    )


def _ogf(el: etree._Element) -> tuple[OgfValue, ...]:
    values = []
    for data in el.findall(_q("OGFData")):
        value = data.find(_q("Value"))
        chosen = next(iter(_elements(value)), None) if value is not None else None
        if chosen is None:
            continue
        values.append(OgfValue(text(data, "Code") or "", etree.QName(chosen).localname, (chosen.text or "").strip()))
    return tuple(values)


def house_data(el: etree._Element) -> HouseData:
    """``…HouseToCreate``/``…HouseToUpdate``: BasicCharacteristicts and the house-level fields."""
    basic = el.find(_q("BasicCharacteristicts"))
    assert basic is not None  # required by the XSD
    oktmo = basic.find(_q("OKTMO"))
    return HouseData(
        cadastre=_cadastre(basic),
        total_square=_dec(basic, "TotalSquare"),
        state=_nsi(basic, "State"),
        life_cycle_stage=_nsi(basic, "LifeCycleStage"),
        used_year=_int(basic, "UsedYear"),
        floor_count=_int(basic, "FloorCount"),
        oktmo_code=text(oktmo, "code", BASE) if oktmo is not None else None,
        oktmo_name=text(oktmo, "name", BASE) if oktmo is not None else None,
        olson_tz=_nsi(basic, "OlsonTZ"),
        cultural_heritage=_flag(basic, "CulturalHeritage"),
        ogf=_ogf(basic),
        is_municipal_property=_fixed(basic, "IsMunicipalProperty", False),
        is_region_property=_fixed(basic, "IsRegionProperty", False),
        underground_floor_count=_int(el, "UndergroundFloorCount"),
        min_floor_count=_int(el, "MinFloorCount"),
        has_blocks=_flag(el, "HasBlocks"),
        has_multiple_houses_with_same_address=_flag(el, "HasMultipleHousesWithSameAddress"),
    )


def _annulment(el: etree._Element) -> dict[str, object]:
    return {"annulment_reason": _nsi(el, "AnnulmentReason"), "annulment_info": text(el, "AnnulmentInfo")}


def entrance_data(el: etree._Element) -> EntranceData:
    return EntranceData(
        number=text(el, "EntranceNum") or "",
        fias_child_house_guid=_guid(text(el, "FIASChildHouseGuid")),
        storeys_count=_int(el, "StoreysCount"),
        creation_year=_int(el, "CreationYear"),
        information_confirmed=_flag(el, "InformationConfirmed"),
        **_annulment(el),  # type: ignore[arg-type]
    )


def premises_data(el: etree._Element, kind: PremisesKind) -> PremisesData:
    return PremisesData(
        premises_kind=kind,
        number=text(el, "PremisesNum"),
        cadastre=_cadastre(el),
        ogf=_ogf(el),
        information_confirmed=_flag(el, "InformationConfirmed"),
        entrance_number=text(el, "EntranceNum"),
        has_no_entrance=bool(_fixed(el, "HasNoEntrance", True)),
        fias_child_house_guid=_guid(text(el, "FIASChildHouseGuid")),
        premises_characteristic=_nsi(el, "PremisesCharacteristic"),
        total_area=_dec(el, "TotalArea"),
        gross_area=_dec(el, "GrossArea"),
        no_gross_area=bool(_fixed(el, "NoGrossArea", True)),
        is_common_property=_flag(el, "IsCommonProperty"),
        **_annulment(el),  # type: ignore[arg-type]
    )


def room_data(el: etree._Element) -> RoomData:
    return RoomData(
        number=text(el, "RoomNumber"),
        cadastre=_cadastre(el),
        square=_dec(el, "Square"),
        ogf=_ogf(el),
        information_confirmed=_flag(el, "InformationConfirmed"),
        **_annulment(el),  # type: ignore[arg-type]
    )


def lift_data(el: etree._Element) -> LiftData:
    return LiftData(
        entrance_number=text(el, "EntranceNum") or "",
        fias_child_house_guid=_guid(text(el, "FIASChildHouseGuid")),
        factory_num=text(el, "FactoryNum"),
        type=_nsi(el, "Type"),
        ogf=_ogf(el),
        **_annulment(el),  # type: ignore[arg-type]
    )


def _elements(el: etree._Element) -> list[etree._Element]:
    """Child elements, without comments or processing instructions a client left in."""
    return [child for child in el if isinstance(child.tag, str)]


def _guid(value: str | None) -> str | None:
    return value.lower() if value else value


def _command(
    el: etree._Element, kind: ObjectKind, data: object, guid_tag: str | None, parent: int | None
) -> HousingCommand:
    local = etree.QName(el).localname
    action: Action = "update" if local.endswith("ToUpdate") else "create"
    guid = _guid(text(el, guid_tag)) if guid_tag and action == "update" else None
    return HousingCommand(
        transport_guid=(text(el, "TransportGUID", BASE) or "").lower(),
        kind=kind,
        action=action,
        data=data,  # type: ignore[arg-type]
        guid=guid,
        parent=parent,
    )


_CHILDREN = {
    "NonResidentialPremiseToCreate": ("premises", "PremisesGUID"),
    "NonResidentialPremiseToUpdate": ("premises", "PremisesGUID"),
    "EntranceToCreate": ("entrance", "EntranceGUID"),
    "EntranceToUpdate": ("entrance", "EntranceGUID"),
    "LiftToCreate": ("lift", "LiftGUID"),
    "LiftToUpdate": ("lift", "LiftGUID"),
    "LivingRoomToCreate": ("room", "LivingRoomGUID"),
    "LivingRoomToUpdate": ("room", "LivingRoomGUID"),
}


def _child(el: etree._Element, parent: int) -> HousingCommand:
    local = etree.QName(el).localname
    kind, guid_tag = _CHILDREN[local]
    data: object
    if kind == "premises":
        data = premises_data(el, "nonresidential")
    elif kind == "entrance":
        data = entrance_data(el)
    elif kind == "lift":
        data = lift_data(el)
    else:
        data = room_data(el)
    return _command(el, kind, data, guid_tag, parent)  # type: ignore[arg-type]


def parse_import(request: etree._Element) -> HouseImport:
    """The commands of an importHouseUORequest: the house (seq 0), then its objects in order."""
    inherit = request.find(_q("InheritMissingValues")) is not None
    apartment = request.find(_q("ApartmentHouse"))
    container = apartment if apartment is not None else request.find(_q("LivingHouse"))
    assert container is not None  # the XSD's choice
    house_el = _elements(container)[0]
    fias = _guid(text(house_el.find(_q("BasicCharacteristicts")), "FIASHouseGuid"))  # type: ignore[arg-type]
    house = _command(house_el, "house", house_data(house_el), None, None)
    commands = [HousingCommand(house.transport_guid, "house", house.action, house.data, guid=fias)]
    for el in _elements(container)[1:]:
        local = etree.QName(el).localname
        if local == "ResidentialPremises":
            premises_el, *rooms = _elements(el)
            seq = len(commands)
            commands.append(
                _command(premises_el, "premises", premises_data(premises_el, "residential"), "PremisesGUID", 0)
            )
            commands.extend(_child(room, seq) for room in rooms)
        elif local == "Blocks":
            raise HubError(
                E.FMT900006, "Блоки жилого дома блокированной застройки (Blocks) хабом пока не поддерживаются"
            )
        elif local in _CHILDREN:
            commands.append(_child(el, 0))
    return HouseImport("apartment" if apartment is not None else "living", inherit, tuple(commands))
