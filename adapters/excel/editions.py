"""Template editions: sheets and columns added to a kind without changing its TYPE/VERSION.

A template downloaded before an addition must still be accepted (organizations keep their
filled copies for months), so a kind's table holds every sheet and column with the edition that
added it (``since``), and the hidden ``conf`` sheet of a template built now says its edition
(``EDITION``; a file without it is edition 1). A file is read as the kind of its edition: the
columns its edition did not have are dropped (they come last on their sheet, so the headers of an
older file still match position by position), and so is an added sheet the file lacks (an
operator may delete a sheet they never fill). Reading the edition costs one look at ``conf``;
no data sheet is read twice.
"""

from __future__ import annotations

from dataclasses import replace

from python_calamine import CalamineWorkbook

from adapters.excel import cells
from adapters.excel.kinds import CONF_SHEET, Kind

#: the conf key of the edition (written when a kind has had an addition: ``Kind.edition``)
EDITION_KEY = "EDITION"


def edition(workbook: CalamineWorkbook) -> int:
    """The file's template edition (1 when its conf sheet does not say)."""
    if CONF_SHEET not in workbook.sheet_names:
        return 1
    for row in workbook.get_sheet_by_name(CONF_SHEET).iter_rows():
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip().upper() == EDITION_KEY:
            text = cells._text(row[1])
            return int(text) if text.isdigit() else 1
    return 1


def as_uploaded(workbook: CalamineWorkbook, kind: Kind) -> Kind:
    """The kind as this file's edition has it (the main sheet is always there)."""
    number = edition(workbook)
    sheets = []
    for index, sheet in enumerate(kind.sheets):
        if index and (sheet.since > number or (sheet.since > 1 and sheet.name not in workbook.sheet_names)):
            continue
        columns = tuple(c for c in sheet.columns if c.since <= number)
        sheets.append(sheet if len(columns) == len(sheet.columns) else replace(sheet, columns=columns))
    return kind if sheets == list(kind.sheets) else replace(kind, sheets=tuple(sheets))
