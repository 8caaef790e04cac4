"""XML ↔ domain for payment documents (BillsAsync).

In: ``importPaymentDocumentRequest`` → one ``IssueCommand`` per PaymentDocument (its bank
details resolved from the message's PaymentInformation by TransportGUID; Month and Year, given
once, set on every document) or one ``WithdrawCommand`` per WithdrawPaymentDocument;
``exportPaymentDocumentRequest`` → ``ExportQuery``.
Out: ``ImportResult`` (base:CommonResultType: in this service ImportResult IS the CommonResult)
per object, and one ``exportPaymentDocResult`` per exported document.

What is read of a charge (ChargeInfo/HousingService | MunicipalService | AdditionalService, and
each MunicipalService of a GroupMunicipalService): ServiceType, Rate, TotalPayable,
AccountingPeriodTotal, ServiceCharge/MoneyRecalculation and MoneyDiscount,
DebtPreviousPeriodsOrAdvanceBillingPeriod and the first Consumption/Volume. Capital repair,
insurance, penalties, debts-only documents and the per-resource detail of a housing service are
valid input but not stored (docs/BILLS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lxml import etree

from hub import ns
from hub.areas.bills.rules import (
    Bank,
    Charge,
    ChargeKind,
    Command,
    DocumentState,
    IssueCommand,
    Totals,
    WithdrawCommand,
)
from hub.areas.bills.usecase import ExportQuery, StoredDocument, money
from hub.contract import results
from hub.contract.lexical import xs_decimal, xs_integer
from hub.domain.outcomes import ObjectOutcome

B = ns.BILLS
BB = ns.BILLS_BASE
BASE = ns.BASE
AB = ns.ACCOUNT_BASE
NSI = ns.NSI_BASE
PAYMENTS_BASE = ns.PAYMENTS_BASE
REQUEST = "/importPaymentDocumentRequest"


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


_TRANSPORT = _q(BASE, "TransportGUID")
_KINDS = {
    _q(B, "HousingService"): ChargeKind.HOUSING,
    _q(B, "MunicipalService"): ChargeKind.UTILITY,
    _q(B, "AdditionalService"): ChargeKind.ADDITIONAL,
}
_GROUP = _q(B, "GroupMunicipalService")


def _text(parent: etree._Element, namespace: str, local: str) -> str | None:
    value = parent.findtext(_q(namespace, local))
    return value.strip() if value is not None else None


def _amount(parent: etree._Element, local: str, namespace: str = B) -> Decimal | None:
    value = parent.findtext(_q(namespace, local))
    return xs_decimal(value) if value is not None else None


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """The element's children by tag (one pass; the elements read here occur once)."""
    return {child.tag: child for child in element if isinstance(child.tag, str)}


def _decimal(children: dict[str, etree._Element], tag: str) -> Decimal | None:
    child = children.get(tag)
    return xs_decimal(child.text or "") if child is not None else None


_SERVICE_TYPE, _SERVICE_CHARGE, _CONSUMPTION = _q(B, "ServiceType"), _q(B, "ServiceCharge"), _q(B, "Consumption")
_VOLUME, _CODE, _NSI_GUID = _q(B, "Volume"), _q(NSI, "Code"), _q(NSI, "GUID")
_RATE, _PAYABLE, _ACCRUED = _q(B, "Rate"), _q(B, "TotalPayable"), _q(B, "AccountingPeriodTotal")
_RECALCULATION, _DISCOUNT = _q(B, "MoneyRecalculation"), _q(B, "MoneyDiscount")
_CHARGE_DEBT = _q(B, "DebtPreviousPeriodsOrAdvanceBillingPeriod")


def _charge(element: etree._Element, kind: ChargeKind, where: str) -> Charge:
    """One service of a ChargeInfo; the hot path of a 500-document message: one pass over the
    children, read by tag."""
    children = _children(element)
    service = children.get(_SERVICE_TYPE)
    code = (service.findtext(_CODE) or "").strip() if service is not None else ""
    guid = (service.findtext(_NSI_GUID) or "").strip().lower() if service is not None else ""
    charge = children.get(_SERVICE_CHARGE)
    parts = _children(charge) if charge is not None else {}
    consumption = children.get(_CONSUMPTION)
    volume = consumption.find(_VOLUME) if consumption is not None else None
    return Charge(
        kind=kind,
        code=code,
        service_guid=guid or None,
        rate=_decimal(children, _RATE),
        payable=_decimal(children, _PAYABLE),
        accrued=_decimal(children, _ACCRUED),
        recalculation=_decimal(parts, _RECALCULATION),
        discount=_decimal(parts, _DISCOUNT),
        debt=_decimal(children, _CHARGE_DEBT),
        volume=xs_decimal(volume.text or "") if volume is not None else None,
        volume_type=volume.get("type") if volume is not None else None,
        where=where,
    )


_CHARGE_INFO = _q(B, "ChargeInfo")


