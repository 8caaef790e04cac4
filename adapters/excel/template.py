"""A kind's template workbook (openpyxl, write-only): GIS-style sheets, hidden ``conf`` and lookups.

Row 1 names the template, row 2 holds the headers with a note on each saying what the column
wants, data starts in row 3. NSI code columns get a hidden lookup sheet (``НСИ <n>``: code,
name, "code name") and a drop-down list over it; fixed choices get an inline list.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from adapters.excel.editions import EDITION_KEY
from adapters.excel.kinds import CONF_SHEET, FIRST_DATA_ROW, Kind
from adapters.excel.reader import column_letter
from hub.services.uploads import Lookups

AUTHOR = "zhkh-hub"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
RESULT_FILL = PatternFill("solid", fgColor="E7E6E6")
LAST_ROW = 1_048_576


def lookup_sheet(registry: int) -> str:
    return f"НСИ {registry}"


def build(kind: Kind, lookups: Lookups) -> bytes:
    workbook = Workbook(write_only=True)
    books = {c.nsi for s in kind.sheets for c in s.columns if c.nsi is not None}
    items = {registry: list(lookups.nsi_items(registry)) for registry in sorted(books)}
    for spec in kind.sheets:
        sheet = workbook.create_sheet(spec.name)
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
        title = WriteOnlyCell(sheet, kind.template)
        title.font = Font(bold=True)
        sheet.append([title])
        headers = []
        for index, column in enumerate(spec.columns):
            cell = WriteOnlyCell(sheet, column.header)
            cell.font = Font(bold=True)
            cell.fill = RESULT_FILL if column.result else HEADER_FILL
            note = column.note + (" Обязательное поле." if column.required else "")
            cell.comment = Comment(note.strip() or column.header, AUTHOR, width=300, height=90)
            headers.append(cell)
            area = f"{column_letter(index)}{FIRST_DATA_ROW}:{column_letter(index)}{LAST_ROW}"
            if column.nsi is not None and items.get(column.nsi):
                count = len(items[column.nsi])
                formula = f"='{lookup_sheet(column.nsi)}'!$C$1:$C${count}"
                validation = DataValidation(type="list", formula1=formula, allow_blank=not column.required)
            elif column.lookup is not None:
                formula = f"='{column.lookup[0]}'!$C$1:$C${len(column.lookup[1])}"
                validation = DataValidation(type="list", formula1=formula, allow_blank=not column.required)
            elif column.choices:
                validation = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True)
            else:
                continue
            validation.error = f"Выберите значение из списка: {column.header}"
            validation.add(area)
            sheet.data_validations.append(validation)
        sheet.append(headers)
    for registry, rows in items.items():
        lookup = workbook.create_sheet(lookup_sheet(registry))
        lookup.sheet_state = "hidden"
        for code, _guid, name in rows:
            lookup.append([code, name, f"{code} {name}"])
    for name, codes in {c.lookup[0]: c.lookup[1] for s in kind.sheets for c in s.columns if c.lookup}.items():
        lookup = workbook.create_sheet(name)
        lookup.sheet_state = "hidden"
        for code, title in codes.items():
            lookup.append([code, title, f"{code} {title}"])
    conf = workbook.create_sheet(CONF_SHEET)
    conf.sheet_state = "hidden"
    conf.append(["TYPE", kind.type])
    conf.append(["VERSION", kind.version])
    if kind.edition > 1:  # a kind never added to keeps GIS's conf as it is
        conf.append([EDITION_KEY, kind.edition])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(kind: Kind) -> str:
    return f"{kind.template}.xlsx"
