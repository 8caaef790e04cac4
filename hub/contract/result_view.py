"""A stored result fragment read back as plain data: what the REST API and the operator page show.

The same fragment getState returns (``hub.contract.results``), so the JSON view and the SOAP
answer never disagree: a whole-message ``ErrorMessage``, one entry per ``CommonResult`` (with its
errors: code and text, place included in the text), and the names of export results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from hub import ns
from hub.contract.xmlparse import parse_xml


@dataclass(frozen=True, slots=True)
class ErrorView:
    code: str
    description: str


@dataclass(frozen=True, slots=True)
class ObjectView:
    transport_guid: str
    guid: str | None = None
    unique_number: str | None = None
    update_date: str | None = None
    errors: tuple[ErrorView, ...] = ()


@dataclass(frozen=True, slots=True)
class ResultView:
    error: ErrorView | None = None
    objects: tuple[ObjectView, ...] = ()
    #: local names of export results, one per result element (exportHouseResult …)
    exports: tuple[str, ...] = field(default_factory=tuple)


def _text(el: etree._Element, local: str) -> str | None:
    value = el.findtext(ns.qname(ns.BASE, local))
    return value.strip() if value is not None else None


def _error(el: etree._Element) -> ErrorView:
    return ErrorView(_text(el, "ErrorCode") or "", _text(el, "Description") or "")


_TRANSPORT = ns.qname(ns.BASE, "TransportGUID")
_ERROR = ns.qname(ns.BASE, "Error")
#: the candidates for a per-object result, matched by lxml's own tag filter (any namespace):
#: a 1000-object result has ~6000 elements, and a Python test of each cost more than the rest
_OBJECT_TAGS = ("{*}CommonResult", "{*}ImportResult")


def _object_results(root: etree._Element) -> Iterator[etree._Element]:
    """Per-object results: ``CommonResult``, or an ``ImportResult`` that is one object's result
    itself (DeviceMeteringAsync's: its own TransportGUID, no CommonResult inside)."""
    for el in root.iter(*_OBJECT_TAGS):
        if el.tag.endswith("}CommonResult") or el.find(_TRANSPORT) is not None:
            yield el


def _object_view(el: etree._Element) -> ObjectView:
    return ObjectView(
        transport_guid=_text(el, "TransportGUID") or "",
        guid=_text(el, "GUID"),
        unique_number=_text(el, "UniqueNumber"),
        update_date=_text(el, "UpdateDate"),
        errors=tuple(_error(e) for e in el.iterfind(_ERROR)),
    )


def read_result(fragment: bytes) -> ResultView:
    root = parse_xml(fragment)
    error = root.find(ns.qname(ns.BASE, "ErrorMessage"))
    objects = tuple(_object_view(el) for el in _object_results(root))
    exports = tuple(
        etree.QName(child).localname
        for child in root
        if isinstance(child.tag, str) and etree.QName(child).localname.startswith("export")
    )
    return ResultView(error=_error(error) if error is not None else None, objects=objects, exports=exports)


@dataclass(frozen=True, slots=True)
class ObjectValues:
    """One object's result with the leaf values an upload's result file fills in beside its row
    (``GUID``, ``UniqueNumber``, ``UnifiedAccountNumber``, ``ServiceID`` … by local name)."""

    transport_guid: str  # lowercased
    errors: tuple[ErrorView, ...]
    values: dict[str, str]


def object_values(fragment: bytes) -> tuple[ErrorView | None, list[ObjectValues]]:
    """The whole message's error, or every object's errors and leaf values: one parse, one pass
    (an upload reads 100 of these 1000-object results for its status and again for its file)."""
    root = parse_xml(fragment)
    error = root.find(ns.qname(ns.BASE, "ErrorMessage"))
    if error is not None:
        return _error(error), []
    found = []
    for el in _object_results(root):
        values: dict[str, str] = {}
        for leaf in el.iter():
            if len(leaf) == 0 and leaf.text and isinstance(leaf.tag, str):
                text = leaf.text.strip()
                if text:
                    values[leaf.tag.rpartition("}")[2]] = text
        errors = tuple(_error(e) for e in el.iterfind(_ERROR))
        found.append(ObjectValues(values.get("TransportGUID", "").lower(), errors, values))
    return None, found
