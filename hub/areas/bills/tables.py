"""Payment documents' tables (this area's part of the shared metadata).

Tables (migration ``0016_payment_documents``)::

    payment_documents  id PK, guid (the hub's document GUID), document_id (PaymentDocumentID,
                       18 characters, unique: docs/BILLS.md), org_id FK organizations (the
                       issuer), account_guid, unified_number (ЕЛС), account_number,
                       house_guid (FIAS, the account's first house), year, month, number
                       (PaymentDocumentNumber as received), state (issued | withdrawn),
                       totals as decimal text: by_charges (TotalPayableByChargeInfo),
                       debt (DebtPreviousPeriods), advance (AdvanceBllingPeriod), with_debt
                       (TotalPayableByPDWithDebtAndAdvance), by_document (TotalPayableByPD),
                       subsidies (SubsidiesCompensationSocialSupport); bank details (bik,
                       bank_account) of its PaymentInformation; issued_at, withdrawn_at
    payment_charges    id PK, document_id FK payment_documents, ordinal, kind (housing |
                       utility | additional), registry (NSI 50, 51 or 1), code, service_guid,
                       rate, volume, volume_type (I | O | null), accrued
                       (AccountingPeriodTotal), recalculation (MoneyRecalculation), discount
                       (MoneyDiscount: subsidies and privileges), debt
                       (DebtPreviousPeriodsOrAdvanceBillingPeriod), payable (TotalPayable)

Decimal amounts are stored as their text exactly as received (SQLite has no exact decimal);
the rules compare them as ``Decimal``. No other area reads these tables. Indexes:

* ``ix_payment_documents_account`` (account_guid, year, month): "is there an issued document
  for this account and period", and the next ordinal of the PaymentDocumentID;
* ``ix_payment_documents_period`` (org_id, year, month): the exports by period;
* ``ix_payment_charges_document`` (document_id, ordinal): a document's charges.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table

from hub.store.tables import Id, metadata

AMOUNT = 24  # decimal text: up to 18 digits, sign and point

payment_documents = Table(
    "payment_documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("document_id", String(18), nullable=False, unique=True),
    Column("org_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("account_guid", String(36), nullable=False),
    Column("unified_number", String(10), nullable=False),
    Column("account_number", String(30), nullable=True),
    Column("house_guid", String(36), nullable=True),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("number", String(30), nullable=True),
    Column("state", String(10), nullable=False),
    Column("by_charges", String(AMOUNT), nullable=True),
    Column("debt", String(AMOUNT), nullable=True),
    Column("advance", String(AMOUNT), nullable=True),
    Column("with_debt", String(AMOUNT), nullable=True),
    Column("by_document", String(AMOUNT), nullable=True),
    Column("subsidies", String(AMOUNT), nullable=True),
    Column("bik", String(9), nullable=True),
    Column("bank_account", String(20), nullable=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Index("ix_payment_documents_account", "account_guid", "year", "month"),
    Index("ix_payment_documents_period", "org_id", "year", "month"),
)

payment_charges = Table(
    "payment_charges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("payment_documents.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("registry", Integer, nullable=False),
    Column("code", String(20), nullable=False),
    Column("service_guid", String(36), nullable=True),
    Column("rate", String(AMOUNT), nullable=True),
    Column("volume", String(AMOUNT), nullable=True),
    Column("volume_type", String(1), nullable=True),
    Column("accrued", String(AMOUNT), nullable=True),
    Column("recalculation", String(AMOUNT), nullable=True),
    Column("discount", String(AMOUNT), nullable=True),
    Column("debt", String(AMOUNT), nullable=True),
    Column("payable", String(AMOUNT), nullable=True),
    Index("ix_payment_charges_document", "document_id", "ordinal"),
)
