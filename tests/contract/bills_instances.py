"""Builders of XSD-valid bills requests (GIS 16.3.0.0): payment documents imported, withdrawn
and exported. Habits and helpers as in ``service_instances.py``."""

from __future__ import annotations

from functools import partial

from lxml import etree

from testkit.elements import SIGNED_ID, guid, sub
from tests.contract.service_instances import (
    ACC,
    BASE,
    BILLS,
    BILLS_BASE,
    EXPORT_PAYMENT_DOCUMENT_VERSIONS,
    IMPORT_PAYMENT_DOCUMENT_VERSION,
    PAYMENTS_BASE,
    Builder,
    nsi_ref,
    request,
)


def _charge(document: etree._Element, kind: str, i: int, payment_key: str) -> None:
    """One ``ChargeInfo`` of ``kind`` (HousingService, MunicipalService or AdditionalService)."""
    service = sub(sub(document, BILLS, "ChargeInfo"), BILLS, kind)
    code = {"HousingService": ("1", "50"), "MunicipalService": ("1", "51"), "AdditionalService": ("1", "1")}[kind]
    nsi_ref(service, BILLS, "ServiceType", *code)
    sub(service, BILLS, "Rate", "35.17")
    sub(service, BILLS, "TotalPayable", f"{1500 + i}.25")
    sub(service, BILLS, "AccountingPeriodTotal", f"{1500 + i}.25")
    sub(service, BILLS, "PaymentInformationKey", payment_key)
    if kind == "MunicipalService":
        consumption = sub(sub(service, BILLS, "Consumption"), BILLS, "Volume", "4.5")
        consumption.set("type", "I")
        consumption.set("determiningMethod", "M")


def import_payment_document(
    *, count: int = 3, seed: str = "bills", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importPaymentDocumentRequest`` for November 2026 (at most 500 payment documents): one
    bank account, each document charging housing, municipal and additional services."""
    root = request(BILLS, "importPaymentDocumentRequest", IMPORT_PAYMENT_DOCUMENT_VERSION, signed_id=signed_id)
    sub(root, BASE, "Month", 11)
    sub(root, BASE, "Year", 2026)
    account = sub(root, BILLS, "PaymentInformation")
    sub(account, PAYMENTS_BASE, "BankBIK", "044525225")
    sub(account, PAYMENTS_BASE, "operatingAccountNumber", "40702810938000012345")
    payment_key = guid(f"{seed}:payment-information")
    sub(account, BASE, "TransportGUID", payment_key)
    for i in range(count):
        document = sub(root, BILLS, "PaymentDocument")
        sub(document, ACC, "AccountGuid", guid(f"{seed}:account:{i}"))
        sub(document, BILLS_BASE, "PaymentDocumentNumber", f"ПД-{i + 1:06d}")
        for kind in ("HousingService", "MunicipalService", "AdditionalService"):
            _charge(document, kind, i, payment_key)
        sub(document, BILLS, "Expose", True)
        sub(document, BILLS, "TotalPayableByPD", f"{3 * (1500 + i)}.75")
        sub(document, BASE, "TransportGUID", guid(f"{seed}:document:{i}"))
        sub(document, BILLS, "PaymentInformationKey", payment_key)
    return root


def payment_document_id(i: int) -> str:
    """A payment document ID in GIS's 18-character form, e.g. ``00АЕ144853-03-8111``."""
    return f"{i % 100:02d}АЕ{144853 + i:06d}-03-8111"


def withdraw_payment_document(
    *, count: int = 2, seed: str = "bills", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importPaymentDocumentRequest`` withdrawing ``count`` documents (at most 1000)."""
    root = request(BILLS, "importPaymentDocumentRequest", IMPORT_PAYMENT_DOCUMENT_VERSION, signed_id=signed_id)
    for i in range(count):
        withdraw = sub(root, BILLS, "WithdrawPaymentDocument")
        sub(withdraw, BASE, "TransportGUID", guid(f"{seed}:withdraw:{i}"))
        sub(withdraw, BILLS_BASE, "PaymentDocumentID", payment_document_id(i))
    return root


EXPORT_PAYMENT_DOCUMENT_SELECTIONS = (
    "PaymentDocumentID",
    "UnifiedAccountNumber",
    "AccountNumber",
    "ServiceID",
    "AccountGUID",
)


def export_payment_document(
    *, by: str = "AccountNumber", count: int = 3, version: str = "13.1.0.1", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``exportPaymentDocumentRequest`` by document IDs, or for a month by accounts of one kind."""
    root = request(BILLS, "exportPaymentDocumentRequest", version, signed_id=signed_id)
    if by == "PaymentDocumentID":
        for i in range(count):
            sub(root, BILLS_BASE, by, payment_document_id(i))
        return root
    sub(root, BASE, "Year", 2026)
    sub(root, BASE, "Month", 11)
    if by == "UnifiedAccountNumber":
        values = [(ACC, f"00АА{i:06d}") for i in range(count)]
    elif by == "AccountNumber":
        sub(root, BILLS, "FIASHouseGuid", guid("apartment-house:fias"))
        values = [(ACC, f"ЛС-{i + 1:06d}") for i in range(count)]
    elif by == "ServiceID":
        values = [(ACC, f"00АА{i:06d}-01") for i in range(count)]
    elif by == "AccountGUID":
        values = [(BILLS, guid(f"bills:account:{i}")) for i in range(count)]
    else:
        raise ValueError(f"unknown selection {by!r}")
    for namespace, value in values:
        sub(root, namespace, by, value)
    return root


REQUEST_BUILDERS: dict[str, Builder] = {
    "importPaymentDocument-3": import_payment_document,
    "importPaymentDocument-500": lambda: import_payment_document(count=500),
    "importPaymentDocument-withdraw-1000": lambda: withdraw_payment_document(count=1000),
    **{
        f"exportPaymentDocument-{by}-{v}": partial(export_payment_document, by=by, version=v)
        for by in EXPORT_PAYMENT_DOCUMENT_SELECTIONS
        for v in EXPORT_PAYMENT_DOCUMENT_VERSIONS
    },
    "exportPaymentDocument-PaymentDocumentID-1000": lambda: export_payment_document(by="PaymentDocumentID", count=1000),
}
