"""Accounts (ЛС) by Excel over HTTP on both shapes, and the same records by SOAP and by Excel giving
the same objects and the same error codes."""

from __future__ import annotations

import uuid
from typing import Any

from hub import ns
from testkit.uploads import ACCOUNTS_MAIN, ACCOUNTS_PLACES, AccountRecord, accounts_request, accounts_rows
from tests.accounts.test_e2e import new_house, send
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import get, token_for
from tests.e2e.test_rest_writes import comparable
from tests.uploads.workbooks import filled, result, statuses, template, upload

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE


#: what the hub assigns anew for every import: numbers, besides the GUIDs and times ``comparable`` drops
ASSIGNED = ("account_number", "unified_account_number", "service_id")


def same_shape(view: Any) -> Any:
    if isinstance(view, dict):
        return {k: same_shape(v) for k, v in view.items() if k not in ASSIGNED}
    if isinstance(view, list):
        return [same_shape(v) for v in view]
    return view


def codes(texts: list[str]) -> list[str]:
    return [t.split()[1] if t.startswith("Ошибка:") else t for t in texts]


def test_accounts_upload_fills_guids_and_reports_bad_rows(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    house = new_house(hut, hut.orgs["a"], 4)
    tag = uuid.uuid4().hex[:6]
    main = [
        (1, f"{tag}-1", None, None, "УО", 2, 54.3, 40, "да", "Иванов", "Иван", "Иванович", "12345678901"),
        (2, f"{tag}-2", None, None, "УО", 3, "60,5", None, None, None, None, None, None),
        (3, f"{tag}-3", None, None, "уо", None, None, None, "нет", "Петрова", "Анна", None, None),
        (4, f"{tag}-4", None, None, "ЖСК", None, None, None, None, None, None, None, None),  # no such type
        (5, f"{tag}-5", None, None, "УО", None, None, None, None, None, None, None, None),  # unknown premises
        (6, f"{tag}-6", None, None, "УО", None, None, None, None, None, None, None, None),  # bad share
    ]
    places = [
        (1, None, house.premises[0], None, 100),
        (2, None, house.premises[1], None, 100),
        (3, None, house.premises[2], None, 50),
        (4, None, house.premises[3], None, 100),
        (5, None, str(uuid.uuid4()), None, 100),
        (6, None, house.premises[3], None, "половина"),
    ]
    data = filled(template(hut, token, "accounts"), {ACCOUNTS_MAIN: main, ACCOUNTS_PLACES: places})
    status = upload(hut, token, data, "Шаблон импорта ЛС-11.13.0.5.xlsx")
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (6, 3, 3)

    name, book = result(hut, token, status["upload_id"])
    assert name == "Шаблон импорта ЛС-11.13.0.5__Результат.xlsx"
    assert codes(statuses(book, ACCOUNTS_MAIN)) == ["Обработано"] * 3 + ["FMT916009", "INT002034", "FMT916009"]
    # each placement row carries its account's status; the bad share cell is marked where it is
    assert codes(statuses(book, ACCOUNTS_PLACES)) == ["Обработано"] * 3 + ["FMT916009", "INT002034", "FMT916009"]
    assert "половина" in (book[ACCOUNTS_PLACES]["E8"].comment.text if book[ACCOUNTS_PLACES]["E8"].comment else "")

    # the hub's AccountGUID and ЕЛС filled in; the store holds exactly the good rows
    sheet = book[ACCOUNTS_MAIN]
    filled_in = {sheet[f"B{r}"].value: (sheet[f"C{r}"].value, sheet[f"D{r}"].value) for r in range(3, 6)}
    stored = get(hut, f"/accounts?house={house.fias}&limit=200", token).json()["items"]
    assert {a["account_number"]: (a["account_guid"], a["unified_account_number"]) for a in stored} == filled_in
    assert all(g and n for g, n in filled_in.values())


def test_soap_and_excel_give_the_same_objects_and_codes(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    token = token_for(hut, "a")
    results: dict[str, Any] = {}
    for path in ("soap", "excel"):
        house = new_house(hut, org, 3)
        tag = f"{path}-{uuid.uuid4().hex[:6]}"
        records = [
            AccountRecord(f"{tag}-1", house.premises[0], persons=2, total="54.3", renter=True, surname="Иванов",
                          name="Иван", snils="12345678901"),
            AccountRecord(f"{tag}-2", house.premises[1], share="50"),
            AccountRecord(f"{tag}-3", str(uuid.uuid4())),  # no such premises
            AccountRecord(f"{tag}-4", house.premises[2], share="100", type="РСО"),
        ]  # fmt: skip
        if path == "soap":
            state = send(hut, org, accounts_request(records), "importAccountData")
            found = {
                c.findtext(f"{{{BASE}}}TransportGUID"): [
                    e.text for e in c.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")
                ]
                for c in state.iter(f"{{{HM}}}CommonResult")
            }
            errors = [found[r.transport_guid] for r in records]
        else:
            status = upload(hut, token, filled(template(hut, token, "accounts"), accounts_rows(records)))
            _name, book = result(hut, token, status["upload_id"])
            errors = [[c] if c != "Обработано" else [] for c in codes(statuses(book, ACCOUNTS_MAIN))]
        stored = get(hut, f"/accounts?house={house.fias}&limit=200", token).json()["items"]
        views = sorted((same_shape(comparable(a)) for a in stored), key=str)
        results[path] = (errors, views)
    assert results["soap"][0] == results["excel"][0]
    assert results["soap"][0][2] and not results["soap"][0][0]
    assert results["soap"][1] == results["excel"][1]
