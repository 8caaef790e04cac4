"""Builders of XSD-valid house-management messages (GIS 16.3.0.0), for tests and benchmarks.

Every builder returns a fresh lxml element (call ``to_bytes`` for the serialized form, or
``envelope`` for a pretty-printed SOAP 1.1 envelope with a ``RequestHeader``). Identifiers are
deterministic (UUID5 of a label), so two calls with the same parameters give the same document.

Valid under the real GIS XSD *and* under ours: ``tests/contract/test_fidelity.py`` proves it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from hub import ns

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
NSI = ns.NSI_BASE
ACC = ns.ACCOUNT_BASE
IND = ns.INDIVIDUAL_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_REGISTRY_BASE

#: Versions accepted by GIS 16.3.0.0 (xs:annotation "Доступны версии …" or ``fixed``).
IMPORT_HOUSE_UO_VERSIONS = ("11.0.10.1", "13.2.3.2")
EXPORT_HOUSE_VERSIONS = ("11.1.0.1", "12.2.0.1", "13.2.3.2", "15.6.0.1", "15.10.0.0")
IMPORT_ACCOUNT_VERSION = "10.0.1.1"  # fixed
EXPORT_ACCOUNT_VERSION = "10.0.1.1"  # fixed
GET_STATE_RESULT_VERSION = "11.0.0.1"  # fixed
IMPORT_RESULT_VERSION = "10.0.1.1"  # fixed (getStateResult/ImportResult/@version)

SIGNED_ID = "signed-data-container"
_NSMAP = {
    "hm": HM,
    "base": BASE,
    "nsi-base": NSI,
    "account-base": ACC,
    "individual-registry-base": IND,
    "organizations-registry-base": ORG,
}


def guid(label: str) -> str:
    """A deterministic GUID for ``label``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "zhkh-hub-test:" + label))


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def sub(parent: etree._Element, namespace: str, local: str, text: object = None) -> etree._Element:
    """Append ``{namespace}local`` to ``parent`` with optional text."""
    child = etree.SubElement(parent, _q(namespace, local))
    if text is not None:
        child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def root(local: str, version: str | None, *, signed_id: str | None = SIGNED_ID) -> etree._Element:
    element = etree.Element(_q(HM, local), nsmap=_NSMAP)
    if signed_id is not None:
        element.set("Id", signed_id)
    if version is not None:
        element.set(_q(BASE, "version"), version)
    return element


def nsi_ref(parent: etree._Element, local: str, code: str, label: str, name: str | None = None) -> None:
    ref = sub(parent, HM, local)
    sub(ref, NSI, "Code", code)
    sub(ref, NSI, "GUID", guid("nsi:" + label + ":" + code))
    if name is not None:
        sub(ref, NSI, "Name", name)


def _ogf(parent: etree._Element, code: str, value: int) -> None:
    data = sub(parent, HM, "OGFData")
    sub(data, HM, "Code", code)
    sub(sub(data, HM, "Value"), HM, "IntegerValue", value)


# --- importHouseUORequest -----------------------------------------------------------------


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


# --- importAccountRequest -----------------------------------------------------------------

ACCOUNT_KINDS = (
    "isUOAccount",
    "isRSOAccount",
    "isCRAccount",
    "isRCAccount",
    "isOGVorOMSAccount",
    "isTKOAccount",
)


