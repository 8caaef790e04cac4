"""Per-object outcomes of import messages (exactly-once processing).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "object_results",
        sa.Column("inbox_id", Id, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("transport_guid", sa.String(36), nullable=False),
        sa.Column("guid", sa.String(36), nullable=True),
        sa.Column("unique_number", sa.String(64), nullable=True),
        sa.Column("update_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("errors", sa.JSON, nullable=False),
        sa.Column("extension", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("inbox_id", "seq", name="pk_object_results"),
        sa.ForeignKeyConstraint(["inbox_id"], ["inbox.id"], name="fk_object_results_inbox_id_inbox"),
    )


def downgrade() -> None:
    op.drop_table("object_results")
