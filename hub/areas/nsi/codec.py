"""exportNsi* requests → what is asked; books and elements → NsiList, NsiItem, NsiPagingItem.

The result elements are the nsi-common getStateResult branches; their content is of nsi-base
types, so the children are in the nsi-base namespace. An element's name is sent as one
``NsiElementStringFieldType`` field «Наименование» (the hub keeps one name per element).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.areas.nsi.usecase import BookElement, BookSummary, ElementPage
from hub.contract.lexical import xs_datetime, xs_integer

NSI = ns.NSI_BASE
COMMON = ns.NSI_COMMON
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: the one field every exported element carries
NAME_FIELD = "Наименование"


@dataclass(frozen=True, slots=True)
class ItemQuery:
    list_group: str
    registry: int = 0
    page: int = 1
    modified_after: datetime | None = None


def decode(request: etree._Element) -> ItemQuery:
    """The fields of an XSD-valid exportNsiList/exportNsiItem/exportNsiPagingItem request."""
    number = request.findtext(ns.qname(COMMON, "RegistryNumber"))
    page = request.findtext(ns.qname(COMMON, "Page"))
    after = request.findtext(ns.qname(COMMON, "ModifiedAfter"))
    modified_after = None
    if after:
        modified_after = xs_datetime(after)  # every xs:dateTime form (24:00:00, long fractions …)
        if modified_after.tzinfo is None:  # xs:dateTime without offset: GIS works in Moscow time
            modified_after = modified_after.replace(tzinfo=datetime.now(UTC).astimezone().tzinfo)
    return ItemQuery(
        list_group=(request.findtext(ns.qname(NSI, "ListGroup")) or "NSI").strip(),
        registry=xs_integer(number) if number else 0,
        page=xs_integer(page) if page else 1,
        modified_after=modified_after,
    )


def _dt(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _sub(parent: etree._Element, namespace: str, local: str, text: object) -> etree._Element:
    child = etree.SubElement(parent, ns.qname(namespace, local))
    child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def encode_list(books: Iterable[BookSummary], list_group: str, created: datetime) -> etree._Element:
    root = etree.Element(ns.qname(COMMON, "NsiList"), nsmap={"nsi-common": COMMON, "nsi-base": NSI})
    _sub(root, NSI, "Created", _dt(created))
    for book in books:
        info = etree.SubElement(root, ns.qname(NSI, "NsiItemInfo"))
        _sub(info, NSI, "RegistryNumber", book.registry)
        _sub(info, NSI, "Name", book.name)
        _sub(info, NSI, "Modified", _dt(book.modified))
    _sub(root, NSI, "ListGroup", list_group)
    return root


def _element(parent: etree._Element, element: BookElement) -> None:
    el = etree.SubElement(parent, ns.qname(NSI, "NsiElement"))
    _sub(el, NSI, "Code", element.code)
    _sub(el, NSI, "GUID", element.guid)
    _sub(el, NSI, "Modified", _dt(element.modified))
    _sub(el, NSI, "IsActual", element.is_actual)
    field = etree.SubElement(el, ns.qname(NSI, "NsiElementField"))
    field.set(ns.qname(XSI, "type"), "nsi-base:NsiElementStringFieldType")
    _sub(field, NSI, "Name", NAME_FIELD)
    _sub(field, NSI, "Value", element.name)


def _item(local: str, registry: int, elements: Iterable[BookElement], created: datetime) -> etree._Element:
    root = etree.Element(ns.qname(COMMON, local), nsmap={"nsi-common": COMMON, "nsi-base": NSI, "xsi": XSI})
    _sub(root, NSI, "NsiItemRegistryNumber", registry)
    _sub(root, NSI, "Created", _dt(created))
    for element in elements:
        _element(root, element)
    return root


def encode_item(registry: int, elements: Iterable[BookElement], created: datetime) -> etree._Element:
    return _item("NsiItem", registry, elements, created)


def encode_page(registry: int, page: ElementPage, created: datetime) -> etree._Element:
    root = _item("NsiPagingItem", registry, page.elements, created)
    _sub(root, COMMON, "TotalItemsCount", page.window.total_items)
    _sub(root, COMMON, "TotalPages", page.window.total_pages)
    _sub(root, COMMON, "CurrentPage", page.window.current)
    return root
