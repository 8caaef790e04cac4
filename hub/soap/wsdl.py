"""Serving our WSDL and XSDs with locations that resolve over HTTP.

The files in ``wsdl/`` and ``xsd/`` use relative locations; served copies point
``soap:address`` at this hub and every ``schemaLocation`` at ``<service path>?xsd=<file>``,
so zeep, SoapUI or svcutil can load the contract from ``?wsdl`` alone.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from pathlib import Path

from lxml import etree

from hub.contract.registry import Service
from hub.contract.xmlparse import parse_xml
from hub.errors import E, HubError

REPO = Path(__file__).resolve().parent.parent.parent
WSDL_DIR = REPO / "wsdl"
XSD_DIR = REPO / "xsd"
_XS = "http://www.w3.org/2001/XMLSchema"
_SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"


def _rewrite_locations(root: etree._Element, current: str, service_url: str) -> None:
    for el in root.iter(f"{{{_XS}}}import", f"{{{_XS}}}include"):
        location = el.get("schemaLocation")
        if location:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(current), location))
            el.set("schemaLocation", f"{service_url}?xsd={target.removeprefix('xsd/')}")


@lru_cache(maxsize=64)
def served_wsdl(service: Service, base_url: str) -> bytes:
    service_url = base_url.rstrip("/") + service.path
    root = parse_xml((WSDL_DIR / service.wsdl_file).read_bytes())
    _rewrite_locations(root, f"wsdl/{service.wsdl_file}", service_url)
    for address in root.iter(f"{{{_SOAP_BINDING}}}address"):
        address.set("location", service_url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@lru_cache(maxsize=256)
def served_xsd(service: Service, base_url: str, name: str) -> bytes:
    clean = posixpath.normpath(name)
    path = (XSD_DIR / clean).resolve()
    if clean.startswith((".", "/")) or not path.is_relative_to(XSD_DIR) or not path.is_file():
        raise HubError(E.FMT900006, f"Схема {name} не найдена")
    root = parse_xml(path.read_bytes())
    _rewrite_locations(root, f"xsd/{clean}", base_url.rstrip("/") + service.path)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
