"""The result workbook built from outcomes, without a hub: statuses, their fills, marked cells."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._writer import ALL_TEMP_FILES

from adapters.excel import result
from adapters.excel.kinds import READINGS, STATUS_HEADER
from hub.services.uploads import RowOutcome

METER = "0b4c1a52-3a5e-4d4c-9a9e-1f0c8d6e2a11"


def readings_file(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(READINGS.main.name)
    sheet.append([READINGS.template])
    sheet.append(list(READINGS.main.headers))
    for number in range(rows):
        sheet.append([METER, "2", str(10 + number), None, None, "20.11.2026"])
    conf = book.create_sheet("conf")
    conf.append(["TYPE", READINGS.type])
    conf.append(["VERSION", READINGS.version])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_every_row_gets_its_status_with_its_fill_and_a_bad_cell_is_marked() -> None:
    name = READINGS.main.name
    outcomes = {
        (name, 3): RowOutcome(True),
        (name, 4): RowOutcome(False, "INT912003", "Показание меньше предыдущего", column="Т1"),
        (name, 5): RowOutcome(True),
        (name, 6): RowOutcome(None),
    }
    book = load_workbook(io.BytesIO(result.build(readings_file(5), outcomes)))
    sheet = book[name]
    status = len(READINGS.main.columns) + 1
    assert sheet.cell(row=2, column=status).value == STATUS_HEADER
    texts = [sheet.cell(row=r, column=status).value for r in range(3, 8)]
    assert texts == [result.DONE, "Ошибка: INT912003 Показание меньше предыдущего", result.DONE, result.PENDING, None]
    fills = [sheet.cell(row=r, column=status).fill.fgColor.rgb for r in range(3, 6)]
    assert fills == ["00C6EFCE", "00FFC7CE", "00C6EFCE"]
    assert sheet.cell(row=6, column=status).fill.fill_type is None  # still in processing: no fill
    bad = sheet.cell(row=4, column=3)  # Т1
    assert bad.value == "11" and bad.fill.fgColor.rgb == "00FFC7CE"
    assert bad.comment is not None and "INT912003" in bad.comment.text
    assert sheet.cell(row=3, column=3).comment is None and sheet.cell(row=3, column=3).fill.fill_type is None
    assert book["conf"].sheet_state == "visible" and book["conf"]["B1"].value == READINGS.type


def test_a_build_given_up_half_way_leaves_no_temporary_file() -> None:
    """What a prepared result whose rows stalled does: the outcomes raise in the middle."""

    class Stalls(dict[tuple[str, int], RowOutcome]):
        def get(self, key: tuple[str, int], default: RowOutcome | None = None) -> RowOutcome | None:  # type: ignore[override]
            if key[1] > 4:
                raise TimeoutError("stalled")
            return RowOutcome(True)

    before = set(ALL_TEMP_FILES)
    with pytest.raises(TimeoutError):
        result.build(readings_file(5), Stalls())
    assert set(ALL_TEMP_FILES) == before
