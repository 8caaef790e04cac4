"""What every kind's mapper shares: element helpers, NSI codes, batching, row problems.

Each mapper takes the rows of every sheet (rows with a problem are reported, not sent) and
returns batches of at most the kind's per-request limit of objects. Each object carries a
TransportGUID, which is how its per-object result (getState's) finds its way back to its row.

TransportGUIDs are derived from the file's content and the row's place (``transport_guid``), not
drawn at random: an upload whose submission was cut off is read again and resent
(``UploadDesk.resume``), and only the same bytes make the same batches, which the intake then
recognizes as already accepted instead of refusing a reused MessageGUID (INT900001).
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from lxml import etree

from adapters.excel.kinds import Kind
from adapters.excel.reader import Row
from hub import ns
from hub.errors import E
from hub.services.uploads import Batch, Lookups, RowProblem, RowRef

DM, MD, BASE, NSI = ns.DEVICE_METERING, ns.METERING_DEVICE_BASE, ns.BASE, ns.NSI_BASE
HM, ACC, IND = ns.HOUSE_MANAGEMENT, ns.ACCOUNT_BASE, ns.INDIVIDUAL_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_REGISTRY_BASE
#: GUIDs of NSI items for a book the hub does not hold (the hub matches NSI references by code)
_NSI_NS = uuid.UUID("0b8a8f0e-3c2f-4f7e-a1d2-6f1d2b6e9c11")

#: the file being read: its content's digest (``reading_file``)
_FILE: ContextVar[bytes] = ContextVar("upload_file")

Mapped = tuple[list[Batch], list[RowProblem]]


@contextmanager
def reading_file(data: bytes) -> Iterator[None]:
    """While mapping ``data``: ``transport_guid`` derives its GUIDs from this file's content."""
    token = _FILE.set(hashlib.sha256(data).digest())
    try:
        yield
    finally:
        _FILE.reset(token)


def transport_guid(row: Row, part: str = "") -> str:
    """The TransportGUID of the object a row (or ``part`` of it) becomes: the same for the same
    file, sheet, row and part (see the module docstring). Its first 20 hex digits hash the file,
    sheet and part, the last 12 are the row's number: unique within a file, and cheap (a name-based
    UUID per row cost a tenth of reading a 100 000-row file)."""
    return f"{_prefix(_FILE.get(), row.sheet, part)}{row.number:012x}"


@functools.lru_cache(maxsize=64)
def _prefix(file: bytes, sheet: str, part: str) -> str:
    h = hashlib.sha256(b"\n".join((file, sheet.encode(), part.encode()))).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-"


Rows = dict[str, Iterable[Row]]


def sub(parent: etree._Element, namespace: str, local: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{local}")
    if text is not None:
        child.text = text
    return child


def root(namespace: str, local: str, version: str, nsmap: dict[str, str]) -> etree._Element:
    element = etree.Element(f"{{{namespace}}}{local}", nsmap=nsmap)
    element.set(f"{{{BASE}}}version", version)
    return element


class NsiCodes:
    """One NSI book's codes → GUIDs as the hub holds them (the hub matches references by code)."""

    def __init__(self, lookups: Lookups, registry: int) -> None:
        self.registry = registry
        self.items = {code: guid for code, guid, _name in lookups.nsi_items(registry)}
        self.complete = lookups.nsi_complete(registry)

    def guid(self, code: str) -> str | None:
        """The item's GUID; None for a code a complete book lacks (a partial book keeps others)."""
        found = self.items.get(code)
        if found is None and not self.complete:
            found = self.items[code] = str(uuid.uuid5(_NSI_NS, f"{self.registry}:{code}"))
        return found


def batches(
    kind: Kind, objects: list[tuple[RowRef, Any]], build: Callable[[Sequence[Any]], etree._Element]
) -> list[Batch]:
    """Objects in batches of the kind's limit; each batch builds its request from its objects."""
    found = []
    for start in range(0, len(objects), kind.limit):
        chunk = objects[start : start + kind.limit]
        found.append(Batch(tuple(ref for ref, _part in chunk), Maker([part for _ref, part in chunk], build)))
    return found


class Maker:
    """Builds a batch's request from the chosen objects (all, or one at a time)."""

    def __init__(self, parts: list[Any], build: Callable[[Sequence[Any]], etree._Element]) -> None:
        self.parts = parts
        self.build = build

    def __call__(self, indices: Sequence[int]) -> etree._Element:
        return self.build([self.parts[i] for i in indices])


def unknown(row: Row, column: str, code: str, registry: int) -> RowProblem:
    return RowProblem(
        row.sheet, row.number, E.INT002000.code, f"{E.INT002000.text}: код {code} (НСИ {registry})", column
    )


def nsi(parent: etree._Element, namespace: str, local: str, code: str, book: NsiCodes) -> None:
    """An NSI reference (Code and the GUID the hub holds for it)."""
    reference = sub(parent, namespace, local)
    sub(reference, NSI, "Code", code)
    sub(reference, NSI, "GUID", book.guid(code))


def linked_rows(
    main: Iterable[Row],
    linked: Iterable[Row],
    owner: str,
    header: str,
    check: Callable[[Row], None],
    problems: list[RowProblem],
) -> dict[str, list[Row]]:
    """A linked sheet's rows by their main row's «№ записи». A repeated number, or a link to no
    main row (``owner`` names what the main row is, ``header`` the link column), is a row's
    problem; ``check`` adds a linked row's own; a bad linked row fails its main row too (an
    object goes whole or not at all). The linked rows' problems are added to ``problems``."""
    records: dict[str, Row] = {}
    for row in main:
        record = row.values.get("record")
        repeated = RowProblem(row.sheet, row.number, E.FMT916009.code, f"«№ записи» {record} повторяется", "№ записи")
        if record is not None and record in records:
            if repeated not in row.problems:  # a kind with two linked sheets checks its records twice
                row.problems.append(repeated)
        elif record is not None:
            records[record] = row
    found: dict[str, list[Row]] = {}
    for row in linked:
        record = row.values.get("record")
        parent = records.get(record) if record is not None else None
        if parent is None and not row.problems:
            row.problems.append(
                RowProblem(row.sheet, row.number, E.FMT916009.code, f"Нет {owner} с «№ записи» {record}", header)
            )
        check(row)
        problems.extend(row.problems)
        if parent is not None:
            found.setdefault(str(record), []).append(row)
            if row.problems and not parent.problems:
                first = row.problems[0]
                parent.problems.append(
                    RowProblem(
                        parent.sheet,
                        parent.number,
                        first.code,
                        f"Лист «{row.sheet}», строка {row.number}: {first.text}",
                    )
                )
    return found
