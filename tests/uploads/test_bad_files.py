"""Files the hub refuses whole, over HTTP on both shapes: each with its code, its place (sheet, row,
column) and Russian text, nothing stored (no upload, no message)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from hub.store.tables import uploads
from testkit.uploads import READINGS_SHEET
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import token_for
from tests.uploads.workbooks import filled, post_file, template

GOOD_ROW = ("0b4c1a52-3a5e-4d4c-9a9e-1f0c8d6e2a11", "1", 10, None, None, "20.11.2026")


def stored(hut: HubUnderTest) -> tuple[int, int]:
    with hut.hub.store.reading() as conn:
        count = int(conn.execute(select(func.count()).select_from(uploads)).scalar_one())
    return count, hut.inbox_count()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook's zip with one more member (deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return buffer.getvalue()


def edited(data: bytes, edit: Callable[..., None]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set(sheet: str, cell: str, value: object) -> Callable[..., None]:
    def edit(book: object) -> None:
        book[sheet][cell] = value  # type: ignore[index]

    return edit


def _drop_conf(book: object) -> None:
    del book["conf"]  # type: ignore[attr-defined]


def _far_row(book: object) -> None:
    book[READINGS_SHEET].cell(row=1_000_010, column=1, value="x")  # type: ignore[index]


CASES: dict[str, tuple[str, Callable[[bytes, bytes], bytes], str, str | None]] = {
    # case: (file name, how (good file, blank template) is spoiled, code, a part of the place)
    "not a workbook": ("readings.csv", lambda good, blank: "ПУ;Т1\n1;10\n".encode(), "FMT916001", None),
    "text named xlsx": ("readings.xlsx", lambda good, blank: b"hello, world", "FMT916001", None),
    "legacy xls": (
        "readings.xls",
        lambda good, blank: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "FMT916001",
        None,
    ),
    "encrypted": (
        "readings.xlsx",
        lambda good, blank: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "FMT916002",
        None,
    ),
    "macros": (
        "readings.xlsx",
        lambda good, blank: with_member(good, "xl/vbaProject.bin", b"\x00" * 64),
        "FMT916003",
        None,
    ),
    "xlsm": ("readings.xlsm", lambda good, blank: good, "FMT916003", None),
    "zip bomb": (
        "readings.xlsx",
        lambda good, blank: with_member(good, "xl/media/a.bin", bytes(8 << 20)),
        "FMT916004",
        None,
    ),
    "unknown version": (
        "readings.xlsx",
        lambda good, blank: edited(good, _set("conf", "B2", "9.9.9.9")),
        "FMT916005",
        "conf",
    ),
    "no conf sheet": ("readings.xlsx", lambda good, blank: edited(good, _drop_conf), "FMT916005", "conf"),
    "renamed column": (
        "readings.xlsx",
        lambda good, blank: edited(good, _set(READINGS_SHEET, "C2", "Показание")),
        "FMT916006",
        "строка 2, столбец C «Т1»",
    ),
    "wrong cell types": (
        "readings.xlsx",
        lambda good, blank: edited(good, lambda b: [_set(READINGS_SHEET, f"C{r}", "много")(b) for r in (3, 4)]),
        "FMT916009",
        "столбец C «Т1»",
    ),
    "empty sheet": ("readings.xlsx", lambda good, blank: blank, "FMT916007", READINGS_SHEET),
    "too many rows": ("readings.xlsx", lambda good, blank: edited(good, _far_row), "FMT916008", READINGS_SHEET),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_refused_whole_and_nothing_is_stored(hut: HubUnderTest, case: str) -> None:
    token = token_for(hut, "a")
    blank = template(hut, token, "readings")
    good = filled(blank, {READINGS_SHEET: [GOOD_ROW, GOOD_ROW]})
    name, spoil, code, where = CASES[case]
    data = spoil(good, blank)
    before = stored(hut)
    answer = post_file(hut, token, data, name)
    problem = answer.json()
    assert answer.status_code in (400, 413), problem
    assert problem["code"] == code, problem
    assert problem["title"] and any("а" <= ch <= "я" for ch in problem["title"])
    if where is not None:
        assert where in problem["where"], problem
    assert stored(hut) == before, "a refused file must leave nothing stored"


def test_the_operator_token_uploads_nothing_and_no_token_is_401(hut: HubUnderTest) -> None:
    good = filled(template(hut, token_for(hut, "a"), "readings"), {READINGS_SHEET: [GOOD_ROW]})
    before = stored(hut)
    answer = post_file(hut, token_for(hut, None), good)
    assert (answer.status_code, answer.json()["code"]) == (403, "INT914001")
    answer = post_file(hut, None, good)
    assert (answer.status_code, answer.json()["code"]) == (401, "AUT900013")
    assert stored(hut) == before
