"""Uploads resume: ``uploads.submitted_at`` and ``uploads.touched_at``.

An upload whose POST was cut off before every batch reached the intake has ``submitted_at``
NULL; a resume (``hub.services.uploads.UploadDesk.resume``) claims it once ``touched_at`` is
old. Uploads stored before this revision were submitted whole (their POST answered): both
columns take their ``created_at``.

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
    op.execute("UPDATE uploads SET submitted_at = created_at, touched_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("touched_at")
        batch.drop_column("submitted_at")