def _charges(infos: list[etree._Element], where: str) -> tuple[Charge, ...]:
    found: list[Charge] = []
    for index, info in enumerate(infos, start=1):
        place = f"{where}/ChargeInfo[{index}]"
        for child in info:
            kind = _KINDS.get(child.tag) if isinstance(child.tag, str) else None
            if kind is not None:
                found.append(_charge(child, kind, f"{place}/{etree.QName(child).localname}"))
            elif child.tag == _GROUP:
                for number, service in enumerate(child.iterfind(_q(B, "MunicipalService")), start=1):
                    where_service = f"{place}/GroupMunicipalService/MunicipalService[{number}]"
                    found.append(_charge(service, ChargeKind.UTILITY, where_service))
    return tuple(found)


def _banks(request: etree._Element) -> dict[str, Bank]:
    return {
        (info.findtext(_TRANSPORT) or "").strip(): Bank(
            _text(info, PAYMENTS_BASE, "BankBIK"), _text(info, PAYMENTS_BASE, "operatingAccountNumber")
        )
        for info in request.iterfind(_q(B, "PaymentInformation"))
    }


_ACCOUNT, _NUMBER, _DOCUMENT_ID = _q(AB, "AccountGuid"), _q(BB, "PaymentDocumentNumber"), _q(BB, "PaymentDocumentID")
_BANK_KEY, _DETAILS = _q(B, "PaymentInformationKey"), _q(B, "DetailsPaymentInformation")
_TOTALS = {
    local: _q(B, local)
    for local in (
        "TotalPayableByChargeInfo",
        "DebtPreviousPeriods",
        "AdvanceBllingPeriod",
        "TotalPayableByPDWithDebtAndAdvance",
        "TotalPayableByPD",
        "SubsidiesCompensationSocialSupport",
    )
}


def _stripped(children: dict[str, etree._Element], tag: str) -> str | None:
    child = children.get(tag)
    return (child.text or "").strip() if child is not None else None


def _issue(document: etree._Element, year: int, month: int, banks: dict[str, Bank], where: str) -> IssueCommand:
    children = _children(document)
    key = _stripped(children, _BANK_KEY)
    if key is None and _DETAILS in children:
        key = _stripped(_children(children[_DETAILS]), _BANK_KEY)
    t = {local: _decimal(children, tag) for local, tag in _TOTALS.items()}
    return IssueCommand(
        transport_guid=_stripped(children, _TRANSPORT) or "",
        account_guid=(_stripped(children, _ACCOUNT) or "").lower(),
        year=year,
        month=month,
        number=_stripped(children, _NUMBER),
        charges=_charges([c for c in document if c.tag == _CHARGE_INFO], where),
        totals=Totals(
            by_charges=t["TotalPayableByChargeInfo"],
            debt=t["DebtPreviousPeriods"],
            advance=t["AdvanceBllingPeriod"],
            with_debt=t["TotalPayableByPDWithDebtAndAdvance"],
            by_document=t["TotalPayableByPD"],
            subsidies=t["SubsidiesCompensationSocialSupport"],
        ),
        bank=banks.get(key) if key else None,
        document_id=_stripped(children, _DOCUMENT_ID),
        where=where,
    )


def decode_import(request: etree._Element) -> list[Command]:
    """Every document or withdrawal of the request, in document order."""
    withdrawals = [
        WithdrawCommand(
            (element.findtext(_TRANSPORT) or "").strip(),
            (element.findtext(_q(BB, "PaymentDocumentID")) or "").strip(),
            f"{REQUEST}/WithdrawPaymentDocument[{index}]",
        )
        for index, element in enumerate(request.iterfind(_q(B, "WithdrawPaymentDocument")), start=1)
    ]
    if withdrawals:
        return list(withdrawals)
    year = xs_integer(request.findtext(_q(BASE, "Year")) or "0")
    month = xs_integer(request.findtext(_q(BASE, "Month")) or "0")
    banks = _banks(request)
    return [
        _issue(document, year, month, banks, f"{REQUEST}/PaymentDocument[{index}]")
        for index, document in enumerate(request.iterfind(_q(B, "PaymentDocument")), start=1)
    ]


def import_result_fragment(outcomes: Sequence[ObjectOutcome]) -> bytes:
    """``ImportResult``\\* (base:CommonResultType), one per object: GUID, UniqueNumber (the
    PaymentDocumentID), UpdateDate, or its errors."""
    tns = results.SERVICE_PREFIX
    parts = [f'<hub:Result xmlns:hub="{results.RESULT_NS}" xmlns:base="{BASE}" xmlns:{tns}="{B}">']
    results.common_results_text(parts, "ImportResult", outcomes)
    parts.append("</hub:Result>")
    return "".join(parts).encode()


# --- export -----------------------------------------------------------------------------------


def _values(request: etree._Element, namespace: str, local: str) -> tuple[str, ...]:
    return tuple((e.text or "").strip() for e in request.iterfind(_q(namespace, local)))


