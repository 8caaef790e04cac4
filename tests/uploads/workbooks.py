"""Filling the hub's own templates as an organization would, uploading them over HTTP, reading
the result workbook back."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook

from adapters.excel.kinds import KINDS
from hub.services.ports import MeteringDevice
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import API, get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(hut: HubUnderTest, token: str, kind: str) -> bytes:
    answer = get(hut, f"/templates/{kind}.xlsx", token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    return answer.content


def filled(template_bytes: bytes, rows: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """The template with ``rows`` appended to its sheets (from row 3, as GIS's templates)."""
    book = load_workbook(io.BytesIO(template_bytes))
    for sheet, values in rows.items():
        for row in values:
            book[sheet].append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_file(hut: HubUnderTest, token: str | None, data: bytes, name: str = "Шаблон.xlsx") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return hut.client.post(hut.base_url + API + "/uploads", files={"file": (name, data, XLSX)}, headers=headers)


def upload(hut: HubUnderTest, token: str, data: bytes, name: str = "Шаблон.xlsx") -> dict[str, Any]:
    """Upload, poll until processed (bounded): the final status."""
    answer = post_file(hut, token, data, name)
    assert answer.status_code == 202, answer.text
    upload_id = answer.json()["upload_id"]
    deadline = time.monotonic() + 90
    while True:
        status: dict[str, Any] = get(hut, f"/uploads/{upload_id}", token).json()
        if status["state"] == "processed" or time.monotonic() > deadline:
            assert status["state"] == "processed", status
            return status
        time.sleep(0.1)


def result(hut: HubUnderTest, token: str, upload_id: str) -> tuple[str, Workbook]:
    """The result file's name (from Content-Disposition) and workbook."""
    answer = get(hut, f"/uploads/{upload_id}/result", token)
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["content-disposition"]
    name = httpx.URL("http://x/" + disposition.split("filename*=UTF-8''", 1)[1]).path[1:]
    return name, load_workbook(io.BytesIO(answer.content))


def statuses(book: Workbook, sheet: str) -> list[str]:
    """The «Статус обработки» of every data row (from row 3), in order."""
    rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
    column = list(rows[0]).index("Статус обработки")
    return [str(r[column] or "") for r in rows[1:]]


def first_edition(template_bytes: bytes) -> bytes:
    """The template as it was downloaded before sheets and columns were added to its kind
    (``adapters.excel.editions``): no added sheets, no added columns, no EDITION on conf."""
    book = load_workbook(io.BytesIO(template_bytes))
    conf = book["conf"]
    kind = next(k for k in KINDS.values() if k.type == conf["B1"].value)
    for sheet in kind.sheets:
        if sheet.since > 1:
            del book[sheet.name]
            continue
        added = [i for i, c in enumerate(sheet.columns, start=1) if c.since > 1]
        if added:
            book[sheet.name].delete_cols(added[0], len(added))
    for row in list(conf.iter_rows()):
        if row[0].value == "EDITION":
            conf.delete_rows(row[0].row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class NoData:
    """``Lookups`` of a hub that holds no NSI book whole (codes are taken as they are), no meters
    and no accounts: what the adapter needs to map rows without a store."""

    def nsi_items(self, registry: int) -> list[tuple[str, str, str]]:
        return []

    def nsi_complete(self, registry: int) -> bool:
        return False

    def meters(self, guids: object) -> dict[str, MeteringDevice]:
        return {}

    def accounts(self, keys: object) -> dict[tuple[str, str], str]:
        return {}

    def scoped(self, organization_id: int) -> NoData:
        return self
