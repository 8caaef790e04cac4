"""Payment documents payloads: XSD-valid ``importPaymentDocumentRequest`` (documents or
withdrawals) and ``exportPaymentDocumentRequest`` (GIS 16.3.0.0, BillsAsync).

``Doc`` with ``Svc`` describes one PaymentDocument by what a test varies; amounts a test does
not give are computed so the document adds up (``TotalPayable = accrued + recalculation −
discount``, the totals the sums of their parts). ``bulk_documents`` is the shape of monthly
traffic (one document per account, a housing service and a utility) for scenarios and
benchmarks. Identifiers are deterministic (``guid``), so two calls with the same arguments are
the same document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from hub import ns
from testkit.elements import SIGNED_ID, guid, sub

B = ns.BILLS
BB = ns.BILLS_BASE
BASE = ns.BASE
AB = ns.ACCOUNT_BASE
NSI = ns.NSI_BASE
PAYMENTS_BASE = ns.PAYMENTS_BASE
IMPORT_VERSION = "11.2.0.16"  # fixed by the XSD
EXPORT_VERSIONS = ("11.2.0.10", "12.2.0.1", "13.1.0.1")
HOUSING, UTILITY, ADDITIONAL = "HousingService", "MunicipalService", "AdditionalService"
_NSMAP = {"b": B, "base": BASE, "bills-base": BB, "account-base": AB, "nsi-base": NSI, "payments-base": PAYMENTS_BASE}
BIK, BANK_ACCOUNT = "044525225", "40702810900000000001"


@dataclass(frozen=True)
class Svc:
    """One ChargeInfo: the block (HOUSING, UTILITY, ADDITIONAL) and its service's Code."""

    kind: str = HOUSING
    code: str = "1"
    rate: str = "25.50"
    accrued: str = "1275.00"
    recalculation: str | None = None
    discount: str | None = None
    volume: str | None = None
    #: TotalPayable; None: accrued + recalculation − discount
    payable: str | None = None

    def total(self) -> Decimal:
        if self.payable is not None:
            return Decimal(self.payable)
        return Decimal(self.accrued) + Decimal(self.recalculation or 0) - Decimal(self.discount or 0)


@dataclass(frozen=True)
class Doc:
    """One PaymentDocument. Totals None are computed; ``""`` leaves the element out."""

    account_guid: str
    services: tuple[Svc, ...] = (Svc(),)
    number: str | None = None
    debt: str | None = None
    advance: str | None = None
    by_charges: str | None = None
    with_debt: str | None = None
    transport: str | None = None
    document_id: str | None = None  # PaymentDocumentID: asks to change a placed document


def _root(local: str, version: str, signed_id: str | None = SIGNED_ID) -> etree._Element:
    element = etree.Element(f"{{{B}}}{local}", nsmap=_NSMAP)
    if signed_id is not None:
        element.set("Id", signed_id)
    element.set(f"{{{BASE}}}version", version)
    return element


def _service(parent: etree._Element, svc: Svc, seed: str) -> None:
    info = sub(parent, B, "ChargeInfo")
    element = sub(info, B, svc.kind)
    ref = sub(element, B, "ServiceType")
    sub(ref, NSI, "Code", svc.code)
    sub(ref, NSI, "GUID", guid(f"{seed}:nsi:{svc.kind}:{svc.code}"))
    sub(element, B, "Rate", svc.rate)
    sub(element, B, "TotalPayable", svc.total())
    sub(element, B, "AccountingPeriodTotal", svc.accrued)
    if svc.recalculation is not None or svc.discount is not None:
        charge = sub(element, B, "ServiceCharge")
        if svc.recalculation is not None:
            sub(charge, B, "MoneyRecalculation", svc.recalculation)
        if svc.discount is not None:
            sub(charge, B, "MoneyDiscount", svc.discount)
    if svc.volume is not None and svc.kind != HOUSING:
        consumption = sub(element, B, "Consumption")
        sub(consumption, B, "Volume", svc.volume).set("type", "I")


