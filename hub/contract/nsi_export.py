"""Reading a real GIS ``exportNsiItem`` result (nsi-common getStateResult) for ``hub nsi load``.

Accepts a whole SOAP response, a bare getStateResult, or a bare NsiItem: every element whose
local name is ``NsiItem`` with an ``NsiItemRegistryNumber`` child is a book. An element's name
is the value of its first string field (GIS books name the field differently per book:
«Наименование», «Вид документа», …); nested ``ChildElement``s are read as elements too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from hub.contract.xmlparse import ParseLimits, parse_xml
from hub.errors import E, HubError


@dataclass(frozen=True, slots=True)
class ExportedElement:
    code: str
    name: str
    is_actual: bool


@dataclass(frozen=True, slots=True)
class ExportedBook:
    registry: int
    elements: tuple[ExportedElement, ...]


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child_text(el: etree._Element, local: str) -> str | None:
    for child in el:
        if _local(child) == local:
            return (child.text or "").strip()
    return None


def _element(el: etree._Element, out: list[ExportedElement]) -> None:
    code = _child_text(el, "Code")
    if not code:
        raise HubError(E.FMT001300, "NsiElement без Code", where=f"строка {el.sourceline}")
    name = ""
    for field in el:
        if _local(field) == "NsiElementField":
            value = _child_text(field, "Value")
            if value:
                name = value
                break
    out.append(ExportedElement(code, name or code, (_child_text(el, "IsActual") or "true") == "true"))
    for child in el:
        if _local(child) == "ChildElement":
            _element(child, out)


def read_books(data: bytes) -> list[ExportedBook]:
    root = parse_xml(data, limits=ParseLimits(max_bytes=512 * 1024 * 1024))
    books = []
    for item in root.iter():
        if _local(item) != "NsiItem" or _child_text(item, "NsiItemRegistryNumber") is None:
            continue
        number = _child_text(item, "NsiItemRegistryNumber") or ""
        if not number.isdigit():
            raise HubError(E.FMT001300, f"NsiItemRegistryNumber «{number}»", where=f"строка {item.sourceline}")
        elements: list[ExportedElement] = []
        for child in item:
            if _local(child) == "NsiElement":
                _element(child, elements)
        books.append(ExportedBook(int(number), tuple(elements)))
    if not books:
        raise HubError(E.FMT001300, "В файле нет элементов NsiItem (ожидается результат exportNsiItem)")
    return books
