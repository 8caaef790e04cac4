"""Replay refusal: the SHA-256 of each accepted message's SignatureValue, unique.

The RequestHeader (and its MessageGUID) is not signed, so a captured message resent with a new
MessageGUID and Date passed every check and was processed again. A signature value is accepted
once: the unique index refuses the second insert in the same transaction as the inbox row, so
two replays racing each other cannot both be accepted. Rows accepted before this revision keep
NULL (NULLs never collide in a unique index, on SQLite or PostgreSQL).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("signature_digest", sa.String(64), nullable=True))
    op.create_index("uq_inbox_signature_digest", "inbox", ["signature_digest"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_inbox_signature_digest", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("signature_digest")