def _document(parent: etree._Element, doc: Doc, index: int, seed: str, bank_key: str) -> None:
    element = sub(parent, B, "PaymentDocument")
    sub(element, AB, "AccountGuid", doc.account_guid)
    if doc.number is not None:
        sub(element, BB, "PaymentDocumentNumber", doc.number)
    for svc in doc.services:
        _service(element, svc, seed)
    charged = sum((svc.total() for svc in doc.services), Decimal(0))
    by_charges = doc.by_charges if doc.by_charges is not None else str(charged)
    if by_charges:
        sub(element, B, "TotalPayableByChargeInfo", by_charges)
    if doc.debt is not None:
        sub(element, B, "DebtPreviousPeriods", doc.debt)
    if doc.advance is not None:
        sub(element, B, "AdvanceBllingPeriod", doc.advance)
    with_debt = doc.with_debt
    if with_debt is None:
        with_debt = str(charged + Decimal(doc.debt or 0) - Decimal(doc.advance or 0))
    if with_debt:
        sub(element, B, "TotalPayableByPDWithDebtAndAdvance", with_debt)
    sub(element, BASE, "TransportGUID", doc.transport or guid(f"{seed}:doc:{index}"))
    if doc.document_id is not None:
        sub(element, BB, "PaymentDocumentID", doc.document_id)
    sub(element, B, "PaymentInformationKey", bank_key)


def import_documents(
    docs: Sequence[Doc], year: int, month: int, *, seed: str = "bills", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """importPaymentDocumentRequest: Month, Year, one PaymentInformation, the documents."""
    request = _root("importPaymentDocumentRequest", IMPORT_VERSION, signed_id)
    sub(request, BASE, "Month", month)
    sub(request, BASE, "Year", year)
    info = sub(request, B, "PaymentInformation")
    sub(info, PAYMENTS_BASE, "BankBIK", BIK)
    sub(info, PAYMENTS_BASE, "operatingAccountNumber", BANK_ACCOUNT)
    bank_key = guid(f"{seed}:bank")
    sub(info, BASE, "TransportGUID", bank_key)
    for index, doc in enumerate(docs):
        _document(request, doc, index, seed, bank_key)
    return request


def withdraw_documents(document_ids: Sequence[str], *, seed: str = "bills-withdraw") -> etree._Element:
    """importPaymentDocumentRequest of WithdrawPaymentDocument only (no PaymentInformation:
    the XSD's choice forbids it beside withdrawals)."""
    request = _root("importPaymentDocumentRequest", IMPORT_VERSION)
    for index, document_id in enumerate(document_ids):
        element = sub(request, B, "WithdrawPaymentDocument")
        sub(element, BASE, "TransportGUID", guid(f"{seed}:{index}:{document_id}"))
        sub(element, BB, "PaymentDocumentID", document_id)
    return request


def export_documents(
    *,
    ids: Sequence[str] = (),
    period: tuple[int, int] | None = None,
    unified: Sequence[str] = (),
    house: str | None = None,
    account_numbers: Sequence[str] = (),
    numbers: Sequence[str] = (),
    service_ids: Sequence[str] = (),
    account_guids: Sequence[str] = (),
    version: str = "13.1.0.1",
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """exportPaymentDocumentRequest by one selector: ``ids``, or ``period`` (year, month) with
    unified numbers, account GUIDs, service ids, or a house with account or document numbers."""
    request = _root("exportPaymentDocumentRequest", version, signed_id)
    if ids:
        for value in ids:
            sub(request, BB, "PaymentDocumentID", value)
        return request
    if period is None:
        raise ValueError("a period is required unless document ids are given")
    sub(request, BASE, "Year", period[0])
    sub(request, BASE, "Month", period[1])
    if house is not None:
        sub(request, B, "FIASHouseGuid", house)
        for value in account_numbers:
            sub(request, AB, "AccountNumber", value)
        for value in numbers:
            sub(request, BB, "PaymentDocumentNumber", value)
        return request
    for value in unified:
        sub(request, AB, "UnifiedAccountNumber", value)
    for value in service_ids:
        sub(request, AB, "ServiceID", value)
    for value in account_guids:
        sub(request, B, "AccountGUID", value)
    return request


def bulk_documents(account_guids: Sequence[str], *, housing: str = "1", utility: str | None = None) -> list[Doc]:
    """One document per account: maintenance (NSI 50 ``housing``) and, when given, a utility
    (the sender's NSI 51 ``utility``) with a volume; every sum adds up."""
    services: tuple[Svc, ...] = (Svc(HOUSING, housing, "25.50", "1275.00"),)
    if utility is not None:
        services += (Svc(UTILITY, utility, "42.30", "423.00", recalculation="-12.50", discount="10.00", volume="10"),)
    return [Doc(account, services, number=f"{i + 1}") for i, account in enumerate(account_guids)]
