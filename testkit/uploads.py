"""The same records as a signed SOAP request and as rows of the hub's Excel templates.

``AccountRecord`` is one personal account as an organization keeps it (``HouseRecord`` one house
with its objects, written by ``house_request`` and ``house_rows``); ``accounts_request``
writes it as ``importAccountRequest`` (what a SOAP client signs) and ``accounts_rows`` as the rows
of the ЛС template's two sheets (what an Excel user fills). Fed to the hub both ways, they must
give the same objects and the same error codes (tests/uploads). ``readings_rows`` fills the
readings template for scenarios and the upload benchmark.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from adapters.excel.kinds import HIRE_TYPES, REASON_KINDS
from testkit.elements import ACC, BASE, HM, IMPORT_ACCOUNT_VERSION, IND, ORG, nsi_ref, root, sub

ACCOUNTS_MAIN, ACCOUNTS_PLACES, ACCOUNTS_REASONS = "Основные сведения", "Помещения", "Основания"
HOUSE_SHEETS = ("Характеристики МКД", "Жилые помещения", "Нежилые помещения", "Комнаты", "Лифты")
READINGS_SHEET = "Импорт показаний"
_FLAGS = {"УО": "isUOAccount", "РСО": "isRSOAccount"}


@dataclass(frozen=True)
class AccountReason:
    """One basis of an account (AccountReasons): a placed contract's GUID, or its number and date
    with the field its kind wants (IsContract, Type D/M/S, DateEntry)."""

    kind: str  # SupplyResourceContract | SocialHireContract | TKOContract
    contract: str | None = None
    number: str | None = None
    signed: str | None = None  # ISO date
    written: bool | None = None
    hire: str | None = None
    entry: str | None = None  # ISO date


@dataclass(frozen=True)
class AccountRecord:
    number: str
    premises: str  # PremisesGUID
    share: str | None = "100"
    type: str = "УО"
    persons: int | None = None
    total: str | None = None
    renter: bool = False
    surname: str | None = None
    name: str | None = None
    snils: str | None = None
    org: str | None = None  # the payer organization's orgVersionGUID
    reasons: tuple[AccountReason, ...] = ()
    transport_guid: str = field(default_factory=lambda: str(uuid.uuid4()))


def accounts_request(records: Sequence[AccountRecord]) -> etree._Element:
    request = root("importAccountRequest", IMPORT_ACCOUNT_VERSION)
    for r in records:
        account = sub(request, HM, "Account")
        sub(account, HM, _FLAGS[r.type], True)
        if r.persons is not None:
            sub(account, HM, "LivingPersonsNumber", r.persons)
        if r.total is not None:
            sub(account, HM, "TotalSquare", r.total)
        place = sub(account, HM, "Accommodation")
        sub(place, HM, "PremisesGUID", r.premises)
        if r.share is not None:
            sub(place, HM, "SharePercent", r.share)
        payer = sub(account, HM, "PayerInfo")
        if r.renter:
            sub(payer, HM, "IsRenter", True)
        if r.surname:
            ind = sub(payer, HM, "Ind")
            sub(ind, IND, "Surname", r.surname)
            sub(ind, IND, "FirstName", r.name or "")
            if r.snils:
                sub(ind, IND, "SNILS", r.snils)
        elif r.org:
            sub(sub(payer, HM, "Org"), ORG, "orgVersionGUID", r.org)
        sub(account, BASE, "TransportGUID", r.transport_guid)
        sub(account, ACC, "AccountNumber", r.number)
        if r.reasons:
            reasons = sub(account, HM, "AccountReasons")
            order = list(REASON_KINDS.values())  # the XSD's order of kinds
            for reason in sorted(r.reasons, key=lambda x: order.index(x.kind)):
                _reason(reasons, reason)
    return request


def _reason(parent: etree._Element, r: AccountReason) -> None:
    element = sub(parent, HM, r.kind)
    if r.contract:
        sub(element, HM, "ContractGUID", r.contract)
        return
    sub(element, HM, "ContractNumber", r.number)
    sub(element, HM, "SigningDate", r.signed)
    if r.kind == "SupplyResourceContract":
        sub(element, HM, "IsContract", bool(r.written))
    elif r.kind == "SocialHireContract":
        sub(element, HM, "Type", r.hire)
    else:
        sub(element, HM, "DateEntry", r.entry)


def accounts_rows(records: Sequence[AccountRecord]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of «Основные сведения», «Помещения» and «Основания» (№ записи from 1)."""
    main: list[tuple[Any, ...]] = []
    places: list[tuple[Any, ...]] = []
    reasons: list[tuple[Any, ...]] = []
    kinds = {local: name for name, local in REASON_KINDS.items()}
    hires = {code: name for name, code in HIRE_TYPES.items()}
    for n, r in enumerate(records, start=1):
        main.append(
            (n, r.number, None, None, r.type, r.persons, r.total, None, "да" if r.renter else None,
             r.surname, r.name, None, r.snils, r.org)
        )  # fmt: skip
        places.append((n, None, r.premises, None, r.share))
        for x in r.reasons:
            written = None if x.written is None else ("да" if x.written else "нет")
            reasons.append(
                (n, kinds[x.kind], x.contract, x.number, _ru(x.signed), written, hires.get(x.hire or ""), _ru(x.entry))
            )
    return {ACCOUNTS_MAIN: main, ACCOUNTS_PLACES: places, ACCOUNTS_REASONS: reasons}


