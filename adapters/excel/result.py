"""The result workbook ``<original name>__Результат.xlsx``: the uploaded sheets as they were, a
«Статус обработки» column on every data sheet, the GUIDs and unique numbers the hub assigned
filled in, and each bad cell marked (fill and a comment with the reason).

Read with calamine, written with openpyxl's write-only mode: a 100 000-row file streams through
in bounded memory (the rows of one sheet at a time).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from copy import copy
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from adapters.excel.editions import as_uploaded
from adapters.excel.kinds import FIRST_DATA_ROW, HEADER_ROW, STATUS_HEADER, Kind, Sheet
from adapters.excel.reader import kind_of, open_workbook
from hub.services.uploads import RowOutcome

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE")
AUTHOR = "zhkh-hub"
DONE = "Обработано"
PENDING = "Обрабатывается"


def status_text(outcome: RowOutcome | None) -> str:
    if outcome is None or outcome.ok is None:
        return PENDING if outcome is not None else ""
    if outcome.ok:
        return DONE
    return f"Ошибка: {outcome.code} {outcome.text}"


def result_name(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if stem.lower().endswith(".xlsx"):
        stem = stem[:-5]
    return f"{stem}__Результат.xlsx"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime | date) or value != "":
        return value
    return None


def _links(workbook: Any, kind: Kind) -> dict[str, int]:
    """The main sheet's record number → its row (for a secondary sheet's rows)."""
    main = kind.main
    index = next((i for i, c in enumerate(main.columns) if c.key == "record"), None)
    if index is None:
        return {}
    sheet = workbook.get_sheet_by_name(main.name)
    first = (sheet.start or (0, 0))[0] + 1
    found: dict[str, int] = {}
    for number, values in enumerate(sheet.iter_rows(), start=first):
        if number >= FIRST_DATA_ROW and index < len(values) and values[index] != "":
            value = _plain(values[index])
            found[str(value).strip()] = number
    return found


def build(data: bytes, outcomes: Mapping[tuple[str, int], RowOutcome]) -> bytes:
    source = open_workbook(data, "upload")
    kind: Kind | None
    try:
        kind = as_uploaded(source, kind_of(source))
    except Exception:
        kind = None
    specs: dict[str, Sheet] = {s.name: s for s in kind.sheets} if kind else {}
    links = _links(source, kind) if kind and len(kind.sheets) > 1 else {}
    hidden = {m.name for m in source.sheets_metadata if str(m.visible).rsplit(".", 1)[-1] != "Visible"}
    target = Workbook(write_only=True)
    styles: dict[str, Any] = {}  # a status fill's colour → its cell style in ``target``
    try:
        for name in source.sheet_names:
            sheet = target.create_sheet(name)
            if name in hidden:
                sheet.sheet_state = "hidden"
            spec = specs.get(name)
            read = source.get_sheet_by_name(name)
            first = (read.start or (0, 0))[0] + 1
            for _ in range(1, first):
                sheet.append([])
            for number, values in enumerate(read.iter_rows(), start=first):
                row = [_plain(v) for v in values]
                if spec is None:
                    sheet.append(row)
                else:
                    sheet.append(_row(sheet, spec, number, row, outcomes, links, kind, styles))
    except BaseException:
        _discard(target)
        raise
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def _discard(target: Workbook) -> None:
    """A build given up half-way (a prepared result whose rows stalled): close its sheets and
    remove their temporary files, which openpyxl's write-only mode removes only on save."""
    for sheet in target.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _row(sheet: Any, spec: Sheet, number: int, row: list[Any], outcomes: Mapping[tuple[str, int], RowOutcome],
         links: dict[str, int], kind: Kind | None, styles: dict[str, Any]) -> list[Any]:  # fmt: skip
    width = len(spec.columns)
    row = (row + [None] * width)[:width] if len(row) < width else row[:width]
    if number == HEADER_ROW:
        header = WriteOnlyCell(sheet, STATUS_HEADER)
        header.font = Font(bold=True)
        return [*row, header]
    if number < FIRST_DATA_ROW or all(v is None for v in row):
        return row
    outcome = outcomes.get((spec.name, number))
    if outcome is None and spec.link is not None and kind is not None:
        index = next(i for i, c in enumerate(spec.columns) if c.key == spec.link)
        owner = links.get(str(row[index]).strip()) if row[index] is not None else None
        if owner is not None:
            outcome = outcomes.get((kind.main.name, owner))
    cells: list[Any] = []
    for index, column in enumerate(spec.columns):
        value = row[index]
        if outcome is not None and outcome.ok and column.result:
            value = outcome.values.get(column.result) or value
        if outcome is not None and outcome.ok is False and outcome.column == column.header:
            cell = WriteOnlyCell(sheet, value)
            cell.fill = BAD_FILL
            cell.comment = Comment(f"{outcome.code} {outcome.text}", AUTHOR, width=300, height=90)
            cells.append(cell)
        else:
            cells.append(value)
    status = WriteOnlyCell(sheet, status_text(outcome))
    if outcome is not None and outcome.ok is not None:
        status._style = copy(_filled(sheet, GOOD_FILL if outcome.ok else BAD_FILL, styles))
    return [*cells, status]


def _filled(sheet: Any, fill: PatternFill, styles: dict[str, Any]) -> Any:
    """The style of a cell with ``fill``, registered in the workbook once: setting ``cell.fill``
    looks the fill up by its hash, and 100 000 status cells spent a fifth of the file's time
    hashing the same two fills."""
    key = fill.fgColor.rgb
    if key not in styles:
        cell = WriteOnlyCell(sheet)
        cell.fill = fill
        styles[key] = cell._style
    return styles[key]