def _payer(parent: etree._Element, index: int, seed: str) -> None:
    payer = sub(parent, HM, "PayerInfo")
    variant = index % 4
    if variant == 0:  # person with SNILS, tenant
        sub(payer, HM, "IsRenter", True)
        ind = sub(payer, HM, "Ind")
        sub(ind, IND, "Surname", "Иванов")
        sub(ind, IND, "FirstName", "Иван")
        sub(ind, IND, "Patronymic", "Иванович")
        sub(ind, HM, "Sex", "M")
        sub(ind, HM, "DateOfBirth", "1980-02-29")
        sub(ind, IND, "SNILS", f"{12345678900 + index:011d}")
    elif variant == 1:  # person with an identity document
        sub(payer, HM, "isAccountsDivided", True)
        ind = sub(payer, HM, "Ind")
        sub(ind, IND, "Surname", "Петрова")
        sub(ind, IND, "FirstName", "Анна")
        sub(ind, HM, "Sex", "F")
        doc = sub(ind, IND, "ID")
        type_ = sub(doc, IND, "Type")
        sub(type_, NSI, "Code", "1")
        sub(type_, NSI, "GUID", guid("nsi:95:1"))
        sub(type_, NSI, "Name", "Паспорт гражданина Российской Федерации")
        sub(doc, IND, "Series", "4510")
        sub(doc, IND, "Number", f"{100000 + index}")
        sub(doc, IND, "IssueDate", "2005-06-01")
    elif variant == 2:  # organization
        org = sub(payer, HM, "Org")
        sub(org, ORG, "orgVersionGUID", guid(f"{seed}:org:{index}"))
    # variant 3: payer not specified (the choice is optional)


def import_account(
    *,
    count: int = 4,
    accommodations: int = 2,
    closed: Iterable[int] = (1,),
    seed: str = "accounts",
    signed_id: str | None = SIGNED_ID,
    version: str = IMPORT_ACCOUNT_VERSION,
) -> etree._Element:
    """``importAccountRequest`` with ``count`` accounts (GIS allows at most 100).

    Kinds cycle through all six flags, payers through person+SNILS, person+document,
    organization and none; accounts whose index is in ``closed`` carry ``Closed``.
    """
    closed_set = set(closed)
    request = root("importAccountRequest", version, signed_id=signed_id)
    for i in range(count):
        account = sub(request, HM, "Account")
        sub(account, HM, ACCOUNT_KINDS[i % len(ACCOUNT_KINDS)], True)
        sub(account, HM, "CreationDate", "2024-01-15T00:00:00")
        sub(account, HM, "LivingPersonsNumber", 3)
        sub(account, HM, "TotalSquare", "64.2")
        sub(account, HM, "ResidentialSquare", "41.8")
        sub(account, HM, "HeatedArea", "64.2")
        if i in closed_set:
            closed_el = sub(account, HM, "Closed")
            nsi_ref(closed_el, "CloseReason", "1", "nsi22", "Окончание действия договора")
            sub(closed_el, HM, "CloseDate", "2025-12-31")
            sub(closed_el, HM, "Description", "Договор расторгнут")
        for a in range(accommodations):
            accommodation = sub(account, HM, "Accommodation")
            which = (i + a) % 3
            if which == 0:
                sub(accommodation, HM, "PremisesGUID", guid(f"{seed}:premises:{i}:{a}"))
            elif which == 1:
                sub(accommodation, HM, "FIASHouseGuid", guid(f"{seed}:fias"))
            else:
                sub(accommodation, HM, "LivingRoomGUID", guid(f"{seed}:room:{i}:{a}"))
            sub(accommodation, HM, "SharePercent", "50.00" if accommodations > 1 else "100")
        _payer(account, i, seed)
        sub(account, BASE, "TransportGUID", guid(f"{seed}:account:{i}"))
        sub(account, ACC, "AccountNumber", f"ЛС-{i + 1:06d}")
        if i % 2:
            sub(account, HM, "AccountGUID", guid(f"{seed}:account-guid:{i}"))
        if i % 3 == 0:
            reasons = sub(account, HM, "AccountReasons")
            contract = sub(reasons, HM, "SupplyResourceContract")
            sub(contract, HM, "ContractNumber", f"Д-{i}")
            sub(contract, HM, "SigningDate", "2023-12-01")
            sub(contract, HM, "IsContract", True)
    return request


# --- exports ------------------------------------------------------------------------------


def export_house(
    *, version: str = "15.10.0.0", fias_house_guid: str | None = None, signed_id: str | None = SIGNED_ID
) -> etree._Element:
    request = root("exportHouseRequest", version, signed_id=signed_id)
    sub(request, HM, "FIASHouseGuid", fias_house_guid or guid("apartment-house:fias"))
    return request


EXPORT_ACCOUNT_SELECTIONS = ("FIASHouseGuid", "AccountGUID", "UnifiedAccountNumber", "ServiceID")


