"""Houses with premises (МКД): one house a message; its entrances, residential and
non-residential premises, the rooms of its (communal) flats and its lifts are the message's other
objects."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from adapters.excel.kinds import HOUSES, NO_CADASTRAL_NUMBER
from adapters.excel.mappers.common import BASE, HM, NSI, Mapped, NsiCodes, Rows, nsi, root, sub, transport_guid, unknown
from adapters.excel.reader import Row
from hub.errors import E
from hub.services.uploads import Batch, Lookups, RowProblem, RowRef

HOUSES_VERSION = "13.2.3.2"
MAIN, RESIDENTIAL, NONRESIDENTIAL, ROOMS, LIFTS = (sheet.name for sheet in HOUSES.sheets)
#: the NSI code columns of the kind and their books
_BOOKS = (("state", 24), ("tz", 32), ("characteristic", 30), ("lift_type", 192))


class _House:
    """A house row and the rows of its objects (rows of the added sheets absent in older files)."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.residential: list[Row] = []
        self.nonresidential: list[Row] = []
        self.rooms: dict[int, list[Row]] = {}  # id() of the residential row → its rooms
        self.lifts: list[Row] = []


def houses(rows: Rows, lookups: Lookups) -> Mapped:
    """One house a message (GIS's limit) with its objects, each with its own TransportGUID and
    result. A bad object row is not sent (its house is); a room goes inside its flat's
    ResidentialPremises, so a room naming no flat of its house (or a refused one) is refused."""
    books = {key: NsiCodes(lookups, registry) for key, registry in _BOOKS}
    sheets = {name: list(rows.get(name, ())) for name in (MAIN, RESIDENTIAL, NONRESIDENTIAL, ROOMS, LIFTS)}
    problems: list[RowProblem] = []
    found: dict[str, _House] = {}
    for row in sheets[MAIN]:
        record = str(row.values.get("record"))
        if record in found:
            row.problems.append(
                RowProblem(row.sheet, row.number, E.FMT916009.code, f"«№ записи» {record} повторяется", "№ записи")
            )
        found.setdefault(record, _House(row))
    for row in [*sheets[RESIDENTIAL], *sheets[LIFTS], *sheets[MAIN]]:
        for key, _registry in _BOOKS:
            code = row.values.get(key)
            if code is not None and not row.problems and books[key].guid(code) is None:
                header = next(c.header for s in HOUSES.sheets for c in s.columns if c.key == key)
                row.problems.append(unknown(row, header, code, books[key].registry))
    for name in (RESIDENTIAL, NONRESIDENTIAL, ROOMS, LIFTS):
        for row in sheets[name]:
            house = _owner(row, found)
            if house is not None and name == ROOMS:
                _place_room(row, house)
            problems.extend(row.problems)
            if house is None or row.problems:
                continue
            if name == RESIDENTIAL:
                house.residential.append(row)
            elif name == NONRESIDENTIAL:
                house.nonresidential.append(row)
            elif name == LIFTS:
                house.lifts.append(row)
    batches: list[Batch] = []
    for row in sheets[MAIN]:
        problems.extend(row.problems)
        house = found[str(row.values.get("record"))]
        if row.problems or house.row is not row:
            continue
        request, refs = _house_request(house, books)
        batches.append(Batch(tuple(refs), _Whole(request), splittable=False))
    return batches, problems


def _owner(row: Row, found: dict[str, _House]) -> _House | None:
    house = found.get(str(row.values.get("record")))
    if house is None and not row.problems:
        row.problems.append(
            RowProblem(
                row.sheet,
                row.number,
                E.FMT916009.code,
                f"Нет дома с «№ записи» {row.values.get('record')}",
                "№ записи дома",
            )
        )
    return house


def _place_room(row: Row, house: _House) -> None:
    """The room under the first flat of its house with its «Номер помещения» (a problem if none)."""
    if row.problems:
        return
    number = row.values.get("premises")
    flat = next((p for p in house.residential if p.values.get("number") == number), None)
    if flat is None:
        row.problems.append(
            RowProblem(
                row.sheet,
                row.number,
                E.FMT916013.code,
                f"{E.FMT916013.text}: на листе «{RESIDENTIAL}» нет принятого помещения № {number}"
                f" дома с «№ записи» {row.values.get('record')}",
                "Номер помещения",
            )
        )
        return
    house.rooms.setdefault(id(flat), []).append(row)


class _Whole:
    """A batch that is one object: the same request whatever rows are asked for."""

    def __init__(self, request: etree._Element) -> None:
        self.request = request

    def __call__(self, _indices: Sequence[int]) -> etree._Element:
        return self.request


