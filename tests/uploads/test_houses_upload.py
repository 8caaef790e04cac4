"""Houses with premises (МКД) by Excel over HTTP on both shapes: one house a message, each house
and premises row with its own result; the house's unique number and the premises GUIDs filled in."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from adapters.excel.adapter import ExcelAdapter
from hub import ns
from hub.areas.houses.tables import houses as houses_table
from hub.areas.houses.tables import lifts as lifts_table
from testkit.uploads import HOUSE_SHEETS, HouseRecord, house_request, house_rows
from tests.accounts.test_e2e import send
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import get, token_for
from tests.e2e.test_rest_writes import comparable
from tests.real_contract import assert_valid_under_real_xsd
from tests.uploads.workbooks import NoData, filled, first_edition, result, statuses, template, upload

HOUSES, PREMISES = "Характеристики МКД", "Жилые помещения"
HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE


def codes(texts: list[str]) -> list[str]:
    return [t.split()[1] if t.startswith("Ошибка:") else t for t in texts]


def test_houses_upload_creates_houses_and_premises(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    houses = [
        (1, first, None, 3520.45, "2", 1977, 9, 1, "45380000", "2", "нет"),
        (2, second, "77:01:0001001:1001", 1200, "2", 1990, 5, 0, None, "2", "нет"),
        (3, str(uuid.uuid4()), None, 800, "2", "давно", 5, 0, None, "2", "нет"),  # bad year
    ]
    premises = [
        (1, "1", 1, None, "1", 64.2, 41.8),
        (1, "2", 1, None, "1", 54.3, None),
        (2, "1", None, None, None, 40, 30),
        (3, "1", 1, None, "1", 40, 30),
        (9, "1", 1, None, "1", 40, 30),  # no house 9
    ]
    status = upload(hut, token, filled(template(hut, token, "houses"), {HOUSES: houses, PREMISES: premises}))
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (3, 2, 1)
    assert len(status["message_guids"]) == 2  # one house a message
    _name, book = result(hut, token, status["upload_id"])
    assert codes(statuses(book, HOUSES)) == ["Обработано", "Обработано", "FMT916009"]
    assert codes(statuses(book, PREMISES))[:3] == ["Обработано"] * 3
    assert codes(statuses(book, PREMISES))[3:] == ["FMT916009", "FMT916009"]  # its house refused; no house 9
    sheet = book[PREMISES]
    placed = [sheet[f"H{r}"].value for r in (3, 4, 5)]
    assert all(placed) and book[HOUSES]["L3"].value

    stored = get(hut, f"/houses/{first}", token).json()
    assert sorted(p["premises_guid"] for p in stored["premises"]) == sorted(placed[:2])


NONRESIDENTIAL, ROOMS, LIFTS = "Нежилые помещения", "Комнаты", "Лифты"


def test_houses_upload_creates_nonresidential_premises_and_rooms(hut: HubUnderTest) -> None:
    """The added sheets: good rows stored under their house (a room under its flat), bad rows
    reported with their code and cell, the house stored with exactly the good ones."""
    token = token_for(hut, "a")
    fias = str(uuid.uuid4())
    houses = [(1, fias, None, 2500, "2", 1965, 5, 1, None, "2", "нет")]
    flats = [(1, "1", 1, None, "1", 64.2, 41.8), (1, "2", 1, None, "1", 54.3, 40), (1, "3", 1, None, "2", "много", 1)]
    shops = [
        (1, "Н1", "77:01:0001001:2001", 120.5, "нет"),
        (1, "Н2", "нет кадастрового номера", 15, "да"),
        (1, "Н3", None, None, None),
        (1, "Н4", None, "большая", "да"),  # bad area
        (1, "Н5", None, 10, "может быть"),  # not a choice
        (7, "Н6", None, 10, "нет"),  # no house 7
    ]
    rooms = [
        (1, "1", "1", 18.4, None),
        (1, "1", "2", 12.1, "77:01:0001001:3001"),
        (1, "2", "1", None, "нет кадастрового номера"),
        (1, "9", "1", 10, None),  # no flat 9 in the house
        (1, "3", "1", 10, None),  # flat 3 refused
        (1, "1", "3", "ноль", None),  # bad square
    ]
    lifts = [
        (1, 1, "ЛФ-1", "1"),
        (1, 3, "ЛФ-3", "2"),  # an entrance no flat is in: created for the lift
        (1, 2, None, "1"),  # no factory number
    ]
    sheets = {HOUSES: houses, PREMISES: flats, NONRESIDENTIAL: shops, ROOMS: rooms, LIFTS: lifts}
    status = upload(hut, token, filled(template(hut, token, "houses"), sheets))
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (1, 1, 0)
    _name, book = result(hut, token, status["upload_id"])
    assert codes(statuses(book, NONRESIDENTIAL)) == ["Обработано"] * 3 + ["FMT916009"] * 3
    assert codes(statuses(book, ROOMS)) == ["Обработано"] * 3 + ["FMT916013", "FMT916013", "FMT916009"]
    assert next(c.column_letter for c in book[ROOMS][6] if c.comment is not None) == "B"
    assert next(c.column_letter for c in book[NONRESIDENTIAL][6] if c.comment is not None) == "D"

    assert codes(statuses(book, LIFTS)) == ["Обработано", "Обработано", "FMT916010"]
    assert next(c.column_letter for c in book[LIFTS][5] if c.comment is not None) == "C"
    with hut.hub.store.reading() as conn:
        held = conn.execute(
            select(
                lifts_table.c.guid, lifts_table.c.entrance_number, lifts_table.c.factory_num, lifts_table.c.type_code
            )
            .join(houses_table, houses_table.c.id == lifts_table.c.house_id)
            .where(houses_table.c.guid == fias)
        ).all()
    assert sorted((r[1], r[2], r[3]) for r in held) == [("1", "ЛФ-1", "1"), ("3", "ЛФ-3", "2")]
    assert sorted(r[0] for r in held) == sorted(book[LIFTS][f"E{r}"].value for r in (3, 4))

    stored = get(hut, f"/houses/{fias}", token).json()
    kinds = {p["premises_num"]: p for p in stored["premises"]}
    assert sorted(kinds) == ["1", "2", "Н1", "Н2", "Н3"]
    assert {n: p["kind"] for n, p in kinds.items() if n.startswith("Н")} == dict.fromkeys(
        ["Н1", "Н2", "Н3"], "nonresidential"
    )
    assert kinds["Н1"]["cadastral_number"] == "77:01:0001001:2001"
    shop_guids = [book[NONRESIDENTIAL][f"F{r}"].value for r in (3, 4, 5)]
    assert sorted(shop_guids) == sorted(kinds[n]["premises_guid"] for n in ("Н1", "Н2", "Н3"))
    assert all(book[NONRESIDENTIAL][f"G{r}"].value for r in (3, 4, 5))
    assert [(r["room_number"], r["square"]) for r in kinds["1"]["rooms"]] == [("1", "18.4"), ("2", "12.1")]
    assert [r["room_number"] for r in kinds["2"]["rooms"]] == ["1"]
    room_guids = [book[ROOMS][f"F{r}"].value for r in (3, 4, 5)]
    assert sorted(room_guids) == sorted(r["living_room_guid"] for p in ("1", "2") for r in kinds[p]["rooms"])
    assert all(book[ROOMS][f"G{r}"].value for r in (3, 4, 5))


def test_houses_upload_of_a_first_edition_template(hut: HubUnderTest) -> None:
    """A template downloaded before the added sheets (no «Нежилые помещения», «Комнаты», no
    EDITION on conf) is read as it was; its result file has its own columns only."""
    token = token_for(hut, "a")
    fias = str(uuid.uuid4())
    old = first_edition(template(hut, token, "houses"))
    data = filled(
        old,
        {
            HOUSES: [(1, fias, None, 900, "2", 1980, 3, 0, None, "2", "нет")],
            PREMISES: [(1, "1", None, None, None, 40, 30)],
        },
    )
    status = upload(hut, token, data)
    assert (status["rows_done"], status["rows_failed"]) == (1, 0)
    _name, book = result(hut, token, status["upload_id"])
    assert NONRESIDENTIAL not in book.sheetnames
    assert codes(statuses(book, PREMISES)) == ["Обработано"]
    assert len(get(hut, f"/houses/{fias}", token).json()["premises"]) == 1


def test_a_house_with_every_kind_of_object_is_valid_under_the_real_xsd(real_contract: Path) -> None:
    """Non-residential premises before the entrances, rooms inside their flat: GIS's order."""
    adapter = ExcelAdapter()
    rows = {
        HOUSES: [(1, str(uuid.uuid4()), None, 900, "2", 1980, 3, 0, None, "2", "нет")],
        PREMISES: [(1, "1", 1, None, "1", 40, 30), (1, "2", None, "77:01:1:2", None, None, None)],
        NONRESIDENTIAL: [(1, "Н1", "нет кадастрового номера", 12.5, "да"), (1, "Н2", None, None, None)],
        ROOMS: [(1, "1", "1", 10.5, None), (1, "2", "1", None, "нет кадастрового номера")],
        LIFTS: [(1, 4, "ЛФ-4", "1")],
    }
    parsed = adapter.read(filled(adapter.template("houses", NoData()), rows), NoData(), "МКД.xlsx")
    assert parsed.problems == [] and len(parsed.batches) == 1
    batch = parsed.batches[0]
    assert [r.sheet for r in batch.rows] == [
        HOUSES, NONRESIDENTIAL, NONRESIDENTIAL, PREMISES, ROOMS, PREMISES, ROOMS, LIFTS
    ]  # fmt: skip
    request = batch.make(range(len(batch.rows)))
    assert_valid_under_real_xsd(request, real_contract)
    house = request.find("{*}ApartmentHouse")
    assert house is not None
    order = [child.tag.split("}")[1] for child in house]
    assert order == ["ApartmentHouseToCreate", "NonResidentialPremiseToCreate", "NonResidentialPremiseToCreate",
                     "EntranceToCreate", "EntranceToCreate", "ResidentialPremises", "ResidentialPremises",
                     "LiftToCreate"]  # fmt: skip
    assert house.find("{*}ResidentialPremises[2]/{*}LivingRoomToCreate/{*}NoCadastralNumber") is not None