def export_account(
    *,
    by: str = "FIASHouseGuid",
    count: int = 3,
    version: str = EXPORT_ACCOUNT_VERSION,
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``exportAccountRequest`` selecting by one of ``EXPORT_ACCOUNT_SELECTIONS``."""
    request = root("exportAccountRequest", version, signed_id=signed_id)
    if by == "FIASHouseGuid":
        sub(request, HM, "FIASHouseGuid", guid("apartment-house:fias"))
    elif by == "AccountGUID":
        for i in range(count):
            sub(request, HM, "AccountGUID", guid(f"export:account:{i}"))
    elif by == "UnifiedAccountNumber":
        for i in range(count):
            sub(request, ACC, "UnifiedAccountNumber", f"00АА{i:06d}")
    elif by == "ServiceID":
        for i in range(count):
            sub(request, ACC, "ServiceID", f"00АА{i:06d}-01")
    else:
        raise ValueError(f"unknown selection {by!r}")
    return request


# --- getStateResult (our responses) ----------------------------------------------------------


def _state_root(request_state: int, message_guid: str) -> etree._Element:
    result = root("getStateResult", GET_STATE_RESULT_VERSION, signed_id=SIGNED_ID)
    sub(result, BASE, "RequestState", request_state)
    sub(result, BASE, "MessageGUID", message_guid)
    return result


def get_state_processing(*, request_state: int = 2, message_guid: str | None = None) -> etree._Element:
    """``getStateResult`` while the request is received (1) or in processing (2)."""
    return _state_root(request_state, message_guid or guid("message"))


def get_state_error_message(
    *,
    code: str = "INT002012",
    description: str = "Нет объектов для экспорта",
    message_guid: str | None = None,
) -> etree._Element:
    """``getStateResult`` with a whole-message ``base:ErrorMessage``."""
    result = _state_root(3, message_guid or guid("message"))
    error = sub(result, BASE, "ErrorMessage")
    sub(error, BASE, "ErrorCode", code)
    sub(error, BASE, "Description", description)
    return result


def common_result(
    parent: etree._Element, namespace: str, local: str, index: int, *, failed: bool = False
) -> etree._Element:
    """A ``base:CommonResultType`` child: GUID, TransportGUID, UniqueNumber and UpdateDate of the
    ``index``-th object, or (``failed``) its TransportGUID and one error."""
    common = sub(parent, namespace, local)
    if failed:
        sub(common, BASE, "TransportGUID", guid(f"transport:failed:{index}"))
        error = sub(common, BASE, "Error")
        sub(error, BASE, "ErrorCode", "INT002000")
        sub(error, BASE, "Description", "Значение в поле отсутствует в реестре")
        return common
    sub(common, BASE, "GUID", guid(f"object:{index}"))
    sub(common, BASE, "TransportGUID", guid(f"transport:{index}"))
    sub(common, BASE, "UniqueNumber", f"yXE0001900{index:03d}")
    sub(common, BASE, "UpdateDate", "2026-11-22T12:00:00.000+03:00")
    return common


def get_state_import_result(
    *,
    successes: int = 2,
    failures: int = 1,
    extension: str | None = "ImportHouseUO",
    message_guid: str | None = None,
) -> etree._Element:
    """``getStateResult/ImportResult`` with ``successes`` + ``failures`` ``CommonResult``\\s.

    ``extension`` adds the per-operation part to successes: ``ImportHouseUO`` (GKN/EGRP
    status), ``ImportAccount`` (unified account number + service id) or ``None``.
    """
    result = _state_root(3, message_guid or guid("message"))
    import_result = sub(result, HM, "ImportResult")
    import_result.set(_q(BASE, "version"), IMPORT_RESULT_VERSION)
    for i in range(successes):
        common = common_result(import_result, HM, "CommonResult", i)
        if extension == "ImportHouseUO":
            status = sub(common, HM, "ImportHouseUO")
            gkn = sub(status, HM, "GKNRelationshipStatus")
            sub(gkn, HM, "Status", "N")
            egrp = sub(status, HM, "EGRPRelationshipStatus")
            sub(egrp, HM, "Status", "N")
        elif extension == "ImportAccount":
            account = sub(common, HM, "ImportAccount")
            sub(account, ACC, "UnifiedAccountNumber", f"00АА{i:06d}")
            sub(account, ACC, "ServiceID", f"00АА{i:06d}-01")
    for i in range(failures):
        common_result(import_result, HM, "CommonResult", i, failed=True)
    return result


def get_state_import_error(*, code: str = "EXP001000", description: str = "Ошибка") -> etree._Element:
    """``getStateResult/ImportResult/ErrorMessage``: the whole import failed."""
    result = _state_root(3, guid("message"))
    import_result = sub(result, HM, "ImportResult")
    import_result.set(_q(BASE, "version"), IMPORT_RESULT_VERSION)
    error = sub(import_result, BASE, "ErrorMessage")
    sub(error, BASE, "ErrorCode", code)
    sub(error, BASE, "Description", description)
    sub(error, BASE, "StackTrace", "hub.worker: trace id 42")
    return result


# --- serialization --------------------------------------------------------------------------


def to_bytes(element: etree._Element, *, pretty: bool = True) -> bytes:
    return etree.tostring(element, encoding="UTF-8", xml_declaration=True, pretty_print=pretty)


def envelope(body: etree._Element, *, org_ppa_guid: str | None = None, message_guid: str | None = None) -> bytes:
    """A pretty-printed SOAP 1.1 envelope with ``RequestHeader`` and ``body`` (one element a line)."""
    env = etree.Element(_q(ns.SOAP_ENV, "Envelope"), nsmap={"soapenv": ns.SOAP_ENV, "base": BASE})
    header = sub(env, ns.SOAP_ENV, "Header")
    request_header = sub(header, BASE, "RequestHeader")
    sub(request_header, BASE, "Date", "2026-11-22T12:00:00.000+03:00")
    sub(request_header, BASE, "MessageGUID", message_guid or guid("request-message"))
    sub(request_header, BASE, "orgPPAGUID", org_ppa_guid or guid("org"))
    sub(env, ns.SOAP_ENV, "Body").append(body)
    return etree.tostring(env, encoding="UTF-8", xml_declaration=True, pretty_print=True)


ALL_BUILDERS = {
    "importHouseUO-apartment-13.2.3.2": lambda: import_house_uo_apartment(version="13.2.3.2"),
    "importHouseUO-apartment-11.0.10.1": lambda: import_house_uo_apartment(version="11.0.10.1"),
    "importHouseUO-apartment-no-rooms": lambda: import_house_uo_apartment(
        shape=HouseShape(entrances=1, premises_per_entrance=3, rooms_per_premises=0, non_residential=0, lifts=0)
    ),
    "importHouseUO-living": import_house_uo_living,
    "importHouseUO-living-unsigned": lambda: import_house_uo_living(version="11.0.10.1", signed_id=None),
    "importAccount-6-kinds": lambda: import_account(count=6, accommodations=2, closed=(1, 4)),
    "importAccount-100": lambda: import_account(count=100, accommodations=1, closed=()),
    **{
        f"exportHouse-{v}": (lambda v=v: export_house(version=v))  # type: ignore[misc]
        for v in EXPORT_HOUSE_VERSIONS
    },
    **{f"exportAccount-{by}": (lambda by=by: export_account(by=by)) for by in EXPORT_ACCOUNT_SELECTIONS},  # type: ignore[misc]
    "exportAccount-AccountGUID-1000": lambda: export_account(by="AccountGUID", count=1000),
    "getState-processing": get_state_processing,
    "getState-received": lambda: get_state_processing(request_state=1),
    "getState-ErrorMessage": get_state_error_message,
    "getState-ImportResult-house": get_state_import_result,
    "getState-ImportResult-account": lambda: get_state_import_result(extension="ImportAccount", failures=2),
    "getState-ImportResult-plain": lambda: get_state_import_result(extension=None, failures=0),
    "getState-ImportResult-only-errors": lambda: get_state_import_result(successes=0, failures=3),
    "getState-ImportResult-ErrorMessage": get_state_import_error,
}
