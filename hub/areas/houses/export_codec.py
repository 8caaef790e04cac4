"""``HouseSnapshot`` → ``exportHouseResult`` (exportHouseResultType), for each supported version.

The element order follows the XSD's sequences exactly (an export out of order is invalid).
Version differences (GIS changelog): ``HouseGUID`` appears from 15.6.0.1; ``ExportHostelData``
from 13.2.3.1 (so in 13.2.3.2 and later, never in 11.1.0.1 or 12.2.0.1). Everything else is
the same structure in all five versions under the 16.3.0.0 schema.

What the import carries but exportHouseResultType has no place for is kept in the store and not
exported: ``MinFloorCount`` (removed from the export in 13.0.1.1), premises' conditional number
and rights (premises export only a cadastral number or the "not registered" flags).
"""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.areas.houses.rules import (
    Cadastre,
    EntranceData,
    HouseData,
    LiftData,
    OgfValue,
    PremisesData,
    RoomData,
)
from hub.areas.houses.usecase import HouseSnapshot, StoredChild
from hub.domain.nsi import NsiRef

HM, BASE, NSI = ns.HOUSE_MANAGEMENT, ns.BASE, ns.NSI_BASE
EXPORT_HOUSE_VERSIONS = ("11.1.0.1", "12.2.0.1", "13.2.3.2", "15.6.0.1", "15.10.0.0")


