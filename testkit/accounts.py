"""Account payloads: XSD-valid ``importAccountRequest`` / ``exportAccountRequest`` (GIS 16.3.0.0).

``import_account`` makes a generated corpus (every kind, every payer variant); ``Acc`` with
``import_request`` describes accounts by what a test varies (places, payer, closing, numbers).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from testkit.elements import (
    ACC,
    BASE,
    EXPORT_ACCOUNT_VERSION,
    HM,
    IMPORT_ACCOUNT_VERSION,
    IND,
    NSI,
    ORG,
    SIGNED_ID,
    guid,
    nsi_ref,
    root,
    sub,
)

ACCOUNT_KINDS = (
    "isUOAccount",
    "isRSOAccount",
    "isCRAccount",
    "isRCAccount",
    "isOGVorOMSAccount",
    "isTKOAccount",
)


def _renter(payer: etree._Element) -> etree._Element:
    """The tenant Иван Иванович Иванов as the payer; his ``Ind`` element (identifiers go after)."""
    sub(payer, HM, "IsRenter", True)
    ind = sub(payer, HM, "Ind")
    sub(ind, IND, "Surname", "Иванов")
    sub(ind, IND, "FirstName", "Иван")
    sub(ind, IND, "Patronymic", "Иванович")
    sub(ind, HM, "Sex", "M")
    sub(ind, HM, "DateOfBirth", "1980-02-29")
    return ind


def _payer(parent: etree._Element, index: int, seed: str) -> None:
    payer = sub(parent, HM, "PayerInfo")
    variant = index % 4
    if variant == 0:  # person with SNILS, tenant
        ind = _renter(payer)
        sub(ind, IND, "SNILS", f"{12345678900 + index:011d}")
    elif variant == 1:  # person with an identity document
        sub(payer, HM, "isAccountsDivided", True)
        ind = sub(payer, HM, "Ind")
        sub(ind, IND, "Surname", "Петрова")
        sub(ind, IND, "FirstName", "Анна")
        sub(ind, HM, "Sex", "F")
        doc = sub(ind, IND, "ID")
        type_ = sub(doc, IND, "Type")
        sub(type_, NSI, "Code", "1")
        sub(type_, NSI, "GUID", guid("nsi:95:1"))
        sub(type_, NSI, "Name", "Паспорт гражданина Российской Федерации")
        sub(doc, IND, "Series", "4510")
        sub(doc, IND, "Number", f"{100000 + index}")
        sub(doc, IND, "IssueDate", "2005-06-01")
    elif variant == 2:  # organization
        org = sub(payer, HM, "Org")
        sub(org, ORG, "orgVersionGUID", guid(f"{seed}:org:{index}"))
    # variant 3: payer not specified (the choice is optional)


def import_account(
    *,
    count: int = 4,
    accommodations: int = 2,
    closed: Iterable[int] = (1,),
    seed: str = "accounts",
    signed_id: str | None = SIGNED_ID,
    version: str = IMPORT_ACCOUNT_VERSION,
) -> etree._Element:
    """``importAccountRequest`` with ``count`` accounts (GIS allows at most 100).

    Kinds cycle through all six flags, payers through person+SNILS, person+document,
    organization and none; accounts whose index is in ``closed`` carry ``Closed``.
    """
    closed_set = set(closed)
    request = root("importAccountRequest", version, signed_id=signed_id)
    for i in range(count):
        account = sub(request, HM, "Account")
        sub(account, HM, ACCOUNT_KINDS[i % len(ACCOUNT_KINDS)], True)
        sub(account, HM, "CreationDate", "2024-01-15T00:00:00")
        sub(account, HM, "LivingPersonsNumber", 3)
        sub(account, HM, "TotalSquare", "64.2")
        sub(account, HM, "ResidentialSquare", "41.8")
        sub(account, HM, "HeatedArea", "64.2")
        if i in closed_set:
            closed_el = sub(account, HM, "Closed")
            nsi_ref(closed_el, "CloseReason", "1", "nsi22", "Окончание действия договора")
            sub(closed_el, HM, "CloseDate", "2025-12-31")
            sub(closed_el, HM, "Description", "Договор расторгнут")
        for a in range(accommodations):
            accommodation = sub(account, HM, "Accommodation")
            which = (i + a) % 3
            if which == 0:
                sub(accommodation, HM, "PremisesGUID", guid(f"{seed}:premises:{i}:{a}"))
            elif which == 1:
                sub(accommodation, HM, "FIASHouseGuid", guid(f"{seed}:fias"))
            else:
                sub(accommodation, HM, "LivingRoomGUID", guid(f"{seed}:room:{i}:{a}"))
            sub(accommodation, HM, "SharePercent", "50.00" if accommodations > 1 else "100")
        _payer(account, i, seed)
        sub(account, BASE, "TransportGUID", guid(f"{seed}:account:{i}"))
        sub(account, ACC, "AccountNumber", f"ЛС-{i + 1:06d}")
        if i % 2:
            sub(account, HM, "AccountGUID", guid(f"{seed}:account-guid:{i}"))
        if i % 3 == 0:
            reasons = sub(account, HM, "AccountReasons")
            contract = sub(reasons, HM, "SupplyResourceContract")
            sub(contract, HM, "ContractNumber", f"Д-{i}")
            sub(contract, HM, "SigningDate", "2023-12-01")
            sub(contract, HM, "IsContract", True)
    return request


EXPORT_ACCOUNT_SELECTIONS = ("FIASHouseGuid", "AccountGUID", "UnifiedAccountNumber", "ServiceID")


def export_account(
    *,
    by: str = "FIASHouseGuid",
    count: int = 3,
    version: str = EXPORT_ACCOUNT_VERSION,
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``exportAccountRequest`` selecting by one of ``EXPORT_ACCOUNT_SELECTIONS``."""
    request = root("exportAccountRequest", version, signed_id=signed_id)
    if by == "FIASHouseGuid":
        sub(request, HM, "FIASHouseGuid", guid("apartment-house:fias"))
    elif by == "AccountGUID":
        for i in range(count):
            sub(request, HM, "AccountGUID", guid(f"export:account:{i}"))
    elif by == "UnifiedAccountNumber":
        for i in range(count):
            sub(request, ACC, "UnifiedAccountNumber", f"00АА{i:06d}")
    elif by == "ServiceID":
        for i in range(count):
            sub(request, ACC, "ServiceID", f"00АА{i:06d}-01")
    else:
        raise ValueError(f"unknown selection {by!r}")
    return request


