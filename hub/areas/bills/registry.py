"""What the bills area registers: importPaymentDocumentData, exportPaymentDocumentData.

Both on BillsAsync (its getState comes with the service). It needs the ports ``accounts``
(the accounts area, with the accounts' numbers), ``housing`` (houses), ``supply`` (supply
contracts) and ``own_nsi`` (the nsi area: the organizations' NSI 1 and 51); it never imports
those areas.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import BILLS, Area, Operation, RequestLimit

AREA = Area(
    name="bills",
    operations=(
        Operation(
            BILLS,
            "importPaymentDocumentData",
            ns.BILLS,
            "importPaymentDocumentRequest",
            ("11.2.0.16",),
            result_element="ImportResult",
            limits=(
                RequestLimit(ns.qname(ns.BILLS, "PaymentDocument"), 500),
                RequestLimit(ns.qname(ns.BILLS, "WithdrawPaymentDocument"), 1000),
            ),
            handler="hub.areas.bills.handlers:import_handler",
            sample="import-payment-document.xml",
        ),
        Operation(
            BILLS,
            "exportPaymentDocumentData",
            ns.BILLS,
            "exportPaymentDocumentRequest",
            ("11.2.0.10", "12.2.0.1", "13.1.0.1"),
            result_element="exportPaymentDocResult",
            limits=(
                RequestLimit(ns.qname(ns.BILLS_BASE, "PaymentDocumentID"), 1000),
                RequestLimit(ns.qname(ns.ACCOUNT_BASE, "UnifiedAccountNumber"), 1000),
                RequestLimit(ns.qname(ns.ACCOUNT_BASE, "AccountNumber"), 1000),
                RequestLimit(ns.qname(ns.BILLS_BASE, "PaymentDocumentNumber"), 1000),
                RequestLimit(ns.qname(ns.ACCOUNT_BASE, "ServiceID"), 1000),
                RequestLimit(ns.qname(ns.BILLS, "AccountGUID"), 1000),
            ),
            handler="hub.areas.bills.handlers:export_handler",
            sample="export-payment-document.xml",
        ),
    ),
    tables="hub.areas.bills.tables",
)
