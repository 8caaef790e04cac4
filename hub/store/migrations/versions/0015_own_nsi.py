"""An organization's own NSI books (NsiAsync: NSI 1, NSI 51); information systems' data providers.

``org_nsi_books`` holds one row per organization and book (the last Code given, locked while an
import changes the book); ``org_nsi_elements`` the elements (see ``hub.areas.nsi.tables``). ``system_links`` records
which organizations (data providers) an information system works for (``hub system link``;
``hub.store.systems``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "org_nsi_books",
        sa.Column("org_id", Id, sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("registry", sa.Integer(), primary_key=True),
        sa.Column("last_code", sa.Integer(), nullable=False),
    )
    op.create_table(
        "org_nsi_elements",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(36), nullable=False, unique=True),
        sa.Column("org_id", Id, nullable=False),
        sa.Column("registry", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("is_actual", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id", "registry"], ["org_nsi_books.org_id", "org_nsi_books.registry"]),
        sa.UniqueConstraint("org_id", "registry", "code", name="uq_org_nsi_elements_code"),
    )
    op.create_index("ix_org_nsi_elements_modified", "org_nsi_elements", ["org_id", "registry", "modified_at"])
    op.create_table(
        "system_links",
        sa.Column("system_id", Id, sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("org_id", Id, sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("is_actual", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("system_links")
    op.drop_index("ix_org_nsi_elements_modified", table_name="org_nsi_elements")
    op.drop_table("org_nsi_elements")
    op.drop_table("org_nsi_books")
