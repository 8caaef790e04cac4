"""NSI books and elements known to the hub (with the public-source seed), and counters.

The seed holds only what public sources confirm (see docs/NSI.md): NSI 24 «Состояние дома»
complete; NSI 22 «Причина закрытия лицевого счета» partial. Everything else comes from a real
GIS exportNsiItem result loaded with ``hub nsi load``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The hub's own GUIDs for NSI elements: stable (uuid5 of registry and code) across installs.
NSI_NAMESPACE = uuid.UUID("6a0d6b2e-7c5e-5b7a-9a51-6e5b1d3f0a24")

SEED_BOOKS = [
    (24, "Состояние дома", True, "шаблоны импорта ГИС ЖКХ (лист перечислений)"),
    (22, "Причина закрытия лицевого счета", False, "открытые данные ГИС ЖКХ nsi-22 (частично)"),
]
SEED_ELEMENTS = [
    (24, "1", "Аварийный"),
    (24, "2", "Исправный"),
    (24, "3", "Ветхий"),
    (22, "11", "Расторжение договора"),
]


def element_guid(registry: int, code: str) -> str:
    return str(uuid.uuid5(NSI_NAMESPACE, f"{registry}:{code}"))


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    books = op.create_table(
        "nsi_books",
        sa.Column("registry", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("registry", name="pk_nsi_books"),
    )
    elements = op.create_table(
        "nsi_elements",
        sa.Column("registry", sa.Integer, nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("is_actual", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("registry", "code", name="pk_nsi_elements"),
        sa.UniqueConstraint("guid", name="uq_nsi_elements_guid"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        books,
        [{"registry": r, "name": n, "complete": c, "source": src, "loaded_at": now} for r, n, c, src in SEED_BOOKS],
    )
    op.bulk_insert(
        elements,
        [
            {
                "registry": r,
                "code": code,
                "guid": element_guid(r, code),
                "name": name,
                "is_actual": True,
                "source": "seed",
                "loaded_at": now,
            }
            for r, code, name in SEED_ELEMENTS
        ],
    )


def downgrade() -> None:
    op.drop_table("nsi_elements")
    op.drop_table("nsi_books")
    op.drop_table("counters")
