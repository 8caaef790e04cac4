"""XML ↔ domain for personal accounts: importAccountRequest in, exportAccountResult out.

Decoding trusts the XSD (the intake validated the signed element against ours, which mirrors
GIS 16.3.0.0), so absent mandatory elements cannot occur here and optional ones map to None.
Encoding follows the element order of ``exportAccountResultType`` and must stay valid under
the REAL contract (tests/accounts check every emitted element with the real XSD).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

from lxml import etree

from hub import ns
from hub.contract.xmlparse import parse_xml
from hub.domain.accounts import (
    Accommodation,
    Account,
    AccountCommand,
    AccountData,
    AccountKind,
    Closure,
    IdentityDocument,
    Payer,
    Person,
    Target,
)
from hub.domain.nsi import NsiRef

HM = ns.HOUSE_MANAGEMENT
ACC = ns.ACCOUNT_BASE
IND = ns.INDIVIDUAL_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_REGISTRY_BASE
NSI = ns.NSI_BASE
BASE = ns.BASE

_TARGET_ELEMENT = {Target.PREMISES: "PremisesGUID", Target.HOUSE: "FIASHouseGuid", Target.ROOM: "LivingRoomGUID"}
_ELEMENT_TARGET = {name: target for target, name in _TARGET_ELEMENT.items()}


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def _text(parent: etree._Element, namespace: str, local: str) -> str | None:
    """``findtext`` of a direct child; iterchildren runs in C (findtext goes through ElementPath)."""
    for child in parent.iterchildren(_q(namespace, local)):
        return (child.text or "").strip()
    return None


def _decimal(parent: etree._Element, local: str) -> Decimal | None:
    value = _text(parent, HM, local)
    return Decimal(value) if value is not None else None


def _date(value: str | None) -> date | None:
    # xs:date may carry a timezone ("2025-12-31+03:00"); the calendar date is what counts.
    return date.fromisoformat(value[:10]) if value else None


def _nsi_ref(element: etree._Element) -> NsiRef:
    return NsiRef(
        code=_text(element, NSI, "Code") or "",
        guid=_text(element, NSI, "GUID") or "",
        name=_text(element, NSI, "Name"),
    )


# --- decode ---------------------------------------------------------------------------------


def _person(ind: etree._Element) -> Person:
    document = None
    doc = ind.find(_q(IND, "ID"))
    if doc is not None:
        type_el = doc.find(_q(IND, "Type"))
        assert type_el is not None  # XSD: mandatory
        document = IdentityDocument(
            type=_nsi_ref(type_el),
            number=_text(doc, IND, "Number") or "",
            issue_date=_date(_text(doc, IND, "IssueDate")) or date.min,
            series=_text(doc, IND, "Series"),
        )
    return Person(
        surname=_text(ind, IND, "Surname") or "",
        first_name=_text(ind, IND, "FirstName") or "",
        patronymic=_text(ind, IND, "Patronymic"),
        sex=_text(ind, HM, "Sex"),
        date_of_birth=_date(_text(ind, HM, "DateOfBirth")),
        snils=_text(ind, IND, "SNILS"),
        document=document,
    )


def _payer(info: etree._Element | None) -> Payer:
    if info is None:
        return Payer()
    ind = info.find(_q(HM, "Ind"))
    org = info.find(_q(HM, "Org"))
    return Payer(
        is_renter=_text(info, HM, "IsRenter") in {"true", "1"},
        accounts_divided=_text(info, HM, "isAccountsDivided") in {"true", "1"},
        person=_person(ind) if ind is not None else None,
        org_version_guid=_text(org, ORG, "orgVersionGUID") if org is not None else None,
    )


def _accommodation(element: etree._Element) -> Accommodation:
    for child in element:
        target = _ELEMENT_TARGET.get(etree.QName(child).localname)
        if target is not None:
            share = _text(element, HM, "SharePercent")
            return Accommodation(target, (child.text or "").strip().lower(), Decimal(share) if share else None)
    raise ValueError("Accommodation without an object")  # the XSD choice makes this unreachable


def _kind(account: etree._Element) -> AccountKind:
    for kind in AccountKind:
        if account.find(_q(HM, kind.value)) is not None:
            return kind
    raise ValueError("Account without a kind flag")  # the XSD choice makes this unreachable


def decode_account(account: etree._Element, where: str) -> AccountCommand:
    closed = account.find(_q(HM, "Closed"))
    closure = None
    if closed is not None:
        reason = closed.find(_q(HM, "CloseReason"))
        assert reason is not None  # XSD: mandatory
        closure = Closure(
            reason=_nsi_ref(reason),
            close_date=_date(_text(closed, HM, "CloseDate")) or date.min,
            description=_text(closed, HM, "Description"),
        )
    reasons = account.find(_q(HM, "AccountReasons"))
    persons = _text(account, HM, "LivingPersonsNumber")
    data = AccountData(
        kind=_kind(account),
        payer=_payer(account.find(_q(HM, "PayerInfo"))),
        accommodations=tuple(_accommodation(a) for a in account.iterfind(_q(HM, "Accommodation"))),
        closure=closure,
        number=_text(account, ACC, "AccountNumber"),
        living_persons=int(persons) if persons is not None else None,
        total_square=_decimal(account, "TotalSquare"),
        residential_square=_decimal(account, "ResidentialSquare"),
        heated_area=_decimal(account, "HeatedArea"),
        reasons=etree.tostring(reasons, encoding="UTF-8") if reasons is not None else None,
    )
    guid = _text(account, HM, "AccountGUID")
    return AccountCommand(
        transport_guid=_text(account, BASE, "TransportGUID") or "",
        data=data,
        account_guid=guid.lower() if guid else None,
        where=where,
    )


def decode_import(request: etree._Element) -> list[AccountCommand]:
    return [
        decode_account(account, f"/importAccountRequest/Account[{index}]")
        for index, account in enumerate(request.iterfind(_q(HM, "Account")), start=1)
    ]


# --- encode ---------------------------------------------------------------------------------


def _sub(parent: etree._Element, namespace: str, local: str, text: object = None) -> etree._Element:
    child = etree.SubElement(parent, _q(namespace, local))
    if text is not None:
        child.text = text if isinstance(text, str) else str(text)
    return child


def _opt(parent: etree._Element, namespace: str, local: str, value: object) -> None:
    if value is not None:
        _sub(parent, namespace, local, value)


def _encode_ref(parent: etree._Element, namespace: str, local: str, ref: NsiRef) -> None:
    el = _sub(parent, namespace, local)
    _sub(el, NSI, "Code", ref.code)
    _sub(el, NSI, "GUID", ref.guid)
    _opt(el, NSI, "Name", ref.name)


def _encode_payer(parent: etree._Element, payer: Payer) -> None:
    info = _sub(parent, HM, "PayerInfo")
    if payer.is_renter:
        _sub(info, HM, "IsRenter", "true")
    if payer.accounts_divided:
        _sub(info, HM, "isAccountsDivided", "true")
    person = payer.person
    if person is not None:
        ind = _sub(info, HM, "Ind")
        _sub(ind, IND, "Surname", person.surname)
        _sub(ind, IND, "FirstName", person.first_name)
        _opt(ind, IND, "Patronymic", person.patronymic)
        _opt(ind, HM, "Sex", person.sex)
        _opt(ind, HM, "DateOfBirth", person.date_of_birth.isoformat() if person.date_of_birth else None)
        if person.snils is not None:
            _sub(ind, IND, "SNILS", person.snils)
        elif person.document is not None:
            doc = _sub(ind, HM, "ID")
            _encode_ref(doc, HM, "Type", person.document.type)
            _opt(doc, HM, "Series", person.document.series)
            _sub(doc, HM, "Number", person.document.number)
            _sub(doc, HM, "IssueDate", person.document.issue_date.isoformat())
    elif payer.org_version_guid is not None:
        _sub(_sub(info, HM, "Org"), ORG, "orgVersionGUID", payer.org_version_guid)


def _datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def encode_account(account: Account) -> etree._Element:
    """One ``exportAccountResult`` (``exportAccountResultType``)."""
    data = account.data
    el = etree.Element(_q(HM, "exportAccountResult"), nsmap={"hm": HM, "base": BASE})
    _sub(el, HM, data.kind.value, "true")
    _sub(el, HM, "CreationDate", _datetime(account.created_at))
    _opt(el, HM, "LivingPersonsNumber", data.living_persons)
    _opt(el, HM, "TotalSquare", data.total_square)
    _opt(el, HM, "ResidentialSquare", data.residential_square)
    _opt(el, HM, "HeatedArea", data.heated_area)
    if data.closure is not None:
        closed = _sub(el, HM, "Closed")
        _encode_ref(closed, HM, "CloseReason", data.closure.reason)
        _sub(closed, HM, "CloseDate", data.closure.close_date.isoformat())
        _opt(closed, HM, "Description", data.closure.description)
    for accommodation in data.accommodations:
        acc = _sub(el, HM, "Accommodation")
        _sub(acc, HM, _TARGET_ELEMENT[accommodation.target], accommodation.guid)
        _opt(acc, HM, "SharePercent", accommodation.share)
    _encode_payer(el, data.payer)
    if data.reasons is not None:
        el.append(parse_xml(data.reasons))
    _opt(el, HM, "AccountNumber", data.number)
    _sub(el, HM, "AccountGUID", account.guid)
    _sub(el, ACC, "UnifiedAccountNumber", account.unified_number)
    _sub(el, ACC, "ServiceID", account.service_id)
    return el


def import_account_extension(extension: Mapping[str, str]) -> etree._Element | None:
    """``CommonResult/ImportAccount{UnifiedAccountNumber, ServiceID}``."""
    if "UnifiedAccountNumber" not in extension or "ServiceID" not in extension:
        return None
    el = etree.Element(_q(HM, "ImportAccount"), nsmap={"account-base": ACC})
    _sub(el, ACC, "UnifiedAccountNumber", extension["UnifiedAccountNumber"])
    _sub(el, ACC, "ServiceID", extension["ServiceID"])
    return el