def decode_export(request: etree._Element) -> ExportQuery:
    """The selector of an exportPaymentDocumentRequest (the XSD's choice: exactly one)."""
    year = request.findtext(_q(BASE, "Year"))
    month = request.findtext(_q(BASE, "Month"))
    house = request.findtext(_q(B, "FIASHouseGuid"))
    return ExportQuery(
        document_ids=_values(request, BB, "PaymentDocumentID"),
        year=xs_integer(year) if year is not None else None,
        month=xs_integer(month) if month is not None else None,
        unified_numbers=_values(request, AB, "UnifiedAccountNumber"),
        house_guid=house.strip().lower() if house is not None else None,
        account_numbers=_values(request, AB, "AccountNumber"),
        numbers=_values(request, BB, "PaymentDocumentNumber"),
        account_guids=tuple(g.lower() for g in _values(request, B, "AccountGUID")),
        service_ids=_values(request, AB, "ServiceID"),
    )


class _Writer:
    def sub(self, parent: etree._Element, namespace: str, local: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, _q(namespace, local))
        if text is not None:
            child.text = text
        return child

    def amount(self, parent: etree._Element, local: str, value: Decimal | None) -> None:
        if value is not None:
            self.sub(parent, B, local, money(value))

    def charge(self, parent: etree._Element, charge: Charge) -> None:
        """One ChargeInfo of PDServiceChargeExportType: the service (ServicePDType) first, then
        its kind's own elements in the XSD's order."""
        info = self.sub(parent, B, "ChargeInfo")
        local = {ChargeKind.HOUSING: "HousingService", ChargeKind.UTILITY: "MunicipalService"}.get(
            charge.kind, "AdditionalService"
        )
        service = self.sub(info, B, local)
        ref = self.sub(service, B, "ServiceType")
        self.sub(ref, NSI, "Code", charge.code)
        if charge.service_guid:
            self.sub(ref, NSI, "GUID", charge.service_guid)
        self.sub(service, B, "Rate", money(charge.rate if charge.rate is not None else Decimal(0)))
        self.amount(service, "TotalPayable", charge.payable)
        self.amount(service, "AccountingPeriodTotal", charge.accrued)
        self.amount(service, "DebtPreviousPeriodsOrAdvanceBillingPeriod", charge.debt)
        if charge.recalculation is not None or charge.discount is not None:
            block = self.sub(service, B, "ServiceCharge")
            self.amount(block, "MoneyRecalculation", charge.recalculation)
            self.amount(block, "MoneyDiscount", charge.discount)
        if charge.volume is not None and charge.kind is not ChargeKind.HOUSING:
            consumption = self.sub(service, B, "Consumption")
            volume = self.sub(consumption, B, "Volume", money(charge.volume))
            if charge.volume_type:
                volume.set("type", charge.volume_type)


def encode_documents(documents: Sequence[StoredDocument]) -> list[etree._Element]:
    """One ``exportPaymentDocResult`` per document (PaymentDocumentExportType + its
    PaymentDocumentID and PaymentInformation), Expose or Withdraw by its state."""
    writer = _Writer()
    nsmap = {"base": BASE, "bills-base": BB, "account-base": AB, "nsi-base": NSI, "payments-base": PAYMENTS_BASE}
    out: list[etree._Element] = []
    for doc in documents:
        result = etree.Element(_q(B, "exportPaymentDocResult"), nsmap=nsmap)
        element = writer.sub(result, B, "PaymentDocument")
        writer.sub(element, AB, "AccountGuid", doc.account_guid)
        if doc.number:
            writer.sub(element, BB, "PaymentDocumentNumber", doc.number)
        for charge in doc.charges:
            writer.charge(element, charge)
        writer.sub(element, B, "Withdraw" if doc.state is DocumentState.WITHDRAWN else "Expose", "true")
        t = doc.totals
        writer.amount(element, "TotalPayableByChargeInfo", t.by_charges)
        writer.amount(element, "DebtPreviousPeriods", t.debt)
        writer.amount(element, "AdvanceBllingPeriod", t.advance)
        writer.amount(element, "TotalPayableByPD", t.by_document)
        writer.amount(element, "TotalPayableByPDWithDebtAndAdvance", t.with_debt)
        writer.sub(element, BASE, "Month", str(doc.month))
        writer.sub(element, BASE, "Year", str(doc.year))
        writer.amount(element, "SubsidiesCompensationSocialSupport", t.subsidies)
        writer.sub(element, BB, "PaymentDocumentID", doc.document_id)
        info = writer.sub(element, B, "PaymentInformation")
        if doc.bank is not None:
            if doc.bank.bik:
                writer.sub(info, PAYMENTS_BASE, "BankBIK", doc.bank.bik)
            if doc.bank.account:
                writer.sub(info, PAYMENTS_BASE, "operatingAccountNumber", doc.bank.account)
        out.append(result)
    return out
