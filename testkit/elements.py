"""XML primitives of the test messages: namespaces, versions, deterministic GUIDs, element helpers.

Every payload builder of the kit (``testkit.houses``, ``testkit.accounts``) and the contract
tests' response builders build with these, so identifiers are deterministic (UUID5 of a label)
and two calls with the same parameters give the same document.
"""

from __future__ import annotations

import uuid

from lxml import etree

from hub import ns

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
NSI = ns.NSI_BASE
ACC = ns.ACCOUNT_BASE
IND = ns.INDIVIDUAL_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_REGISTRY_BASE

#: Versions accepted by GIS 16.3.0.0 (xs:annotation "Доступны версии …" or ``fixed``).
IMPORT_HOUSE_UO_VERSIONS = ("11.0.10.1", "13.2.3.2")
EXPORT_HOUSE_VERSIONS = ("11.1.0.1", "12.2.0.1", "13.2.3.2", "15.6.0.1", "15.10.0.0")
IMPORT_ACCOUNT_VERSION = "10.0.1.1"  # fixed
EXPORT_ACCOUNT_VERSION = "10.0.1.1"  # fixed
GET_STATE_RESULT_VERSION = "11.0.0.1"  # fixed
IMPORT_RESULT_VERSION = "10.0.1.1"  # fixed (getStateResult/ImportResult/@version)

SIGNED_ID = "signed-data-container"
_NSMAP = {
    "hm": HM,
    "base": BASE,
    "nsi-base": NSI,
    "account-base": ACC,
    "individual-registry-base": IND,
    "organizations-registry-base": ORG,
}


def guid(label: str) -> str:
    """A deterministic GUID for ``label``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "zhkh-hub-test:" + label))


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def sub(parent: etree._Element, namespace: str, local: str, text: object = None) -> etree._Element:
    """Append ``{namespace}local`` to ``parent`` with optional text."""
    child = etree.SubElement(parent, _q(namespace, local))
    if text is not None:
        child.text = str(text).lower() if isinstance(text, bool) else str(text)
    return child


def root(local: str, version: str | None, *, signed_id: str | None = SIGNED_ID) -> etree._Element:
    element = etree.Element(_q(HM, local), nsmap=_NSMAP)
    if signed_id is not None:
        element.set("Id", signed_id)
    if version is not None:
        element.set(_q(BASE, "version"), version)
    return element


def nsi_ref(parent: etree._Element, local: str, code: str, label: str, name: str | None = None) -> None:
    ref = sub(parent, HM, local)
    sub(ref, NSI, "Code", code)
    sub(ref, NSI, "GUID", guid("nsi:" + label + ":" + code))
    if name is not None:
        sub(ref, NSI, "Name", name)


def to_bytes(element: etree._Element, *, pretty: bool = True) -> bytes:
    """``element`` serialized as a document (UTF-8, XML declaration)."""
    return etree.tostring(element, encoding="UTF-8", xml_declaration=True, pretty_print=pretty)
