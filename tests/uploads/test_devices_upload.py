"""Metering devices (ПУ) by Excel over HTTP on both shapes; then their readings by Excel, with the
device GUIDs taken from the devices' result file — the round trip an organization makes."""

from __future__ import annotations

import io
import uuid

from openpyxl import load_workbook

from testkit.uploads import READINGS_SHEET, readings_rows
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import token_for
from tests.uploads.setup import house_with_accounts
from tests.uploads.workbooks import filled, result, statuses, template, upload

SHEET = "Сведения о ПУ"
FLAT = "ИПУ в жилом помещении"


def codes(texts: list[str]) -> list[str]:
    return [t.split()[1] if t.startswith("Ошибка:") else t for t in texts]


def test_devices_upload_then_readings_from_its_result(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    house, accounts = house_with_accounts(hut, hut.orgs["a"], 4)
    blank = template(hut, token, "devices")
    book = load_workbook(io.BytesIO(blank))
    assert book["conf"]["B1"].value == "ImpMDDatav2"
    assert book["ЕИ"].sheet_state == "hidden" and ("113", "м³", "113 м³") in book["ЕИ"].iter_rows(values_only=True)
    assert any("'ЕИ'" in v.formula1 for v in book[SHEET].data_validations.dataValidation)

    def row(n: int, **changes: object) -> tuple[object, ...]:
        values: dict[str, object] = {
            "number": f"ПУ-{uuid.uuid4().hex[:8]}", "kind": FLAT, "stamp": "Пульсар", "model": "СВК-15",
            "place": house.premises[n], "account": accounts[n], "remote": "нет", "resource": "1", "unit": "113 м³",
            "t1": 12.5,
            "t2": None, "t3": None, "ratio": None, "installed": "10.01.2024", "commissioned": "15.01.2024",
            "verified": "01.12.2023", "interval": None, "sealed": "01.12.2023", "temperature": "нет", "pressure": "нет",
        } | changes  # fmt: skip
        return tuple(values.values())

    rows = [
        row(0),
        row(1, resource="2", remote="да"),
        row(2, account=None),  # an individual meter needs its account → FMT916010
        row(3, account=str(uuid.uuid4())),  # no such account → the hub's rule
        row(3, installed="32.01.2024"),  # no such date
        row(3, unit="999"),  # no such unit
    ]
    status = upload(hut, token, filled(blank, {SHEET: rows}), "ПУ.xlsx")
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (6, 2, 4)
    _name, book = result(hut, token, status["upload_id"])
    got = codes(statuses(book, SHEET))
    assert got[:2] == ["Обработано"] * 2 and got[2] == "FMT916010" and got[4:] == ["FMT916009", "FMT916009"]
    assert got[3].startswith(("INT", "AUT")), got
    sheet = book[SHEET]
    header = [c.value for c in sheet[2]]
    root, version, unique = (
        header.index(h) + 1 for h in ("Идентификатор ПУ в ГИС ЖКХ", "Идентификатор версии ПУ", "Уникальный номер ПУ")
    )
    roots = [sheet.cell(row=r, column=root).value for r in (3, 4)]
    assert all(roots) and all(sheet.cell(row=r, column=version).value for r in (3, 4))
    assert all(sheet.cell(row=r, column=unique).value for r in (3, 4))
    assert sheet.cell(row=5, column=root).value is None

    # the readings of the two new meters, by the GUIDs the result gave
    readings = filled(template(hut, token, "readings"), {READINGS_SHEET: [
        readings_rows([roots[0]], resource="1", value="13")[0],
        readings_rows([roots[1]], resource="2", value="14")[0],
    ]})  # fmt: skip
    done = upload(hut, token, readings)
    assert (done["rows_done"], done["rows_failed"]) == (2, 0)
