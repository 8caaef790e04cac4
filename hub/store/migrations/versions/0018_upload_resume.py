"""Uploads resume and their prepared result: ``uploads.submitted_at``, ``touched_at``, ``result``.

An upload whose POST was cut off before every batch reached the intake has ``submitted_at``
NULL; a resume (``hub.services.uploads.UploadDesk.resume``) claims it once ``touched_at`` is
old. Uploads stored before this revision were submitted whole (their POST answered): both
columns take their ``created_at``. ``result`` holds the result workbook once the process that took
the POST has built it alongside the processing (NULL: it is built when asked for).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("touched_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("result", sa.LargeBinary(), nullable=True))
    op.execute("UPDATE uploads SET submitted_at = created_at, touched_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("result")
        batch.drop_column("touched_at")
        batch.drop_column("submitted_at")
