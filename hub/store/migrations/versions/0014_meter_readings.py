"""Meter readings (importMeteringDeviceValues, exportMeteringDeviceHistory).

One row per resource of an imported item; the index serves the "last reading of a device and
resource" lookup and the export's device/date range (hub/areas/readings/tables.py).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "meter_readings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("device_root_guid", sa.String(36), nullable=False),
        sa.Column("device_version_guid", sa.String(36), nullable=False),
        sa.Column("house_guid", sa.String(36), nullable=False),
        sa.Column("org_id", Id, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("stage", sa.String(5), nullable=False),
        sa.Column("resource", sa.String(20), nullable=False),
        sa.Column("resource_guid", sa.String(36), nullable=True),
        sa.Column("t1", sa.String(24), nullable=True),
        sa.Column("t2", sa.String(24), nullable=True),
        sa.Column("t3", sa.String(24), nullable=True),
        sa.Column("date_value", sa.Date, nullable=False),
        sa.Column("period", sa.String(7), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("seal_date", sa.Date, nullable=True),
        sa.Column("planned", sa.Boolean, nullable=True),
        sa.Column("reason_code", sa.String(20), nullable=True),
        sa.Column("reason_guid", sa.String(36), nullable=True),
    )
    op.create_index("ix_meter_readings_last", "meter_readings", ["device_root_guid", "resource", "date_value", "id"])


def downgrade() -> None:
    op.drop_index("ix_meter_readings_last", table_name="meter_readings")
    op.drop_table("meter_readings")