def _ru(iso: str | None) -> str | None:
    """An ISO date as an Excel user types it (ДД.ММ.ГГГГ)."""
    return ".".join(reversed(iso.split("-"))) if iso else None


def readings_rows(
    devices: Sequence[str], *, value: str = "20", resource: str = "1", date: str = "20.11.2026"
) -> list[tuple[Any, ...]]:
    """One reading per device, as the readings template's rows."""
    return [(d, resource, value, None, None, date) for d in devices]


@dataclass(frozen=True)
class HouseRecord:
    """A house with its objects as the houses template holds them (no cadastral numbers)."""

    fias: str
    flats: tuple[tuple[str, int, tuple[str, ...]], ...] = ()  # (number, entrance, its rooms' numbers)
    shops: tuple[tuple[str, str | None, bool | None], ...] = ()  # (number, total area, common property)
    lifts: tuple[tuple[int, str, str], ...] = ()  # (entrance, factory number, NSI 192 code)


def house_request(r: HouseRecord) -> tuple[etree._Element, dict[str, list[str]]]:
    """importHouseUORequest as a SOAP client writes it, with the TransportGUIDs by sheet (rows'
    order: flats, then each flat's rooms in order)."""
    transports: dict[str, list[str]] = {name: [] for name in HOUSE_SHEETS}

    def transport(element: etree._Element, sheet: str) -> None:
        transports[sheet].append(str(uuid.uuid4()))
        sub(element, BASE, "TransportGUID", transports[sheet][-1])

    main, flats_sheet, shops_sheet, rooms_sheet, lifts_sheet = HOUSE_SHEETS
    request = root("importHouseUORequest", "13.2.3.2")
    house = sub(request, HM, "ApartmentHouse")
    create = sub(house, HM, "ApartmentHouseToCreate")
    basic = sub(create, HM, "BasicCharacteristicts")
    sub(basic, HM, "No_RSO_GKN_EGRP_Registered", True)
    sub(basic, HM, "FIASHouseGuid", r.fias)
    sub(basic, HM, "TotalSquare", "900")
    nsi_ref(basic, "State", "2", "state")
    sub(basic, HM, "UsedYear", 1980)
    sub(basic, HM, "FloorCount", 3)
    nsi_ref(basic, "OlsonTZ", "2", "tz")
    sub(basic, HM, "CulturalHeritage", False)
    sub(create, HM, "UndergroundFloorCount", 0)
    transport(create, main)
    for number, total, common in r.shops:
        shop = sub(house, HM, "NonResidentialPremiseToCreate")
        sub(shop, HM, "No_RSO_GKN_EGRP_Registered", True)
        sub(shop, HM, "PremisesNum", number)
        if total is not None:
            sub(shop, HM, "TotalArea", total)
        if common is not None:
            sub(shop, HM, "IsCommonProperty", common)
        transport(shop, shops_sheet)
    for entrance in sorted({f[1] for f in r.flats} | {lift[0] for lift in r.lifts}):
        created = sub(house, HM, "EntranceToCreate")
        sub(created, HM, "EntranceNum", entrance)
        sub(created, BASE, "TransportGUID", str(uuid.uuid4()))
    rooms: list[etree._Element] = []
    for number, entrance, room_numbers in r.flats:
        wrapper = sub(house, HM, "ResidentialPremises")
        flat = sub(wrapper, HM, "ResidentialPremisesToCreate")
        sub(flat, HM, "No_RSO_GKN_EGRP_Registered", True)
        sub(flat, HM, "PremisesNum", number)
        sub(flat, HM, "EntranceNum", entrance)
        sub(flat, HM, "NoGrossArea", True)
        transport(flat, flats_sheet)
        for room_number in room_numbers:
            room = sub(wrapper, HM, "LivingRoomToCreate")
            sub(room, HM, "No_RSO_GKN_EGRP_Registered", True)
            sub(room, HM, "RoomNumber", room_number)
            rooms.append(room)
    for room in rooms:  # TransportGUIDs in the rooms sheet's order (a flat's rooms together)
        transport(room, rooms_sheet)
    for entrance, factory, kind in r.lifts:
        lift = sub(house, HM, "LiftToCreate")
        sub(lift, HM, "EntranceNum", entrance)
        sub(lift, HM, "FactoryNum", factory)
        nsi_ref(lift, "Type", kind, "lift-type")
        transport(lift, lifts_sheet)
    return request, transports


def house_rows(r: HouseRecord) -> dict[str, list[tuple[Any, ...]]]:
    """The same house as the rows of the houses template's sheets (№ записи 1)."""
    main, flats_sheet, shops_sheet, rooms_sheet, lifts_sheet = HOUSE_SHEETS
    yes_no = {True: "да", False: "нет", None: None}
    return {
        main: [(1, r.fias, None, 900, "2", 1980, 3, 0, None, "2", "нет")],
        flats_sheet: [(1, number, entrance, None, None, None, None) for number, entrance, _rooms in r.flats],
        shops_sheet: [(1, number, None, total, yes_no[common]) for number, total, common in r.shops],
        rooms_sheet: [(1, flat, room, None, None) for flat, _entrance, rooms in r.flats for room in rooms],
        lifts_sheet: [(1, entrance, factory, kind) for entrance, factory, kind in r.lifts],
    }
