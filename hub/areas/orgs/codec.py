"""exportOrgRegistryRequest → search criteria; organizations → exportOrgRegistryResult elements;
a system's data providers → exportDataProviderResult elements.

Names and identifiers come from the hub's directory: a legal entity is sent as ``Legal``
(FullName, ОГРН, ИНН, КПП), an entrepreneur (15-digit ОГРНИП) as ``Entrp`` with the name split
into surname, first name and patronymic.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from hub import ns
from hub.areas.orgs.rules import Criterion, RegistryOrg, entrepreneur_name
from hub.contract.lexical import xs_date

RO = ns.ORG_REGISTRY_COMMON
REG = ns.ORGANIZATIONS_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_BASE


def _text(parent: etree._Element, namespace: str, local: str) -> str:
    return (parent.findtext(ns.qname(namespace, local)) or "").strip()


def decode(request: etree._Element) -> tuple[list[Criterion], date | None]:
    """The criteria of an XSD-valid request, and its lastEditingDateFrom."""
    criteria = [
        Criterion(
            ogrn=_text(c, ORG, "OGRN"),
            kpp=_text(c, ORG, "KPP"),
            ogrnip=_text(c, ORG, "OGRNIP"),
            nza=_text(c, ORG, "NZA"),
            version_guid=_text(c, REG, "orgVersionGUID").lower(),
            root_guid=_text(c, REG, "orgRootEntityGUID").lower(),
            ppaguid=_text(c, RO, "orgPPAGUID").lower(),
        )
        for c in request.iterfind(ns.qname(RO, "SearchCriteria"))
    ]
    edited_from = _text(request, RO, "lastEditingDateFrom")
    return criteria, xs_date(edited_from) if edited_from else None


def decode_only_actual(request: etree._Element) -> bool:
    """exportDataProviderRequest/IsActual (fixed true when present): only links in force."""
    return _text(request, RO, "IsActual") in ("true", "1")


def _sub(parent: etree._Element, namespace: str, local: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, ns.qname(namespace, local))
    if text is not None:
        child.text = text
    return child


def encode(org: RegistryOrg) -> etree._Element:
    root = etree.Element(
        ns.qname(RO, "exportOrgRegistryResult"),
        nsmap={"ro": RO, "organizations-registry-base": REG, "organizations-base": ORG, "base": ns.BASE},
    )
    _sub(root, REG, "orgRootEntityGUID", org.root_guid)
    version = _sub(root, RO, "OrgVersion")
    _sub(version, REG, "orgVersionGUID", org.version_guid)
    _sub(version, RO, "lastEditingDate", org.last_edited.isoformat())
    _sub(version, RO, "IsActual", "true")
    if org.is_entrepreneur:
        entrp = _sub(version, RO, "Entrp")
        surname, first, patronymic = entrepreneur_name(org.name)
        _sub(entrp, REG, "Surname", surname)
        _sub(entrp, REG, "FirstName", first)
        if patronymic:
            _sub(entrp, REG, "Patronymic", patronymic)
        _sub(entrp, ORG, "OGRNIP", org.ogrn)
        if org.inn:
            _sub(entrp, ORG, "INN", org.inn)
    else:
        legal = _sub(version, RO, "Legal")
        _sub(legal, REG, "FullName", org.name)
        _sub(legal, ORG, "OGRN", org.ogrn)
        if org.inn:
            _sub(legal, ORG, "INN", org.inn)
        if org.kpp:
            _sub(legal, ORG, "KPP", org.kpp)
    _sub(root, ns.BASE, "orgPPAGUID", org.ppaguid)
    _sub(root, RO, "isRegistered", "true")
    return root


def encode_provider(org: RegistryOrg, is_actual: bool) -> etree._Element:
    """One ``exportDataProviderResult``: the provider's GUID (its orgPPAGUID), the link's state,
    and ``RegOrg`` with the organization's root GUID (as exportOrgRegistry gives it)."""
    root = etree.Element(ns.qname(RO, "exportDataProviderResult"), nsmap={"ro": RO, "organizations-registry-base": REG})
    _sub(root, RO, "DataProviderGUID", org.ppaguid)
    _sub(root, RO, "IsActual", "true" if is_actual else "false")
    reg = _sub(root, REG, "RegOrg")
    _sub(reg, REG, "orgRootEntityGUID", org.root_guid)
    return root
