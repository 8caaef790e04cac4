"""The Excel adapter as the hub sees it (``hub.services.uploads.FileAdapter``): found through the
``zhkh_hub.adapters`` entry point ``excel = adapters.excel.adapter:create``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.excel import editions, guards, mappers, memory, reader, result, template
from adapters.excel.kinds import KINDS
from adapters.excel.mappers.common import reading_file
from hub.errors import E, HubError
from hub.services.uploads import KindInfo, Lookups, ParsedFile, RowOutcome


class ExcelAdapter:
    name = "excel"

    def kinds(self) -> Sequence[KindInfo]:
        return [kind.info for kind in KINDS.values()]

    def sniff(self, head: bytes, filename: str) -> bool:
        """Zip (xlsx) or OLE (encrypted xlsx, legacy xls) bytes, or an Excel file name: this
        adapter gives such a file its precise refusal rather than "unknown format"."""
        return head.startswith((guards.ZIP_MAGIC, guards.OLE_MAGIC)) or filename.lower().endswith(
            (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm")
        )

    def template(self, kind: str, lookups: Lookups) -> bytes:
        found = KINDS.get(kind)
        if found is None:
            raise HubError(E.FMT916012, f"Вид {kind!r}; есть: {', '.join(KINDS)}")
        return template.build(found, lookups)

    def template_name(self, kind: str) -> str:
        return template.file_name(KINDS[kind])

    def read(self, data: bytes, lookups: Lookups, filename: str) -> ParsedFile:
        guards.check(data, filename)
        workbook = reader.open_workbook(data, filename)
        kind = editions.as_uploaded(workbook, reader.kind_of(workbook))
        stats = reader.SheetStats()
        rows = reader.read_rows(workbook, kind, stats)
        with reading_file(data):
            batches, problems = mappers.MAPPERS[kind.kind](rows, lookups)
        reader.check_not_empty(kind, stats)
        del workbook, rows
        memory.release()
        return ParsedFile(kind=KINDS[kind.kind].info, batches=batches, problems=problems, rows_total=stats.rows)

    def result(self, data: bytes, outcomes: Mapping[tuple[str, int], RowOutcome]) -> bytes:
        built = result.build(data, outcomes)
        memory.release()
        return built

    def result_name(self, filename: str) -> str:
        return result.result_name(filename)


def create() -> ExcelAdapter:
    return ExcelAdapter()
