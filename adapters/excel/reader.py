"""Reading an uploaded workbook with calamine: the template's kind, its columns, its rows.

Whole-file faults (not a workbook, an unknown TYPE/VERSION, a missing or renamed column, an empty
main sheet, too many rows, a column whose every cell has the wrong type) raise HubError with the
sheet, row and column; a single bad cell becomes a problem of its row, which is then not sent.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from adapters.excel import cells
from adapters.excel.kinds import BY_CONF, CONF_SHEET, FIRST_DATA_ROW, HEADER_ROW, Kind, Sheet
from hub.errors import E, HubError
from hub.services.uploads import RowProblem

#: the most data rows one upload may carry (all sheets together)
MAX_ROWS = 1_000_000


@dataclass(slots=True)
class Row:
    sheet: str
    number: int  # as Excel shows it
    values: dict[str, str | None]
    problems: list[RowProblem] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def place(sheet: str, row: int | None = None, column: int | None = None, header: str | None = None) -> str:
    parts = [f"лист «{sheet}»"]
    if row is not None:
        parts.append(f"строка {row}")
    if column is not None:
        parts.append(f"столбец {column_letter(column)}" + (f" «{header}»" if header else ""))
    return ", ".join(parts)


def open_workbook(data: bytes, filename: str) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as error:
        raise HubError(E.FMT916001, f"Книга не читается: {error}", where=filename) from None
    except Exception as error:  # calamine raises its own exception types per format
        raise HubError(E.FMT916001, f"Книга не читается: {type(error).__name__}", where=filename) from None


def _sheet_rows(workbook: CalamineWorkbook, name: str) -> tuple[int, Iterator[list[Any]], int]:
    """(the 1-based number of the first row given, the rows, the number of the last row)."""
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception as error:
        raise HubError(E.FMT916001, f"Лист не читается: {type(error).__name__}", where=place(name)) from None
    start = sheet.start
    end = sheet.end
    if start is None or end is None:
        return 1, iter(()), 0
    return start[0] + 1, sheet.iter_rows(), end[0] + 1


def kind_of(workbook: CalamineWorkbook) -> Kind:
    """The template's kind from the hidden ``conf`` sheet's TYPE and VERSION."""
    if CONF_SHEET not in workbook.sheet_names:
        raise HubError(
            E.FMT916005, "В книге нет листа conf: загрузите шаблон, скачанный из хаба", where=place(CONF_SHEET)
        )
    _first, rows, _last = _sheet_rows(workbook, CONF_SHEET)
    conf: dict[str, str] = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str):
            conf[row[0].strip().upper()] = cells._text(row[1])
    key = (conf.get("TYPE", ""), conf.get("VERSION", ""))
    kind = BY_CONF.get(key)
    if kind is None:
        known = "; ".join(f"{k.info.type} {k.info.version}" for k in BY_CONF.values())
        raise HubError(
            E.FMT916005, f"TYPE {key[0]!r}, VERSION {key[1]!r}; поддерживаются: {known}", where=place(CONF_SHEET)
        )
    return kind


def _check_headers(spec: Sheet, header: list[Any]) -> None:
    for index, column in enumerate(spec.columns):
        found = cells._text(header[index]) if index < len(header) else ""
        if found != column.header:
            detail = f"ожидается «{column.header}», " + (f"указано «{found}»" if found else "столбец пуст")
            raise HubError(E.FMT916006, detail, where=place(spec.name, HEADER_ROW, index, column.header))


def read_sheet(workbook: CalamineWorkbook, spec: Sheet, budget: int) -> list[Row]:
    """The data rows of one sheet (empty rows skipped); HubError for a whole-sheet fault."""
    if spec.name not in workbook.sheet_names:
        raise HubError(E.FMT916006, "Лист шаблона отсутствует или переименован", where=place(spec.name))
    first, rows, last = _sheet_rows(workbook, spec.name)
    if last - FIRST_DATA_ROW + 1 > budget:
        raise HubError(
            E.FMT916008, f"Последняя строка {last}, допускается строк данных: {MAX_ROWS}", where=place(spec.name)
        )
    header: list[Any] = []
    result: list[Row] = []
    wrong: dict[int, int] = {}
    for number, values in enumerate(rows, start=first):
        if number == HEADER_ROW:
            header = values
            _check_headers(spec, header)
            continue
        if number < FIRST_DATA_ROW or all(cells.is_empty(v) for v in values):
            continue
        row = Row(spec.name, number, {})
        for index, column in enumerate(spec.columns):
            value = values[index] if index < len(values) else None
            try:
                row.values[column.key] = cells.read(value, column)
            except cells.CellError as error:
                row.values[column.key] = None
                row.problems.append(RowProblem(spec.name, number, error.code, error.text, column.header))
                if error.wrong_type:
                    wrong[index] = wrong.get(index, 0) + 1
        result.append(row)
    if first > HEADER_ROW or not header:
        _check_headers(spec, header)
    for index, count in wrong.items():
        if len(result) > 1 and count == len(result):
            column = spec.columns[index]
            raise HubError(
                E.FMT916009,
                f"ни в одной строке «{column.header}» не содержит значение нужного типа ({column.type})",
                where=place(spec.name, result[0].number, index, column.header),
            )
    return result


def read_rows(workbook: CalamineWorkbook, kind: Kind) -> dict[str, list[Row]]:
    """Every sheet's data rows; the main sheet must have at least one."""
    found: dict[str, list[Row]] = {}
    budget = MAX_ROWS
    for spec in kind.sheets:
        found[spec.name] = read_sheet(workbook, spec, budget)
        budget -= len(found[spec.name])
    if not found[kind.main.name]:
        raise HubError(E.FMT916007, f"Нет строк данных начиная со строки {FIRST_DATA_ROW}", where=place(kind.main.name))
    return found
