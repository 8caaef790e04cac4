"""Template editions: what a template built now carries for the added sheets and columns, and the
invariant that lets an older file be read (added columns last on their sheet)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from adapters.excel.adapter import ExcelAdapter
from adapters.excel.editions import as_uploaded
from adapters.excel.kinds import KINDS, Kind
from tests.uploads.workbooks import NoData, first_edition


class Lifts(NoData):
    """Lookups of a hub holding NSI 192 (lift types) and nothing else."""

    def nsi_items(self, registry: int) -> list[tuple[str, str, str]]:
        return [("1", "0b7c3a52-5a1e-4c55-9d0e-111111111111", "Пассажирский")] if registry == 192 else []

    def nsi_complete(self, registry: int) -> bool:
        return registry == 192


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_added_columns_come_last_and_the_main_sheet_is_never_added(kind: Kind) -> None:
    assert kind.main.since == 1
    for sheet in kind.sheets:
        editions = [c.since for c in sheet.columns]
        assert editions == sorted(editions), sheet.name
        assert sheet.since == 1 or set(editions) == {1}  # an added sheet's columns are its own


@pytest.mark.parametrize("kind", ["houses", "accounts", "bills"])
def test_templates_carry_the_added_parts_with_notes_and_lists(kind: str) -> None:
    spec = KINDS[kind]
    book = load_workbook(io.BytesIO(ExcelAdapter().template(kind, Lifts())))
    conf = {r[0]: r[1] for r in book["conf"].iter_rows(values_only=True)}
    assert conf == {"TYPE": spec.type, "VERSION": spec.version, "EDITION": 2}
    for sheet in spec.sheets:
        headers = book[sheet.name][2]
        assert [c.value for c in headers] == list(sheet.headers)
        assert all(c.comment is not None and c.comment.text for c in headers)
        listed = {str(v.sqref).split(":")[0][:-1] for v in book[sheet.name].data_validations.dataValidation}
        wanted = {
            chr(65 + i) for i, c in enumerate(sheet.columns) if c.choices or c.lookup or (c.nsi == 192)
        }  # the books this hub holds items of: NSI 192 only
        assert wanted <= listed, (sheet.name, wanted, listed)


@pytest.mark.parametrize("kind", ["houses", "accounts", "bills"])
def test_a_first_edition_file_is_read_without_the_added_parts(kind: str) -> None:
    spec = KINDS[kind]
    old = first_edition(ExcelAdapter().template(kind, Lifts()))
    seen = as_uploaded(CalamineWorkbook.from_filelike(io.BytesIO(old)), spec)
    assert [s.name for s in seen.sheets] == [s.name for s in spec.sheets if s.since == 1]
    for sheet in seen.sheets:
        assert all(c.since == 1 for c in sheet.columns)
    new = as_uploaded(CalamineWorkbook.from_filelike(io.BytesIO(ExcelAdapter().template(kind, Lifts()))), spec)
    assert new is spec
