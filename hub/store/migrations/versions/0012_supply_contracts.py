"""Supply contracts (договоры ресурсоснабжения, ДРСО): versions, subjects, objects.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "supply_contracts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("root_guid", sa.String(36), nullable=False),
        sa.Column("version_guid", sa.String(36), nullable=False),
        sa.Column("version_number", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.Column("org_id", Id, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("is_contract", sa.Boolean, nullable=False),
        sa.Column("number", sa.String(100), nullable=True),
        sa.Column("signing_date", sa.Date, nullable=True),
        sa.Column("effective_date", sa.Date, nullable=True),
        sa.Column("expiration_date", sa.Date, nullable=True),
        sa.Column("indefinite", sa.Boolean, nullable=False),
        sa.Column("auto_rollover", sa.Boolean, nullable=False),
        sa.Column("counterparty", sa.String(40), nullable=False),
        sa.Column("counterparty_xml", sa.Text, nullable=False),
        sa.Column("is_planned_volume", sa.Boolean, nullable=False),
        sa.Column("quality_by", sa.String(1), nullable=False),
        sa.Column("counting_resource", sa.String(1), nullable=True),
        sa.Column("terminated_on", sa.Date, nullable=True),
        sa.Column("termination_code", sa.String(20), nullable=True),
        sa.Column("termination_guid", sa.String(36), nullable=True),
        sa.Column("termination_name", sa.Text, nullable=True),
        sa.Column("annulment_reason", sa.Text, nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_supply_contracts"),
        sa.UniqueConstraint("version_guid", name="uq_supply_contracts_version_guid"),
        sa.UniqueConstraint("root_guid", "version_number", name="uq_supply_contracts_version"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name="fk_supply_contracts_org_id_organizations"),
    )
    op.create_index("ix_supply_contracts_org_root", "supply_contracts", ["org_id", "root_guid"])
    op.create_table(
        "supply_contract_subjects",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("contract_id", Id, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("transport_guid", sa.String(36), nullable=False),
        sa.Column("service_code", sa.String(20), nullable=False),
        sa.Column("service_guid", sa.String(36), nullable=True),
        sa.Column("service_name", sa.Text, nullable=True),
        sa.Column("resource_code", sa.String(20), nullable=False),
        sa.Column("resource_guid", sa.String(36), nullable=True),
        sa.Column("resource_name", sa.Text, nullable=True),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_supply_contract_subjects"),
        sa.UniqueConstraint("contract_id", "ordinal", name="uq_supply_contract_subjects_ordinal"),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["supply_contracts.id"], name="fk_supply_contract_subjects_contract_id_supply_contracts"
        ),
    )
    op.create_table(
        "supply_contract_objects",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("contract_id", Id, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("transport_guid", sa.String(36), nullable=False),
        sa.Column("house_guid", sa.String(36), nullable=False),
        sa.Column("house_type", sa.String(20), nullable=True),
        sa.Column("apartment", sa.String(255), nullable=True),
        sa.Column("room", sa.String(255), nullable=True),
        sa.Column("subject_ordinal", sa.Integer, nullable=False),
        sa.Column("municipal_resource", sa.String(20), nullable=True),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_supply_contract_objects"),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["supply_contracts.id"], name="fk_supply_contract_objects_contract_id_supply_contracts"
        ),
    )
    op.create_index("ix_supply_contract_objects_house", "supply_contract_objects", ["house_guid", "contract_id"])
    op.create_index("ix_supply_contract_objects_contract", "supply_contract_objects", ["contract_id"])


def downgrade() -> None:
    op.drop_table("supply_contract_objects")
    op.drop_table("supply_contract_subjects")
    op.drop_table("supply_contracts")
