"""Request builders of an organization's own books (NsiAsync): NSI 1, NSI 51 and their export.

Bodies only (``testkit.messages.signed`` adds the header and the signature), valid under the real
XSD. Items are plain tuples so a test reads like the request it sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from hub import ns
from testkit.elements import SIGNED_ID, guid

TNS = ns.NSI
BASE = ns.BASE
NSI = ns.NSI_BASE
_NSMAP = {"nsi": TNS, "base": BASE, "nsi-base": NSI}
IMPORT_ADDITIONAL_SERVICES_VERSION = "10.0.1.2"  # fixed
IMPORT_MUNICIPAL_SERVICES_VERSION = "11.0.0.4"  # fixed
EXPORT_PROVIDER_ITEM_VERSION = "10.0.1.2"  # fixed


@dataclass(frozen=True, slots=True)
class AdditionalService:
    """An ImportAdditionalServiceType: a new element, or ``element_guid``'s new values."""

    transport_guid: str
    name: str
    okei: str | None = "796"
    unit: str | None = None
    element_guid: str | None = None


@dataclass(frozen=True, slots=True)
class MunicipalService:
    """An ImportMainMunicipalService: NSI 3 service kind, NSI 2 resource, sort order."""

    transport_guid: str
    name: str
    service_code: str = "1"
    resource_code: str = "1"
    sort_order: str | None = "1"
    okei: str | None = None
    element_guid: str | None = None


def _sub(parent: etree._Element, namespace: str, local: str, text: object = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{local}")
    if text is not None:
        child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def _root(local: str, version: str) -> etree._Element:
    root = etree.Element(f"{{{TNS}}}{local}", nsmap=_NSMAP)
    root.set("Id", SIGNED_ID)
    root.set(f"{{{BASE}}}version", version)
    return root


def _keyed(parent: etree._Element, local: str, transport_guid: str, element_guid: str | None) -> etree._Element:
    item = _sub(parent, TNS, local)
    _sub(item, BASE, "TransportGUID", transport_guid)
    if element_guid is not None:
        _sub(item, TNS, "ElementGuid", element_guid)
    return item


def _ref(parent: etree._Element, local: str, registry: int, code: str) -> None:
    ref = _sub(parent, TNS, local)
    _sub(ref, NSI, "Code", code)
    _sub(ref, NSI, "GUID", guid(f"nsi:{registry}:{code}"))


def _text(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def import_additional_services(
    saves: Iterable[AdditionalService] = (),
    recover: Iterable[tuple[str, str]] = (),
    delete: Iterable[tuple[str, str]] = (),
) -> str:
    """importAdditionalServicesRequest; ``recover``/``delete`` are (TransportGUID, ElementGuid)."""
    root = _root("importAdditionalServicesRequest", IMPORT_ADDITIONAL_SERVICES_VERSION)
    for service in saves:
        item = _keyed(root, "ImportAdditionalServiceType", service.transport_guid, service.element_guid)
        _sub(item, TNS, "AdditionalServiceTypeName", service.name)
        if service.okei is not None:
            _sub(item, BASE, "OKEI", service.okei)
        else:
            _sub(item, TNS, "StringDimensionUnit", service.unit or "шт")
    for transport, element in recover:
        _keyed(root, "RecoverAdditionalServiceType", transport, element)
    for transport, element in delete:
        _keyed(root, "DeleteAdditionalServiceType", transport, element)
    return _text(root)


def import_municipal_services(
    saves: Iterable[MunicipalService] = (),
    recover: Iterable[tuple[str, str]] = (),
    delete: Iterable[tuple[str, str]] = (),
) -> str:
    """importMunicipalServicesRequest; ``recover``/``delete`` are (TransportGUID, ElementGuid)."""
    root = _root("importMunicipalServicesRequest", IMPORT_MUNICIPAL_SERVICES_VERSION)
    for service in saves:
        item = _keyed(root, "ImportMainMunicipalService", service.transport_guid, service.element_guid)
        _ref(item, "MunicipalServiceRef", 3, service.service_code)
        _sub(item, TNS, "MainMunicipalServiceName", service.name)
        _ref(item, "MunicipalResourceRef", 2, service.resource_code)
        if service.okei is not None:
            _sub(item, BASE, "OKEI", service.okei)
        if service.sort_order is not None:
            _sub(item, TNS, "SortOrder", service.sort_order)
        else:
            _sub(item, TNS, "SortOrderNotDefined", True)
    for transport, element in recover:
        _keyed(root, "RecoverMainMunicipalService", transport, element)
    for transport, element in delete:
        _keyed(root, "DeleteMainMunicipalService", transport, element)
    return _text(root)


def export_provider_item(registry: int, modified_after: str | None = None) -> str:
    """exportDataProviderNsiItemRequest for the sender's own book ``registry``."""
    root = _root("exportDataProviderNsiItemRequest", EXPORT_PROVIDER_ITEM_VERSION)
    _sub(root, TNS, "RegistryNumber", registry)
    if modified_after is not None:
        _sub(root, TNS, "ModifiedAfter", modified_after)
    return _text(root)