def _v(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _sub(parent: etree._Element, local: str, value: object = None, namespace: str = HM) -> etree._Element:
    el = etree.SubElement(parent, ns.qname(namespace, local))
    if value is not None:
        el.text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return el


def _opt(parent: etree._Element, local: str, value: object) -> None:
    if value is not None:
        _sub(parent, local, value)


def _nsi(parent: etree._Element, local: str, ref: NsiRef | None) -> None:
    if ref is None:
        return
    el = _sub(parent, local)
    _sub(el, "Code", ref.code, NSI)
    _sub(el, "GUID", ref.guid or "00000000-0000-0000-0000-000000000000", NSI)
    if ref.name:
        _sub(el, "Name", ref.name, NSI)


def _ogf(parent: etree._Element, values: tuple[OgfValue, ...]) -> None:
    for value in values:
        data = _sub(parent, "OGFData")
        _sub(data, "Code", value.code)
        _sub(_sub(data, "Value"), value.kind, value.value)


def _dt(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _export_status(parent: etree._Element, cadastre: Cadastre) -> None:
    """OGFExportStatusType: only the cadastral number or the "not registered" flag."""
    if cadastre.cadastral_number:
        _sub(parent, "CadastralNumber", cadastre.cadastral_number)
    elif cadastre.no_rso_registered:
        _sub(parent, "No_RSO_GKN_EGRP_Registered", True)


def _full_cadastre(parent: etree._Element, cadastre: Cadastre) -> None:
    """GKN_EGRP_KeyType (rooms export it whole)."""
    if cadastre.cadastral_number:
        _sub(parent, "CadastralNumber", cadastre.cadastral_number)
        return
    if cadastre.no_rso_registered:
        _sub(parent, "No_RSO_GKN_EGRP_Registered", True)
        return
    if cadastre.no_cadastral_number:
        _sub(parent, "NoCadastralNumber", True)
    if cadastre.conditional_number is not None:
        _sub(parent, "ConditionalNumber", cadastre.conditional_number)
    for right in cadastre.rights:
        el = _sub(parent, "RightOrEncumbrance")
        _sub(el, "Type", right.type)
        _sub(el, "RegNumber", right.reg_number)
        _sub(el, "RegDate", right.reg_date.isoformat())


def _annulment(parent: etree._Element, data: EntranceData | PremisesData | RoomData | LiftData) -> None:
    _nsi(parent, "AnnulmentReason", data.annulment_reason)
    _opt(parent, "AnnulmentInfo", data.annulment_info)


def _basic(parent: etree._Element, fias: str, data: HouseData, version: str) -> None:
    basic = _sub(parent, "BasicCharacteristicts")
    _export_status(basic, data.cadastre)
    _sub(basic, "FIASHouseGuid", fias)
    _opt(basic, "TotalSquare", data.total_square)
    _nsi(basic, "State", data.state)
    _nsi(basic, "LifeCycleStage", data.life_cycle_stage)
    _opt(basic, "UsedYear", data.used_year)
    _opt(basic, "FloorCount", data.floor_count)
    if data.oktmo_code:
        oktmo = _sub(basic, "OKTMO")
        _sub(oktmo, "code", data.oktmo_code, BASE)
        if data.oktmo_name:
            _sub(oktmo, "name", data.oktmo_name, BASE)
    _nsi(basic, "OlsonTZ", data.olson_tz)
    _opt(basic, "CulturalHeritage", data.cultural_heritage)
    _ogf(basic, data.ogf)
    hostel = (data.is_municipal_property, data.is_region_property)
    if _v(version) >= (13, 2, 3, 1) and any(flag is not None for flag in hostel):
        el = _sub(basic, "ExportHostelData")
        _opt(el, "IsMunicipalProperty", data.is_municipal_property)
        _opt(el, "IsRegionProperty", data.is_region_property)


def _entrance(parent: etree._Element, child: StoredChild) -> None:
    data = child.data
    assert isinstance(data, EntranceData)
    el = _sub(parent, "Entrance")
    _sub(el, "EntranceNum", data.number)
    _opt(el, "FIASChildHouseGuid", data.fias_child_house_guid)
    _opt(el, "StoreysCount", data.storeys_count)
    _opt(el, "CreationYear", data.creation_year)
    _annulment(el, data)
    _opt(el, "InformationConfirmed", data.information_confirmed)
    _sub(el, "ModificationDate", _dt(child.modified_at))
    _sub(el, "EntranceGUID", child.guid)


def _premises_basic(el: etree._Element, data: PremisesData) -> None:
    _export_status(el, data.cadastre)
    _opt(el, "PremisesNum", data.number)
    _ogf(el, data.ogf)
    _annulment(el, data)
    _opt(el, "InformationConfirmed", data.information_confirmed)


def _room(parent: etree._Element, child: StoredChild) -> None:
    data = child.data
    assert isinstance(data, RoomData)
    el = _sub(parent, "LivingRoom")
    _full_cadastre(el, data.cadastre)
    _opt(el, "RoomNumber", data.number)
    _opt(el, "Square", data.square)
    _ogf(el, data.ogf)
    _annulment(el, data)
    _opt(el, "InformationConfirmed", data.information_confirmed)
    _sub(el, "LivingRoomUniqueNumber", child.unique_number)
    _sub(el, "ModificationDate", _dt(child.modified_at))
    _sub(el, "LivingRoomGUID", child.guid)


def _residential(parent: etree._Element, child: StoredChild, rooms: list[StoredChild]) -> None:
    data = child.data
    assert isinstance(data, PremisesData)
    el = _sub(parent, "ResidentialPremises")
    _premises_basic(el, data)
    if data.entrance_number is not None:
        _sub(el, "EntranceNum", data.entrance_number)
    elif data.has_no_entrance:
        _sub(el, "HasNoEntrance", True)
    _opt(el, "FIASChildHouseGuid", data.fias_child_house_guid)
    _nsi(el, "PremisesCharacteristic", data.premises_characteristic)
    _opt(el, "TotalArea", data.total_area)
    if data.gross_area is not None:
        _sub(el, "GrossArea", data.gross_area)
    elif data.no_gross_area:
        _sub(el, "NoGrossArea", True)
    _sub(el, "PremisesUniqueNumber", child.unique_number)
    _sub(el, "ModificationDate", _dt(child.modified_at))
    for room in rooms:
        _room(el, room)
    _sub(el, "PremisesGUID", child.guid)


def _non_residential(parent: etree._Element, child: StoredChild) -> None:
    data = child.data
    assert isinstance(data, PremisesData)
    el = _sub(parent, "NonResidentialPremises")
    _premises_basic(el, data)
    _opt(el, "FIASChildHouseGuid", data.fias_child_house_guid)
    _opt(el, "TotalArea", data.total_area)
    _opt(el, "IsCommonProperty", data.is_common_property)
    _sub(el, "PremisesUniqueNumber", child.unique_number)
    _sub(el, "ModificationDate", _dt(child.modified_at))
    _sub(el, "PremisesGUID", child.guid)


def _lift(parent: etree._Element, child: StoredChild) -> None:
    data = child.data
    assert isinstance(data, LiftData)
    el = _sub(parent, "Lift")
    _sub(el, "EntranceNum", data.entrance_number)
    _opt(el, "FIASChildHouseGuid", data.fias_child_house_guid)
    _sub(el, "FactoryNum", data.factory_num or "")
    _nsi(el, "Type", data.type or NsiRef(""))
    _ogf(el, data.ogf)
    _annulment(el, data)
    _sub(el, "ModificationDate", _dt(child.modified_at))
    _sub(el, "LiftGUID", child.guid)


def encode_export(snapshot: HouseSnapshot, version: str) -> etree._Element:
    """``exportHouseResult`` for ``version`` (one of ``EXPORT_HOUSE_VERSIONS``)."""
    house = snapshot.house
    result = etree.Element(ns.qname(HM, "exportHouseResult"), nsmap={"hm": HM, "base": BASE, "nsi-base": NSI})
    _sub(result, "HouseUniqueNumber", house.unique_number)
    _sub(result, "ModificationDate", _dt(house.modified_at))
    if _v(version) >= (15, 6, 0, 1):
        _sub(result, "HouseGUID", house.registry_guid)
    data = house.data
    if house.kind == "apartment":
        el = _sub(result, "ApartmentHouse")
        _basic(el, house.fias_guid, data, version)
        _opt(el, "UndergroundFloorCount", data.underground_floor_count)
        for entrance in snapshot.entrances:
            _entrance(el, entrance)
        rooms: dict[int, list[StoredChild]] = {}
        for room in snapshot.rooms:
            rooms.setdefault(room.premises_id or 0, []).append(room)
        residential = [
            p for p in snapshot.premises if isinstance(p.data, PremisesData) and p.data.premises_kind == "residential"
        ]
        for premises in residential:
            _residential(el, premises, rooms.get(premises.id, []))
        for lift in snapshot.lifts:
            _lift(el, lift)
        for premises in snapshot.premises:
            if premises not in residential:
                _non_residential(el, premises)
        return result
    el = _sub(result, "LivingHouse")
    _basic(el, house.fias_guid, data, version)
    _opt(el, "HasBlocks", data.has_blocks)
    _opt(el, "HasMultipleHousesWithSameAddress", data.has_multiple_houses_with_same_address)
    for room in snapshot.rooms:
        _room(el, room)
    _sub(el, "HouseGUID", house.registry_guid)
    return result
