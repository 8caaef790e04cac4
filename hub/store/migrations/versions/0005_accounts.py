"""Personal accounts (лицевые счета) and their accommodations.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("org_id", Id, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("account_number", sa.String(30), nullable=True),
        sa.Column("unique_number", sa.String(20), nullable=False),
        sa.Column("unified_number", sa.String(10), nullable=False),
        sa.Column("service_counter", sa.Integer, nullable=False),
        sa.Column("living_persons", sa.Integer, nullable=True),
        sa.Column("total_square", sa.String(40), nullable=True),
        sa.Column("residential_square", sa.String(40), nullable=True),
        sa.Column("heated_area", sa.String(40), nullable=True),
        sa.Column("close_reason_code", sa.String(20), nullable=True),
        sa.Column("close_reason_guid", sa.String(36), nullable=True),
        sa.Column("close_reason_name", sa.Text, nullable=True),
        sa.Column("close_date", sa.Date, nullable=True),
        sa.Column("close_description", sa.String(250), nullable=True),
        sa.Column("payer_is_renter", sa.Boolean, nullable=False),
        sa.Column("payer_accounts_divided", sa.Boolean, nullable=False),
        sa.Column("payer_surname", sa.String(256), nullable=True),
        sa.Column("payer_first_name", sa.String(256), nullable=True),
        sa.Column("payer_patronymic", sa.String(256), nullable=True),
        sa.Column("payer_sex", sa.String(1), nullable=True),
        sa.Column("payer_birth_date", sa.Date, nullable=True),
        sa.Column("payer_snils", sa.String(11), nullable=True),
        sa.Column("payer_doc_type_code", sa.String(20), nullable=True),
        sa.Column("payer_doc_type_guid", sa.String(36), nullable=True),
        sa.Column("payer_doc_type_name", sa.Text, nullable=True),
        sa.Column("payer_doc_series", sa.String(45), nullable=True),
        sa.Column("payer_doc_number", sa.String(45), nullable=True),
        sa.Column("payer_doc_issue_date", sa.Date, nullable=True),
        sa.Column("payer_org_version_guid", sa.String(36), nullable=True),
        sa.Column("reasons", sa.LargeBinary, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("guid", name="uq_accounts_guid"),
        sa.UniqueConstraint("unique_number", name="uq_accounts_unique_number"),
        sa.UniqueConstraint("unified_number", name="uq_accounts_unified_number"),
        sa.UniqueConstraint("org_id", "account_number", name="uq_accounts_org_number"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name="fk_accounts_org_id_organizations"),
    )
    op.create_table(
        "account_accommodations",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("account_id", Id, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("target", sa.String(10), nullable=False),
        sa.Column("object_guid", sa.String(36), nullable=False),
        sa.Column("house_guid", sa.String(36), nullable=True),
        sa.Column("share", sa.String(10), nullable=True),
        sa.Column("service_id", sa.String(13), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account_accommodations"),
        sa.UniqueConstraint("service_id", name="uq_account_accommodations_service_id"),
        sa.UniqueConstraint("account_id", "ordinal", name="uq_account_accommodations_account_ordinal"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_account_accommodations_account_id_accounts"),
    )
    op.create_index("ix_account_accommodations_object", "account_accommodations", ["object_guid"])
    op.create_index("ix_account_accommodations_house", "account_accommodations", ["house_guid"])


def downgrade() -> None:
    op.drop_index("ix_account_accommodations_house", "account_accommodations")
    op.drop_index("ix_account_accommodations_object", "account_accommodations")
    op.drop_table("account_accommodations")
    op.drop_table("accounts")
