"""Metering devices: one row per device (its current version) and one per version.

See ``hub/areas/devices/tables.py`` for what the columns hold.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "metering_devices",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("root_guid", sa.String(36), nullable=False, unique=True),
        sa.Column("version_guid", sa.String(36), nullable=False, unique=True),
        sa.Column("version_number", sa.Integer, nullable=False),
        sa.Column("gis_number", sa.String(20), nullable=False, unique=True),
        sa.Column("owner_org_id", Id, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("house_guid", sa.String(36), nullable=False),
        sa.Column("device_type", sa.String(2), nullable=False),
        sa.Column("number", sa.String(50), nullable=False),
        sa.Column("resources", sa.String(40), nullable=False),
        sa.Column("energy", sa.Boolean, nullable=False),
        sa.Column("tariff_count", sa.Integer, nullable=False),
        sa.Column("consumed_volume", sa.Boolean, nullable=False),
        sa.Column("commissioned", sa.Date, nullable=True),
        sa.Column("archived_on", sa.Date, nullable=True),
        sa.Column("replaced_root_guid", sa.String(36), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_metering_devices_house_number", "metering_devices", ["house_guid", "number"])
    op.create_table(
        "metering_device_versions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("device_id", Id, sa.ForeignKey("metering_devices.id"), nullable=False),
        sa.Column("version_guid", sa.String(36), nullable=False, unique=True),
        sa.Column("version_number", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("device_id", "version_number", name="uq_metering_device_versions_number"),
    )


def downgrade() -> None:
    op.drop_table("metering_device_versions")
    op.drop_index("ix_metering_devices_house_number", table_name="metering_devices")
    op.drop_table("metering_devices")
