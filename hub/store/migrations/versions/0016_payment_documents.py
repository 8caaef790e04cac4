"""Payment documents, ПД (importPaymentDocumentData, exportPaymentDocumentData).

A document per account and period with its charges (hub/areas/bills/tables.py).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AMOUNT = 24


def upgrade() -> None:
    op.create_table(
        "payment_documents",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False, unique=True),
        sa.Column("document_id", sa.String(18), nullable=False, unique=True),
        sa.Column("org_id", Id, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("account_guid", sa.String(36), nullable=False),
        sa.Column("unified_number", sa.String(10), nullable=False),
        sa.Column("account_number", sa.String(30), nullable=True),
        sa.Column("house_guid", sa.String(36), nullable=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("month", sa.Integer, nullable=False),
        sa.Column("number", sa.String(30), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("by_charges", sa.String(AMOUNT), nullable=True),
        sa.Column("debt", sa.String(AMOUNT), nullable=True),
        sa.Column("advance", sa.String(AMOUNT), nullable=True),
        sa.Column("with_debt", sa.String(AMOUNT), nullable=True),
        sa.Column("by_document", sa.String(AMOUNT), nullable=True),
        sa.Column("subsidies", sa.String(AMOUNT), nullable=True),
        sa.Column("bik", sa.String(9), nullable=True),
        sa.Column("bank_account", sa.String(20), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_payment_documents_account", "payment_documents", ["account_guid", "year", "month"])
    op.create_index("ix_payment_documents_period", "payment_documents", ["org_id", "year", "month"])
    op.create_table(
        "payment_charges",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("document_id", Id, sa.ForeignKey("payment_documents.id"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("registry", sa.Integer, nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("service_guid", sa.String(36), nullable=True),
        sa.Column("rate", sa.String(AMOUNT), nullable=True),
        sa.Column("volume", sa.String(AMOUNT), nullable=True),
        sa.Column("volume_type", sa.String(1), nullable=True),
        sa.Column("accrued", sa.String(AMOUNT), nullable=True),
        sa.Column("recalculation", sa.String(AMOUNT), nullable=True),
        sa.Column("discount", sa.String(AMOUNT), nullable=True),
        sa.Column("debt", sa.String(AMOUNT), nullable=True),
        sa.Column("payable", sa.String(AMOUNT), nullable=True),
    )
    op.create_index("ix_payment_charges_document", "payment_charges", ["document_id", "ordinal"])


def downgrade() -> None:
    op.drop_index("ix_payment_charges_document", table_name="payment_charges")
    op.drop_table("payment_charges")
    op.drop_index("ix_payment_documents_period", table_name="payment_documents")
    op.drop_index("ix_payment_documents_account", table_name="payment_documents")
    op.drop_table("payment_documents")
