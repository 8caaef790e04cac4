"""A stored result fragment read back as plain data: what the REST API and the operator page show.

The same fragment getState returns (``hub.contract.results``), so the JSON view and the SOAP
answer never disagree: a whole-message ``ErrorMessage``, one entry per ``CommonResult`` (with its
errors: code and text, place included in the text), and the names of export results.
"""

from __future__ import annotations

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


def _is_object_result(el: etree._Element) -> bool:
    """A per-object result: ``CommonResult``, or an ``ImportResult`` that is one object's result
    itself (DeviceMeteringAsync's: its own TransportGUID, no CommonResult inside)."""
    local = etree.QName(el).localname
    if local == "CommonResult":
        return True
    return local == "ImportResult" and el.find(ns.qname(ns.BASE, "TransportGUID")) is not None


def read_result(fragment: bytes) -> ResultView:
    root = parse_xml(fragment)
    error = root.find(ns.qname(ns.BASE, "ErrorMessage"))
    objects = tuple(
        ObjectView(
            transport_guid=_text(el, "TransportGUID") or "",
            guid=_text(el, "GUID"),
            unique_number=_text(el, "UniqueNumber"),
            update_date=_text(el, "UpdateDate"),
            errors=tuple(_error(e) for e in el.iterfind(ns.qname(ns.BASE, "Error"))),
        )
        for el in root.iter()
        if isinstance(el.tag, str) and _is_object_result(el)
    )
    exports = tuple(
        etree.QName(child).localname
        for child in root
        if isinstance(child.tag, str) and etree.QName(child).localname.startswith("export")
    )
    return ResultView(error=_error(error) if error is not None else None, objects=objects, exports=exports)


def object_values(fragment: bytes) -> dict[str, dict[str, str]]:
    """TransportGUID → the leaf values of that object's result by local name (``GUID``,
    ``UniqueNumber``, ``UnifiedAccountNumber``, ``ServiceID`` …): what an upload's result file
    fills in beside its rows."""
    root = parse_xml(fragment)
    found: dict[str, dict[str, str]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or not _is_object_result(el):
            continue
        values = {
            etree.QName(leaf).localname: leaf.text.strip()
            for leaf in el.iter()
            if isinstance(leaf.tag, str) and len(leaf) == 0 and leaf.text and leaf.text.strip()
        }
        found[values.get("TransportGUID", "").lower()] = values
    return found