def test_soap_and_excel_give_the_same_objects_and_codes(hut: HubUnderTest) -> None:
    """The same house with every kind of object, twice each way: the same stored objects, the same
    GIS codes for the duplicates (INT004113 a shop number, INT004059 a room number in a flat)."""
    org = hut.orgs["a"]
    token = token_for(hut, "a")
    results: dict[str, Any] = {}
    for path in ("soap", "excel"):
        record = HouseRecord(
            str(uuid.uuid4()),
            flats=(("1", 1, ("1", "2", "1")), ("2", 2, ())),
            shops=(("Н1", "120.5", True), ("Н2", None, None), ("Н1", "10", False)),
            lifts=((1, "ЛФ-1", "1"), (3, "ЛФ-3", "2")),
        )
        if path == "soap":
            request, transports = house_request(record)
            state = send(hut, org, request, "importHouseUOData")
            found = {
                c.findtext(f"{{{BASE}}}TransportGUID"): [
                    e.text for e in c.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")
                ]
                for c in state.iter(f"{{{HM}}}CommonResult")
            }
            errors = {sheet: [found[t] for t in guids] for sheet, guids in transports.items()}
        else:
            status = upload(hut, token, filled(template(hut, token, "houses"), house_rows(record)))
            _name, book = result(hut, token, status["upload_id"])
            errors = {
                sheet: [[c] if c != "Обработано" else [] for c in codes(statuses(book, sheet))]
                for sheet in HOUSE_SHEETS
            }
        view = comparable(get(hut, f"/houses/{record.fias}", token).json())
        with hut.hub.store.reading() as conn:
            held = conn.execute(
                select(lifts_table.c.entrance_number, lifts_table.c.factory_num, lifts_table.c.type_code)
                .join(houses_table, houses_table.c.id == lifts_table.c.house_id)
                .where(houses_table.c.guid == record.fias)
            ).all()
        results[path] = (errors, view, sorted(tuple(r) for r in held))
    assert results["soap"][0] == results["excel"][0]
    assert results["soap"][0][NONRESIDENTIAL] == [[], [], ["INT004113"]]
    assert results["soap"][0][ROOMS] == [[], [], ["INT004059"]]
    assert results["soap"][1] == results["excel"][1]
    assert len(results["soap"][1]["premises"]) == 4
    assert results["soap"][2] == results["excel"][2] == [("1", "ЛФ-1", "1"), ("3", "ЛФ-3", "2")]
