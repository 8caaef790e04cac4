"""Accounts (ЛС) by Excel over HTTP on both shapes, and the same records by SOAP and by Excel giving
the same objects and the same error codes."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.excel.adapter import ExcelAdapter
from hub import ns
from testkit.accounts import export_request
from testkit.uploads import (
    ACCOUNTS_MAIN,
    ACCOUNTS_PLACES,
    ACCOUNTS_REASONS,
    AccountReason,
    AccountRecord,
    accounts_request,
    accounts_rows,
)
from tests.accounts.test_e2e import new_house, send
from tests.e2e.harness import HubUnderTest, Org
from tests.e2e.rest import get, token_for
from tests.e2e.test_rest_writes import comparable
from tests.real_contract import assert_valid_under_real_xsd
from tests.uploads.workbooks import NoData, filled, first_edition, result, statuses, template, upload

HM, BASE = ns.HOUSE_MANAGEMENT, ns.BASE


#: what the hub assigns anew for every import: numbers, besides the GUIDs and times ``comparable`` drops
ASSIGNED = ("account_number", "unified_account_number", "service_id")


def same_shape(view: Any) -> Any:
    if isinstance(view, dict):
        return {k: same_shape(v) for k, v in view.items() if k not in ASSIGNED}
    if isinstance(view, list):
        return [same_shape(v) for v in view]
    return view


ORG_VERSION, CONTRACT = str(uuid.uuid4()), str(uuid.uuid4())


def stored_reasons(hut: HubUnderTest, org: Org, guids: list[str]) -> list[str]:
    """The AccountReasons the hub echoes on export, each as canonical XML (accounts without none)."""
    state = send(hut, org, export_request("AccountGUID", guids), "exportAccountData")
    found = [etree.tostring(r, method="c14n").decode() for r in state.iter(f"{{{HM}}}AccountReasons")]
    return sorted(found)


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
            AccountRecord(f"{tag}-4", house.premises[2], share="100", type="РСО", org=ORG_VERSION, reasons=(
                AccountReason("TKOContract", number="ТКО-7", signed="2026-01-15", entry="2026-02-01"),
                AccountReason("SupplyResourceContract", number="Д-12", signed="2025-12-01", written=True),
                AccountReason("SocialHireContract", contract=CONTRACT),
            )),
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
        results[path] = (errors, views, stored_reasons(hut, org, [a["account_guid"] for a in stored]))
    assert results["soap"][2] == results["excel"][2]
    assert len(results["soap"][2]) == 1 and "ТКО-7" in results["soap"][2][0]
    assert results["soap"][0] == results["excel"][0]
    assert results["soap"][0][2] and not results["soap"][0][0]
    assert results["soap"][1] == results["excel"][1]


def test_accounts_upload_payer_organizations_and_bases(hut: HubUnderTest) -> None:
    """Edition 2: the payer an organization (or entrepreneur) by orgVersionGUID, the «Основания»
    sheet; good rows stored, bad ones reported with their code and cell, nothing else stored."""
    org = hut.orgs["a"]
    token = token_for(hut, "a")
    house = new_house(hut, org, 5)
    tag = uuid.uuid4().hex[:6]
    main = [
        (1, f"{tag}-1", None, None, "РСО", None, None, None, None, None, None, None, None, ORG_VERSION),
        (2, f"{tag}-2", None, None, "УО", None, None, None, None, "Иванов", "Иван", None, None, None),
        (3, f"{tag}-3", None, None, "УО", None, None, None, None, "Петров", "Петр", None, None, ORG_VERSION),  # both
        (4, f"{tag}-4", None, None, "УО", None, None, None, None, None, None, None, None, None),  # bad basis
        (5, f"{tag}-5", None, None, "УО", None, None, None, None, None, None, None, None, None),  # basis w/o date
    ]
    places = [(n, None, house.premises[n - 1], None, 100) for n in range(1, 6)]
    reasons = [
        (1, "Договор ресурсоснабжения", None, "Д-1", "01.12.2025", "да", None, None),
        (1, "Договор по обращению с ТКО", CONTRACT, None, None, None, None, None),
        (2, "Договор найма", None, "Н-2", "2025-11-03", None, "Социального найма", None),
        (4, "Договор найма", CONTRACT, "Н-4", None, None, None, None),  # GUID and number
        (5, "Договор ресурсоснабжения", None, "Д-5", None, "нет", None, None),  # no date
        (9, "Договор найма", CONTRACT, None, None, None, None, None),  # no account 9
    ]
    sheets = {ACCOUNTS_MAIN: main, ACCOUNTS_PLACES: places, ACCOUNTS_REASONS: reasons}
    status = upload(hut, token, filled(template(hut, token, "accounts"), sheets))
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (5, 2, 3)
    _name, book = result(hut, token, status["upload_id"])
    assert codes(statuses(book, ACCOUNTS_MAIN)) == ["Обработано"] * 2 + ["FMT916014", "FMT916014", "FMT916010"]
    assert codes(statuses(book, ACCOUNTS_REASONS)) == ["Обработано"] * 3 + ["FMT916014", "FMT916010", "FMT916009"]
    marked = {
        (sheet, row): next(c.column_letter for c in book[sheet][row] if c.comment is not None)
        for sheet, row in ((ACCOUNTS_MAIN, 5), (ACCOUNTS_REASONS, 6), (ACCOUNTS_REASONS, 7), (ACCOUNTS_REASONS, 8))
    }
    assert marked == {(ACCOUNTS_MAIN, 5): "N", (ACCOUNTS_REASONS, 6): "D", (ACCOUNTS_REASONS, 7): "E",
                      (ACCOUNTS_REASONS, 8): "A"}  # fmt: skip

    stored = get(hut, f"/accounts?house={house.fias}&limit=200", token).json()["items"]
    by_number = {a["account_number"]: a for a in stored}
    assert sorted(by_number) == [f"{tag}-1", f"{tag}-2"]
    assert by_number[f"{tag}-1"]["payer"]["org_version_guid"] == ORG_VERSION
    assert by_number[f"{tag}-2"]["payer"]["surname"] == "Иванов"
    first, second = (stored_reasons(hut, org, [by_number[f"{tag}-{n}"]["account_guid"]]) for n in (1, 2))
    assert len(first) == 1 and first[0].index("SupplyResourceContract") < first[0].index("TKOContract")
    assert "IsContract>true</" in first[0] and CONTRACT in first[0]
    assert "Type>D</" in second[0] and "2025-11-03" in second[0]


def test_accounts_upload_of_a_first_edition_template(hut: HubUnderTest) -> None:
    """A template without the payer organization column and «Основания» is read as it was."""
    token = token_for(hut, "a")
    house = new_house(hut, hut.orgs["a"], 1)
    tag = uuid.uuid4().hex[:6]
    old = first_edition(template(hut, token, "accounts"))
    main = [(1, f"{tag}-1", None, None, "УО", 1, None, None, None, "Сидоров", "Олег", None, None)]
    data = filled(old, {ACCOUNTS_MAIN: main, ACCOUNTS_PLACES: [(1, None, house.premises[0], None, 100)]})
    status = upload(hut, token, data)
    assert (status["rows_done"], status["rows_failed"]) == (1, 0)
    _name, book = result(hut, token, status["upload_id"])
    assert ACCOUNTS_REASONS not in book.sheetnames
    headers = [c.value for c in book[ACCOUNTS_MAIN][2]]
    assert headers[-2:] == ["СНИЛС", "Статус обработки"] and book[ACCOUNTS_MAIN]["C3"].value


def test_payer_organization_and_bases_are_valid_under_the_real_xsd(real_contract: Path) -> None:
    adapter = ExcelAdapter()
    records = [
        AccountRecord("1", str(uuid.uuid4()), org=ORG_VERSION, reasons=(
            AccountReason("TKOContract", number="1", signed="2026-01-15", entry="2026-02-01"),
            AccountReason("SocialHireContract", number="2", signed="2026-01-15", hire="S"),
            AccountReason("SupplyResourceContract", contract=CONTRACT),
            AccountReason("SupplyResourceContract", number="3", signed="2025-12-01", written=False),
        )),
    ]  # fmt: skip
    data = filled(adapter.template("accounts", NoData()), accounts_rows(records))
    parsed = adapter.read(data, NoData(), "ЛС.xlsx")
    assert parsed.problems == [] and len(parsed.batches) == 1
    request = parsed.batches[0].make([0])
    assert_valid_under_real_xsd(request, real_contract)
    kinds = [etree.QName(r).localname for r in request.iterfind(f"{{{HM}}}Account/{{{HM}}}AccountReasons/*")]
    assert kinds == ["SupplyResourceContract", "SupplyResourceContract", "SocialHireContract", "TKOContract"]
    assert request.findtext(f"{{{HM}}}Account/{{{HM}}}PayerInfo/{{{HM}}}Org/*") == ORG_VERSION
