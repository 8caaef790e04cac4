"""Reading an uploaded workbook with calamine: the template's kind, its columns, its rows.

Whole-file faults (not a workbook, an unknown TYPE/VERSION, a missing or renamed column, an empty
main sheet, too many rows, a column whose every cell has the wrong type) raise HubError with the
sheet, row and column; a single bad cell becomes a problem of its row, which is then not sent.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
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
        known = "; ".join(f"{k.type} {k.version}" for k in BY_CONF.values())
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


@dataclass
class SheetStats:
    """What a streamed sheet counted: its data rows (known once the rows are consumed)."""

    rows: int = 0


def iter_sheet(workbook: CalamineWorkbook, spec: Sheet, budget: int, stats: SheetStats) -> Iterator[Row]:
    """The data rows of one sheet as they are read (empty rows skipped); HubError for a
    whole-sheet fault — the header at once, a column wrong in every row once the rows are read."""
    if spec.name not in workbook.sheet_names:
        raise HubError(E.FMT916006, "Лист шаблона отсутствует или переименован", where=place(spec.name))
    first, rows, last = _sheet_rows(workbook, spec.name)
    if last - FIRST_DATA_ROW + 1 > budget:
        raise HubError(
            E.FMT916008, f"Последняя строка {last}, допускается строк данных: {MAX_ROWS}", where=place(spec.name)
        )
    header: list[Any] = []
    wrong: dict[int, int] = {}
    first_data: int | None = None
    for number, values in enumerate(rows, start=first):
        if number == HEADER_ROW:
            header = values
            _check_headers(spec, header)
            continue
        if number < FIRST_DATA_ROW or all(cells.is_empty(v) for v in values):
            continue
        if not header:
            _check_headers(spec, header)
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
        stats.rows += 1
        first_data = first_data or number
        yield row
    if not header:
        _check_headers(spec, header)
    for index, count in wrong.items():
        if stats.rows > 1 and count == stats.rows:
            column = spec.columns[index]
            raise HubError(
                E.FMT916009,
                f"ни в одной строке «{column.header}» не содержит значение нужного типа ({column.type})",
                where=place(spec.name, first_data, index, column.header),
            )


def read_sheet(workbook: CalamineWorkbook, spec: Sheet, budget: int) -> list[Row]:
    """The data rows of one sheet, all in memory (the kinds whose sheets refer to each other)."""
    return list(iter_sheet(workbook, spec, budget, SheetStats()))


def read_rows(workbook: CalamineWorkbook, kind: Kind, stats: SheetStats) -> dict[str, Iterable[Row]]:
    """Every sheet's data rows. A one-sheet kind's rows are streamed (a 100 000-row file is never
    all in memory as rows: its mapper takes them in batches); ``stats`` counts the main sheet's —
    call :func:`check_not_empty` once they are consumed."""
    if len(kind.sheets) == 1:
        return {kind.main.name: iter_sheet(workbook, kind.main, MAX_ROWS, stats)}
    found: dict[str, Iterable[Row]] = {}
    budget = MAX_ROWS
    for spec in kind.sheets:
        rows = read_sheet(workbook, spec, budget)
        found[spec.name] = rows
        budget -= len(rows)
        if spec is kind.main:
            stats.rows = len(rows)
    check_not_empty(kind, stats)
    return found


def check_not_empty(kind: Kind, stats: SheetStats) -> None:
    if not stats.rows:
        raise HubError(E.FMT916007, f"Нет строк данных начиная со строки {FIRST_DATA_ROW}", where=place(kind.main.name))
