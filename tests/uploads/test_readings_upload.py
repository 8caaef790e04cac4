"""Readings (показания ПУ) by Excel over HTTP on both shapes: template → filled rows, good and bad
→ upload → progress → the result workbook's status on every row; the store holds the good ones."""

from __future__ import annotations

import io
import uuid
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from hub.areas.readings.tables import meter_readings
from hub.store.tables import inbox, inbox_payloads
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import get, token_for
from tests.uploads.setup import cold_water_meters
from tests.uploads.workbooks import filled, result, statuses, template, upload

SHEET = "Импорт показаний"


def stored_readings(hut: HubUnderTest) -> int:
    with hut.hub.store.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(meter_readings)).scalar_one())


def test_the_template_is_gis_style(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    book = load_workbook(io.BytesIO(template(hut, token, "readings")))
    assert book.sheetnames[0] == SHEET
    assert book["conf"].sheet_state == "hidden"
    assert [tuple(r) for r in book["conf"].iter_rows(values_only=True)] == [("TYPE", "PU"), ("VERSION", "11.0.0.1")]
    sheet = book[SHEET]
    headers = [c.value for c in sheet[2]]
    assert headers == ["Идентификатор ПУ в ГИС ЖКХ", "Коммунальный ресурс", "Т1", "Т2", "Т3", "Дата снятия показания"]
    assert all(c.comment is not None and c.comment.text for c in sheet[2])  # a note on every header
    assert sheet.freeze_panes == "A3"
    assert get(hut, "/templates/nothing.xlsx", token).json()["code"] == "FMT916012"


def test_readings_upload_applies_good_rows_and_reports_bad_ones(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    roots = cold_water_meters(hut, hut.orgs["a"])
    before = stored_readings(hut)
    rows = [
        (roots[0], "1", 20.5, None, None, date(2026, 11, 20)),  # good: a date cell
        (roots[1], "1", "21,25", None, None, "20.11.2026"),  # good: text number and text date
        (roots[2], None, 22, None, None, "2026-11-20"),  # good: the resource is the meter's own
        (roots[0], "1", 30, None, None, "31.02.2026"),  # no such date → a row problem, not sent
        (str(uuid.uuid4()), "1", 30, None, None, "20.11.2026"),  # unknown meter → the worker's INT002000
        (roots[1], "2", 30, None, None, "20.11.2026"),  # hot water on a cold-water meter → INT912002
        (roots[2], "1", None, None, None, "20.11.2026"),  # no value → FMT916010
        (roots[1], "1", 40, None, None, "21.11.2026"),  # the same meter twice in a month → INT912008
    ]
    data = filled(template(hut, token, "readings"), {SHEET: rows})
    status = upload(hut, token, data, "Показания ноябрь.xlsx")
    assert (status["kind"], status["rows_total"]) == ("readings", 8)
    name, book = result(hut, token, status["upload_id"])
    assert (status["rows_done"], status["rows_failed"]) == (3, 5), statuses(book, SHEET)
    assert len(status["message_guids"]) == 1  # ≤ 1000 readings a message

    assert name == "Показания ноябрь__Результат.xlsx"
    got = statuses(book, SHEET)
    assert got[:3] == ["Обработано"] * 3
    codes = [s.split()[1] if s.startswith("Ошибка:") else s for s in got[3:]]
    assert codes == ["FMT916009", "INT002000", "INT912002", "FMT916010", "INT912008"], got
    # the bad cell is marked: a fill and a comment with the reason
    bad_date = book[SHEET]["F6"]
    assert bad_date.comment is not None and "FMT916009" in bad_date.comment.text
    assert bad_date.fill.fgColor.rgb.endswith("FFC7CE")
    # the uploaded cells are kept as they were
    assert book[SHEET]["A3"].value == roots[0] and book[SHEET]["C3"].value == 20.5
    assert stored_readings(hut) == before + 3

    # the messages are in the log as uploads, and another organization sees nothing of it
    message = get(hut, f"/messages/{status['message_guids'][0]}", token).json()
    assert (message["source"], message["authenticated_by"]) == ("upload", "token")
    # the request as received is the batch the hub built (stored once: the file is the upload's)
    request = get(hut, f"/messages/{status['message_guids'][0]}/request", token)
    assert request.status_code == 200 and b"importMeteringDeviceValuesRequest" in request.content
    assert roots[0].encode() in request.content
    with hut.hub.store.reading() as conn:
        stored = conn.execute(
            select(func.length(inbox_payloads.c.raw))
            .join(inbox, inbox.c.id == inbox_payloads.c.inbox_id)
            .where(inbox.c.message_guid == status["message_guids"][0])
        ).scalar_one()
    assert stored == 0
    # nobody asked for the batch's signed getStateResult yet: none was signed; asked, it is
    message_guid = status["message_guids"][0]
    assert hut.hub.inbox.find(message_guid).response is None  # type: ignore[union-attr]
    answer = get(hut, f"/messages/{message_guid}/response", token)
    assert answer.status_code == 200 and b"getStateResult" in answer.content and b"<ds:SignatureValue" in answer.content
    assert hut.hub.inbox.find(message_guid).response == answer.content  # type: ignore[union-attr]
    other = token_for(hut, "b")
    assert get(hut, f"/uploads/{status['upload_id']}", other).json()["code"] == "INT002013"
    assert get(hut, f"/uploads/{status['upload_id']}/result", other).status_code == 404


def test_a_value_only_the_schema_refuses_fails_its_row_alone(hut: HubUnderTest) -> None:
    """The batch the XSD refuses is sent again a row at a time: the other rows are applied."""
    token = token_for(hut, "a")
    roots = cold_water_meters(hut, hut.orgs["a"], 2)
    rows = [
        (roots[0], "1", 20, None, None, "20.11.2026"),
        (roots[1], "1", "123456789012345678901234567890", None, None, "20.11.2026"),  # too many digits
    ]
    status = upload(hut, token, filled(template(hut, token, "readings"), {SHEET: rows}))
    assert (status["rows_done"], status["rows_failed"]) == (1, 1)
    assert len(status["message_guids"]) == 1  # the good row's own message; the bad one was never stored
    _name, book = result(hut, token, status["upload_id"])
    got = statuses(book, SHEET)
    assert got[0] == "Обработано" and got[1].startswith("Ошибка: FMT001300"), got
