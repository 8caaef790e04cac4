"""Houses with premises (МКД): one house a message, its premises its other objects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from lxml import etree

from adapters.excel.kinds import HOUSES
from adapters.excel.mappers.common import BASE, HM, NSI, Mapped, NsiCodes, Rows, nsi, root, sub, unknown
from adapters.excel.reader import Row
from hub.errors import E
from hub.services.uploads import Batch, Lookups, RowProblem, RowRef

HOUSES_VERSION = "13.2.3.2"


def houses(rows: Rows, lookups: Lookups) -> Mapped:
    """One house a message (GIS's limit), with its residential premises: the house row and its
    premises rows are the message's objects, each with its own TransportGUID and result."""
    main, premises_sheet = HOUSES.sheets
    books = {key: NsiCodes(lookups, registry) for key, registry in (("state", 24), ("tz", 32), ("characteristic", 30))}
    problems: list[RowProblem] = []
    records: dict[str, Row] = {}
    for row in rows[main.name]:
        record = str(row.values.get("record"))
        if record in records:
            row.problems.append(
                RowProblem(row.sheet, row.number, E.FMT916009.code, f"«№ записи» {record} повторяется", "№ записи")
            )
        records.setdefault(record, row)
    premises: dict[str, list[Row]] = {}
    for row in [*rows[premises_sheet.name], *rows[main.name]]:
        for key in ("state", "tz", "characteristic"):
            code = row.values.get(key)
            if code is not None and not row.problems and books[key].guid(code) is None:
                header = next(c.header for s in HOUSES.sheets for c in s.columns if c.key == key)
                row.problems.append(unknown(row, header, code, books[key].registry))
    for row in rows[premises_sheet.name]:
        owner = records.get(str(row.values.get("record")))
        if owner is None and not row.problems:
            row.problems.append(
                RowProblem(
                    row.sheet,
                    row.number,
                    E.FMT916009.code,
                    f"Нет дома с «№ записи» {row.values.get('record')}",
                    "№ записи дома",
                )
            )
        problems.extend(row.problems)
        if owner is not None and not row.problems:
            premises.setdefault(str(row.values["record"]), []).append(row)
    batches: list[Batch] = []
    for row in rows[main.name]:
        problems.extend(row.problems)
        if row.problems:
            continue
        refs = [RowRef(row.sheet, row.number, str(uuid.uuid4()))]
        own = premises.get(str(row.values["record"]), [])
        refs += [RowRef(p.sheet, p.number, str(uuid.uuid4())) for p in own]
        request = _house_request(row, own, refs, books)
        batches.append(Batch(tuple(refs), _Whole(request), splittable=False))
    return batches, problems


class _Whole:
    """A batch that is one object: the same request whatever rows are asked for."""

    def __init__(self, request: etree._Element) -> None:
        self.request = request

    def __call__(self, _indices: Sequence[int]) -> etree._Element:
        return self.request


def _cadastre(parent: etree._Element, number: str | None) -> None:
    if number:
        sub(parent, HM, "CadastralNumber", number)
    else:
        sub(parent, HM, "No_RSO_GKN_EGRP_Registered", "true")


def _house_request(house: Row, premises: list[Row], refs: list[RowRef], books: dict[str, NsiCodes]) -> etree._Element:
    values = house.values
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
    sub(create, BASE, "TransportGUID", refs[0].transport_guid)
    for entrance in sorted({int(str(p.values["entrance"])) for p in premises if p.values.get("entrance")}):
        created = sub(element, HM, "EntranceToCreate")
        sub(created, HM, "EntranceNum", str(entrance))
        sub(created, BASE, "TransportGUID", str(uuid.uuid4()))
    for row, ref in zip(premises, refs[1:], strict=True):
        p = row.values
        create_p = sub(sub(element, HM, "ResidentialPremises"), HM, "ResidentialPremisesToCreate")
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
        sub(create_p, BASE, "TransportGUID", ref.transport_guid)
    return request
