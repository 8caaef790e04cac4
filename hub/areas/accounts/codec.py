"""XML ↔ domain for personal accounts: importAccountRequest in, exportAccountResult out.

Decoding trusts the XSD (the intake validated the signed element against ours, which mirrors
GIS 16.3.0.0), so absent mandatory elements cannot occur here and optional ones map to None.
Encoding follows the element order of ``exportAccountResultType`` and must stay valid under
the REAL contract (tests/accounts check every emitted element with the real XSD).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from lxml import etree

from hub import ns
from hub.areas.accounts.rules import (
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
from hub.contract import results
from hub.contract.lexical import xs_date, xs_decimal, xs_integer
from hub.contract.xmlparse import parse_xml
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


def _date(value: str | None) -> date | None:
    return xs_date(value) if value else None


# --- decode ---------------------------------------------------------------------------------
#
# Decoding walks each element's children once into a ``tag → first child`` map and reads what it
# needs from that map: a 100-account request has ~3,000 elements, and one lookup per wanted child
# (``find``/``iterchildren`` by tag, each a scan of the children) cost ~5 ms of a message's
# processing. "First child with that tag" is exactly what ``find``/``findtext`` answered.

_Children = dict[object, etree._Element]

_HM_ACCOUNT = _q(HM, "Account")
_HM_ACCOMMODATION = _q(HM, "Accommodation")
_HM_SHARE = _q(HM, "SharePercent")
_HM_CLOSED = _q(HM, "Closed")
_HM_CLOSE_REASON = _q(HM, "CloseReason")
_HM_CLOSE_DATE = _q(HM, "CloseDate")
_HM_DESCRIPTION = _q(HM, "Description")
_HM_REASONS = _q(HM, "AccountReasons")
_HM_PERSONS = _q(HM, "LivingPersonsNumber")
_HM_TOTAL = _q(HM, "TotalSquare")
_HM_RESIDENTIAL = _q(HM, "ResidentialSquare")
_HM_HEATED = _q(HM, "HeatedArea")
_HM_PAYER = _q(HM, "PayerInfo")
_HM_GUID = _q(HM, "AccountGUID")
_HM_IND = _q(HM, "Ind")
_HM_ORG = _q(HM, "Org")
_HM_RENTER = _q(HM, "IsRenter")
_HM_DIVIDED = _q(HM, "isAccountsDivided")
_HM_SEX = _q(HM, "Sex")
_HM_BIRTH = _q(HM, "DateOfBirth")
_ACC_NUMBER = _q(ACC, "AccountNumber")
_BASE_TRANSPORT = _q(BASE, "TransportGUID")
_IND_ID = _q(IND, "ID")
_IND_TYPE = _q(IND, "Type")
_IND_NUMBER = _q(IND, "Number")
_IND_ISSUE = _q(IND, "IssueDate")
_IND_SERIES = _q(IND, "Series")
_IND_SURNAME = _q(IND, "Surname")
_IND_FIRST = _q(IND, "FirstName")
_IND_PATRONYMIC = _q(IND, "Patronymic")
_IND_SNILS = _q(IND, "SNILS")
_ORG_VERSION = _q(ORG, "orgVersionGUID")
_NSI_CODE = _q(NSI, "Code")
_NSI_GUID = _q(NSI, "GUID")
_NSI_NAME = _q(NSI, "Name")
_KIND_TAGS = tuple((_q(HM, kind.value), kind) for kind in AccountKind)
_TAG_TARGET = {_q(HM, name): target for name, target in _ELEMENT_TARGET.items()}


def _children(element: etree._Element) -> _Children:
    found: _Children = {}
    for child in element:
        if child.tag not in found:
            found[child.tag] = child
    return found


def _get(children: _Children, tag: str) -> str | None:
    child = children.get(tag)
    return None if child is None else (child.text or "").strip()


def _nsi_ref(element: etree._Element) -> NsiRef:
    children = _children(element)
    return NsiRef(
        code=_get(children, _NSI_CODE) or "", guid=_get(children, _NSI_GUID) or "", name=_get(children, _NSI_NAME)
    )


def _person(ind: etree._Element) -> Person:
    texts: dict[object, str] = {}
    document = None
    for child in ind:
        tag = child.tag
        if tag == _IND_ID:
            if document is None:
                document = _document(child)
        elif tag not in texts:
            texts[tag] = (child.text or "").strip()
    return Person(
        surname=texts.get(_IND_SURNAME) or "",
        first_name=texts.get(_IND_FIRST) or "",
        patronymic=texts.get(_IND_PATRONYMIC),
        sex=texts.get(_HM_SEX),
        date_of_birth=_date(texts.get(_HM_BIRTH)),
        snils=texts.get(_IND_SNILS),
        document=document,
    )


def _document(doc: etree._Element) -> IdentityDocument:
    fields = _children(doc)
    type_el = fields.get(_IND_TYPE)
    assert type_el is not None  # XSD: mandatory
    return IdentityDocument(
        type=_nsi_ref(type_el),
        number=_get(fields, _IND_NUMBER) or "",
        issue_date=_date(_get(fields, _IND_ISSUE)) or date.min,
        series=_get(fields, _IND_SERIES),
    )


_NO_PAYER = Payer()


def _payer(info: etree._Element | None) -> Payer:
    if info is None:
        return _NO_PAYER
    children = _children(info)
    ind = children.get(_HM_IND)
    org = children.get(_HM_ORG)
    return Payer(
        # fixed="true" flags: present means true, also when empty (an empty element takes the
        # fixed value), like the account kind flags
        is_renter=_HM_RENTER in children,
        accounts_divided=_HM_DIVIDED in children,
        person=_person(ind) if ind is not None else None,
        org_version_guid=_get(_children(org), _ORG_VERSION) if org is not None else None,
    )


def _accommodation(element: etree._Element) -> Accommodation:
    target = guid = share = None
    for child in element:
        tag = child.tag
        if target is None and tag in _TAG_TARGET:
            target, guid = _TAG_TARGET[tag], (child.text or "").strip().lower()
        elif share is None and tag == _HM_SHARE:
            share = (child.text or "").strip()
    if target is None or guid is None:
        raise ValueError("Accommodation without an object")  # the XSD choice makes this unreachable
    return Accommodation(target, guid, xs_decimal(share) if share else None)


def _kind(children: _Children) -> AccountKind:
    for tag, kind in _KIND_TAGS:
        if tag in children:
            return kind
    raise ValueError("Account without a kind flag")  # the XSD choice makes this unreachable


#: the Account's children read as text (all others are read as elements)
_ACCOUNT_TEXTS = frozenset(
    {_HM_PERSONS, _HM_TOTAL, _HM_RESIDENTIAL, _HM_HEATED, _HM_GUID, _ACC_NUMBER, _BASE_TRANSPORT}
)


def decode_account(account: etree._Element, where: str) -> AccountCommand:
    # One pass over the Account's ~15 children: texts of the leaves, the first element of each
    # other tag, every Accommodation (the hot path of every import: 100 accounts per message).
    texts: dict[object, str] = {}
    children: _Children = {}
    places = []
    for child in account:
        tag = child.tag
        if tag in _ACCOUNT_TEXTS:
            if tag not in texts:
                texts[tag] = (child.text or "").strip()
        elif tag == _HM_ACCOMMODATION:
            places.append(_accommodation(child))
        elif tag not in children:
            children[tag] = child
    closed = children.get(_HM_CLOSED)
    closure = None
    if closed is not None:
        fields = _children(closed)
        reason = fields.get(_HM_CLOSE_REASON)
        assert reason is not None  # XSD: mandatory
        closure = Closure(
            reason=_nsi_ref(reason),
            close_date=_date(_get(fields, _HM_CLOSE_DATE)) or date.min,
            description=_get(fields, _HM_DESCRIPTION),
        )
    reasons = children.get(_HM_REASONS)
    persons = texts.get(_HM_PERSONS)
    total = texts.get(_HM_TOTAL)
    residential = texts.get(_HM_RESIDENTIAL)
    heated = texts.get(_HM_HEATED)
    data = AccountData(
        kind=_kind(children),
        payer=_payer(children.get(_HM_PAYER)),
        accommodations=tuple(places),
        closure=closure,
        number=texts.get(_ACC_NUMBER),
        living_persons=xs_integer(persons) if persons is not None else None,
        total_square=xs_decimal(total) if total is not None else None,
        residential_square=xs_decimal(residential) if residential is not None else None,
        heated_area=xs_decimal(heated) if heated is not None else None,
        reasons=etree.tostring(reasons, encoding="UTF-8") if reasons is not None else None,
    )
    guid = texts.get(_HM_GUID)
    return AccountCommand(
        transport_guid=texts.get(_BASE_TRANSPORT) or "",
        data=data,
        account_guid=guid.lower() if guid else None,
        where=where,
    )


def decode_import(request: etree._Element) -> list[AccountCommand]:
    return [
        decode_account(account, f"/importAccountRequest/Account[{index}]")
        for index, account in enumerate(request.iterchildren(_HM_ACCOUNT), start=1)
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


_IMPORT_ACCOUNT_XML = (
    f'<{results.SERVICE_PREFIX}:ImportAccount xmlns:account-base="{ACC}">'
    "<account-base:UnifiedAccountNumber>{}</account-base:UnifiedAccountNumber>"
    "<account-base:ServiceID>{}</account-base:ServiceID>"
    f"</{results.SERVICE_PREFIX}:ImportAccount>"
)


def import_account_extension_xml(extension: Mapping[str, str]) -> str | None:
    """``import_account_extension`` as text, for ``results.import_result_fragment``."""
    if "UnifiedAccountNumber" not in extension or "ServiceID" not in extension:
        return None
    return _IMPORT_ACCOUNT_XML.format(
        results.escape(extension["UnifiedAccountNumber"]), results.escape(extension["ServiceID"])
    )


def import_account_extension(extension: Mapping[str, str]) -> etree._Element | None:
    """``CommonResult/ImportAccount{UnifiedAccountNumber, ServiceID}``."""
    if "UnifiedAccountNumber" not in extension or "ServiceID" not in extension:
        return None
    el = etree.Element(_q(HM, "ImportAccount"), nsmap={"account-base": ACC})
    _sub(el, ACC, "UnifiedAccountNumber", extension["UnifiedAccountNumber"])
    _sub(el, ACC, "ServiceID", extension["ServiceID"])
    return el
