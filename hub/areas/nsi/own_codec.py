"""NsiAsync messages: import requests → ``OwnCommand``s; an organization's book → ``nsi:NsiItem``.

The export gives each element the fields GIS names for these books (a string field with the
name, the OKEI unit, the NSI 3/NSI 2 references of a municipal service, its sort order), typed
by ``xsi:type`` as every GIS NSI export does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from hub import ns
from hub.areas.nsi.own import ADDITIONAL_SERVICES, Action, OwnCommand, OwnElement
from hub.contract.lexical import xs_datetime, xs_integer

TNS = ns.NSI
NSI = ns.NSI_BASE
BASE = ns.BASE
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: importAdditionalServicesRequest / importMunicipalServicesRequest children per action
_LISTS: Mapping[str, tuple[tuple[str, Action], ...]] = {
    "importAdditionalServicesRequest": (
        ("ImportAdditionalServiceType", Action.SAVE),
        ("RecoverAdditionalServiceType", Action.RECOVER),
        ("DeleteAdditionalServiceType", Action.DELETE),
    ),
    "importMunicipalServicesRequest": (
        ("ImportMainMunicipalService", Action.SAVE),
        ("RecoverMainMunicipalService", Action.RECOVER),
        ("DeleteMainMunicipalService", Action.DELETE),
    ),
}


def _text(el: etree._Element, namespace: str, local: str) -> str | None:
    value = el.findtext(ns.qname(namespace, local))
    return value.strip() if value is not None else None


def _nsi_ref(el: etree._Element, local: str) -> dict[str, Any] | None:
    ref = el.find(ns.qname(TNS, local))
    if ref is None:
        return None
    value = {"code": _text(ref, NSI, "Code") or "", "guid": (_text(ref, NSI, "GUID") or "").lower()}
    name = _text(ref, NSI, "Name")
    if name:
        value["name"] = name
    return value


def _fields(item: etree._Element) -> tuple[str, dict[str, Any]]:
    """(name, other fields) of a create-or-update item of either book."""
    fields: dict[str, Any] = {}
    okei = _text(item, BASE, "OKEI")
    if okei:
        fields["okei"] = okei
    name = _text(item, TNS, "AdditionalServiceTypeName")
    if name is not None:  # NSI 1
        unit = _text(item, TNS, "StringDimensionUnit")
        if unit:
            fields["unit"] = unit
        return name, fields
    fields["service"] = _nsi_ref(item, "MunicipalServiceRef")
    fields["resource"] = _nsi_ref(item, "MunicipalResourceRef")
    for local, key in (("GeneralNeeds", "general_needs"), ("SelfProduced", "self_produced")):
        flag = _text(item, TNS, local)
        if flag is not None:
            fields[key] = flag in ("true", "1")
    sort_order = _text(item, TNS, "SortOrder")
    if sort_order is not None:
        fields["sort_order"] = sort_order
    return _text(item, TNS, "MainMunicipalServiceName") or "", fields


def decode_import(request: etree._Element) -> list[OwnCommand]:
    """The items of an XSD-valid import request, in the XSD's order: saves, recoveries, deletions."""
    root = etree.QName(request).localname
    commands: list[OwnCommand] = []
    for local, action in _LISTS[root]:
        for index, item in enumerate(request.iterfind(ns.qname(TNS, local)), start=1):
            guid = _text(item, TNS, "ElementGuid")
            name, fields = _fields(item) if action is Action.SAVE else ("", {})
            commands.append(
                OwnCommand(
                    transport_guid=(_text(item, BASE, "TransportGUID") or "").lower(),
                    action=action,
                    element_guid=guid.lower() if guid else None,
                    name=name,
                    fields=fields,
                    where=f"/{root}/{local}[{index}]",
                )
            )
    return commands


@dataclass(frozen=True, slots=True)
class ExportQuery:
    registry: int
    modified_after: datetime | None


def decode_export(request: etree._Element) -> ExportQuery:
    """RegistryNumber (an XSD enumeration) and the optional ModifiedAfter of exportDataProviderNsiItem."""
    after = _text(request, TNS, "ModifiedAfter")
    modified_after = None
    if after:
        modified_after = xs_datetime(after)
        if modified_after.tzinfo is None:  # xs:dateTime without offset: the hub's local time
            modified_after = modified_after.replace(tzinfo=datetime.now(UTC).astimezone().tzinfo)
    return ExportQuery(xs_integer(_text(request, TNS, "RegistryNumber") or "0"), modified_after)


# --- export ----------------------------------------------------------------------------------


def _dt(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _sub(parent: etree._Element, local: str, text: object) -> etree._Element:
    child = etree.SubElement(parent, ns.qname(NSI, local))
    child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def _field(parent: etree._Element, kind: str, name: str) -> etree._Element:
    field = etree.SubElement(parent, ns.qname(NSI, "NsiElementField"))
    field.set(ns.qname(XSI, "type"), f"nsi-base:{kind}")
    _sub(field, "Name", name)
    return field


def _ref_field(parent: etree._Element, name: str, registry: int, ref: Mapping[str, Any] | None) -> None:
    if not ref:
        return
    field = _field(parent, "NsiElementNsiRefFieldType", name)
    holder = etree.SubElement(field, ns.qname(NSI, "NsiRef"))
    _sub(holder, "NsiItemRegistryNumber", registry)
    target = etree.SubElement(holder, ns.qname(NSI, "Ref"))
    _sub(target, "Code", ref["code"])
    _sub(target, "GUID", ref["guid"])
    if ref.get("name"):
        _sub(target, "Name", ref["name"])


def _element(parent: etree._Element, element: OwnElement) -> None:
    el = etree.SubElement(parent, ns.qname(NSI, "NsiElement"))
    _sub(el, "Code", element.code)
    _sub(el, "GUID", element.guid)
    _sub(el, "Modified", _dt(element.modified_at))
    _sub(el, "IsActual", element.is_actual)
    fields = element.fields
    if element.registry == ADDITIONAL_SERVICES:
        _sub(_field(el, "NsiElementStringFieldType", "Вид дополнительной услуги"), "Value", element.name)
    else:
        _sub(_field(el, "NsiElementStringFieldType", "Главная коммунальная услуга"), "Value", element.name)
        _ref_field(el, "Вид коммунальной услуги", 3, fields.get("service"))
        _ref_field(el, "Вид коммунального ресурса", 2, fields.get("resource"))
        for key, label in (
            ("general_needs", "Услуга на общедомовые нужды"),
            ("self_produced", "Самостоятельное производство"),
        ):
            if key in fields:
                _sub(_field(el, "NsiElementBooleanFieldType", label), "Value", bool(fields[key]))
        if "sort_order" in fields:
            _sub(_field(el, "NsiElementStringFieldType", "Порядок сортировки"), "Value", fields["sort_order"])
    if "okei" in fields:
        _sub(_field(el, "NsiElementOkeiRefFieldType", "Единица измерения"), "Code", fields["okei"])
    elif "unit" in fields:
        _sub(_field(el, "NsiElementStringFieldType", "Единица измерения"), "Value", fields["unit"])


def encode_item(registry: int, elements: Iterable[OwnElement], created: datetime) -> etree._Element:
    """``nsi:NsiItem`` (the getStateResult branch of exportDataProviderNsiItem)."""
    root = etree.Element(ns.qname(TNS, "NsiItem"), nsmap={"nsi": TNS, "nsi-base": NSI, "xsi": XSI})
    _sub(root, "NsiItemRegistryNumber", registry)
    _sub(root, "Created", _dt(created))
    for element in elements:
        _element(root, element)
    return root
