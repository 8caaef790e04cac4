"""One intake for every source: an inbox entry says how it arrived and how its sender was proved.

``inbox.source`` ("soap", "rest", "upload") and ``inbox.authenticated_by`` ("signature", "token"
…): an entry no longer has to carry a signature. ``inbox_payloads.signed`` becomes ``payload``
(the checked request element, whatever the source) and gains ``provenance`` (which part of the
received bytes the entry is: an uploaded file's sheet and rows). Rows accepted before this
revision were all signed SOAP messages, which the defaults say.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="soap"))
        batch.add_column(sa.Column("authenticated_by", sa.String(32), nullable=False, server_default="signature"))
    with op.batch_alter_table("inbox_payloads") as batch:
        batch.alter_column("signed", new_column_name="payload", existing_type=sa.LargeBinary, existing_nullable=False)
        batch.add_column(sa.Column("provenance", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_payloads") as batch:
        batch.drop_column("provenance")
        batch.alter_column("payload", new_column_name="signed", existing_type=sa.LargeBinary, existing_nullable=False)
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("authenticated_by")
        batch.drop_column("source")