def _cadastre(parent: etree._Element, number: str | None) -> None:
    """GKN_EGRP_KeyType: the number, «нет кадастрового номера», or (empty) not registered."""
    if number and number.strip().lower() == NO_CADASTRAL_NUMBER:
        sub(parent, HM, "NoCadastralNumber", "true")
    elif number:
        sub(parent, HM, "CadastralNumber", number)
    else:
        sub(parent, HM, "No_RSO_GKN_EGRP_Registered", "true")


def _keyed(parent: etree._Element, local: str, values: dict[str, str | None], number: str) -> etree._Element:
    """A new object element opened with its GKN_EGRP key and its number (PremisesNum …)."""
    created = sub(parent, HM, local)
    _cadastre(created, values.get("cadastral"))
    sub(created, HM, number, values["number"])
    return created


def _ref(row: Row, refs: list[RowRef]) -> str:
    """The TransportGUID of the row's object, its row reference added to ``refs``."""
    transport = transport_guid(row)
    refs.append(RowRef(row.sheet, row.number, transport))
    return transport


def _house_request(house: _House, books: dict[str, NsiCodes]) -> tuple[etree._Element, list[RowRef]]:
    """importHouseUORequest in the XSD's order: the house, non-residential premises, entrances
    (of the flats and the lifts), residential premises (each with its rooms), lifts."""
    values = house.row.values
    refs: list[RowRef] = []
    nsmap = {"hm": HM, "base": BASE, "nsi-base": NSI}
    request = root(HM, "importHouseUORequest", HOUSES_VERSION, nsmap)
    element = sub(request, HM, "ApartmentHouse")
    create = sub(element, HM, "ApartmentHouseToCreate")
    basic = sub(create, HM, "BasicCharacteristicts")
    _cadastre(basic, values.get("cadastral"))
    sub(basic, HM, "FIASHouseGuid", values["fias"])
    sub(basic, HM, "TotalSquare", values["total"])
    nsi(basic, HM, "State", str(values["state"]), books["state"])
    sub(basic, HM, "UsedYear", values["year"])
    sub(basic, HM, "FloorCount", values["floors"])
    if values.get("oktmo"):
        sub(sub(basic, HM, "OKTMO"), BASE, "code", values["oktmo"])
    nsi(basic, HM, "OlsonTZ", str(values["tz"]), books["tz"])
    sub(basic, HM, "CulturalHeritage", "true" if values["heritage"] == "да" else "false")
    sub(create, HM, "UndergroundFloorCount", values["underground"])
    sub(create, BASE, "TransportGUID", _ref(house.row, refs))
    for row in house.nonresidential:
        p = row.values
        created = _keyed(element, "NonResidentialPremiseToCreate", p, "PremisesNum")
        if p.get("total"):
            sub(created, HM, "TotalArea", p["total"])
        if p.get("common"):
            sub(created, HM, "IsCommonProperty", "true" if p["common"] == "да" else "false")
        sub(created, BASE, "TransportGUID", _ref(row, refs))
    entrances = {int(str(r.values["entrance"])) for r in [*house.residential, *house.lifts] if r.values.get("entrance")}
    for entrance in sorted(entrances):
        created = sub(element, HM, "EntranceToCreate")
        sub(created, HM, "EntranceNum", str(entrance))
        sub(created, BASE, "TransportGUID", transport_guid(house.row, f"entrance {entrance}"))
    for row in house.residential:
        p = row.values
        premises = sub(element, HM, "ResidentialPremises")
        create_p = sub(premises, HM, "ResidentialPremisesToCreate")
        _cadastre(create_p, p.get("cadastral"))
        sub(create_p, HM, "PremisesNum", p["number"])
        if p.get("entrance"):
            sub(create_p, HM, "EntranceNum", p["entrance"])
        else:
            sub(create_p, HM, "HasNoEntrance", "true")
        if p.get("characteristic"):
            nsi(create_p, HM, "PremisesCharacteristic", str(p["characteristic"]), books["characteristic"])
        if p.get("total"):
            sub(create_p, HM, "TotalArea", p["total"])
        if p.get("gross"):
            sub(create_p, HM, "GrossArea", p["gross"])
        else:
            sub(create_p, HM, "NoGrossArea", "true")
        sub(create_p, BASE, "TransportGUID", _ref(row, refs))
        for room in house.rooms.get(id(row), []):
            r = room.values
            created = _keyed(premises, "LivingRoomToCreate", r, "RoomNumber")
            if r.get("square"):
                sub(created, HM, "Square", r["square"])
            sub(created, BASE, "TransportGUID", _ref(room, refs))
    for row in house.lifts:
        lift = sub(element, HM, "LiftToCreate")
        sub(lift, HM, "EntranceNum", row.values["entrance"])
        sub(lift, HM, "FactoryNum", row.values["factory"])
        nsi(lift, HM, "Type", str(row.values["lift_type"]), books["lift_type"])
        sub(lift, BASE, "TransportGUID", _ref(row, refs))
    return request, refs