# --- accounts described by what a test varies ----------------------------------------------


@dataclass
class Acc:
    """One ``Account`` of a request, described by what tests vary."""

    places: Sequence[tuple[str, str, str | None]]  # (PremisesGUID|LivingRoomGUID|FIASHouseGuid, guid, share)
    kind: str = "isUOAccount"
    number: str | None = None
    account_guid: str | None = None
    closed: bool = False
    close_code: str = "1"
    payer: str = "snils"  # snils | document | org | none
    doc_code: str = "1"
    transport_guid: str = field(default_factory=lambda: str(uuid.uuid4()))


def account_element(parent: etree._Element, acc: Acc) -> etree._Element:
    account = sub(parent, HM, "Account")
    sub(account, HM, acc.kind, True)
    sub(account, HM, "LivingPersonsNumber", 2)
    sub(account, HM, "TotalSquare", "54.3000")
    sub(account, HM, "HeatedArea", "54.3")
    if acc.closed:
        closed = sub(account, HM, "Closed")
        nsi_ref(closed, "CloseReason", acc.close_code, "nsi22", "Окончание договора")
        sub(closed, HM, "CloseDate", "2025-12-31")
        sub(closed, HM, "Description", "Продажа квартиры")
    for element, object_guid, share in acc.places:
        place = sub(account, HM, "Accommodation")
        sub(place, HM, element, object_guid)
        if share is not None:
            sub(place, HM, "SharePercent", share)
    payer = sub(account, HM, "PayerInfo")
    if acc.payer in ("snils", "document"):
        ind = _renter(payer)
        if acc.payer == "snils":
            sub(ind, IND, "SNILS", "12345678901")
        else:
            doc = sub(ind, IND, "ID")
            type_ = sub(doc, IND, "Type")
            sub(type_, NSI, "Code", acc.doc_code)
            sub(type_, NSI, "GUID", str(uuid.uuid4()))
            sub(doc, IND, "Series", "4510")
            sub(doc, IND, "Number", "123456")
            sub(doc, IND, "IssueDate", "2005-06-01")
    elif acc.payer == "org":
        sub(sub(payer, HM, "Org"), ORG, "orgVersionGUID", str(uuid.uuid4()))
    sub(account, BASE, "TransportGUID", acc.transport_guid)
    if acc.number is not None:
        sub(account, ACC, "AccountNumber", acc.number)
    if acc.account_guid is not None:
        sub(account, HM, "AccountGUID", acc.account_guid)
    reasons = sub(account, HM, "AccountReasons")
    contract = sub(reasons, HM, "SupplyResourceContract")
    sub(contract, HM, "ContractNumber", "Д-1")
    sub(contract, HM, "SigningDate", "2023-12-01")
    sub(contract, HM, "IsContract", True)
    return account


def import_request(accounts: Sequence[Acc]) -> etree._Element:
    request = root("importAccountRequest", IMPORT_ACCOUNT_VERSION)
    for acc in accounts:
        account_element(request, acc)
    return request


def export_request(by: str, values: Sequence[str]) -> etree._Element:
    request = root("exportAccountRequest", IMPORT_ACCOUNT_VERSION)
    namespace = ACC if by in ("UnifiedAccountNumber", "ServiceID") else HM
    for value in values:
        sub(request, namespace, by, value)
    return request


def on_premises(guid: str, share: str | None = "100") -> Acc:
    return Acc([("PremisesGUID", guid, share)])
