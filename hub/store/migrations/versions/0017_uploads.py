"""Uploaded files (Excel batch upload): ``uploads`` and ``upload_messages`` (hub.store.uploads).

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("upload_guid", sa.String(36), nullable=False, unique=True),
        sa.Column("sender_id", Id, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("adapter", sa.String(32), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_uploads_sender", "uploads", ["sender_id"])
    op.create_table(
        "upload_messages",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("upload_id", Id, sa.ForeignKey("uploads.id"), nullable=False),
        sa.Column("message_guid", sa.String(36), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
    )
    op.create_index("ix_upload_messages_upload", "upload_messages", ["upload_id"])


def downgrade() -> None:
    op.drop_index("ix_upload_messages_upload", table_name="upload_messages")
    op.drop_table("upload_messages")
    op.drop_index("ix_uploads_sender", table_name="uploads")
    op.drop_table("uploads")
