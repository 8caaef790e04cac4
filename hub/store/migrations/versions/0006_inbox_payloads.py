"""Message payloads in their own table, written once, so inbox state changes stay small.

SQLite rewrites a whole row on UPDATE, overflow pages included: with the received envelope and
the signed element (2 × 127 KB for a 100-account message) in the ``inbox`` row, the claim, every
lease heartbeat and the completion each rewrote ~250 KB (measured: claim 4.2 ms, complete
3.6 ms per message). The payloads never change after intake, so they move to
``inbox_payloads``, keyed by the inbox id.

On PostgreSQL the stored XML (payloads, results, signed responses) is compressed with lz4
where the server has it (14+, built with lz4): pglz spent ~1 ms of server CPU per 117 KB
payload, lz4 0.35 ms, for the same size (~15 KB) on these documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "inbox_payloads",
        sa.Column("inbox_id", Id, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("signed", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("inbox_id", name="pk_inbox_payloads"),
        sa.ForeignKeyConstraint(["inbox_id"], ["inbox.id"], name="fk_inbox_payloads_inbox_id_inbox"),
    )
    op.execute("INSERT INTO inbox_payloads (inbox_id, raw, signed) SELECT id, raw, signed FROM inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("raw")
        batch.drop_column("signed")
    _prefer_lz4()


def _prefer_lz4() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, column in (
        ("inbox_payloads", "raw"),
        ("inbox_payloads", "signed"),
        ("inbox", "result"),
        ("inbox", "response"),
    ):
        try:
            with bind.begin_nested():
                bind.execute(sa.text(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4"))
        except sa.exc.DBAPIError:
            return  # no lz4 on this server (or before PostgreSQL 14): pglz stays, nothing else changes


def downgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("raw", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("signed", sa.LargeBinary, nullable=True))
    op.execute(
        "UPDATE inbox SET raw = (SELECT p.raw FROM inbox_payloads p WHERE p.inbox_id = inbox.id),"
        " signed = (SELECT p.signed FROM inbox_payloads p WHERE p.inbox_id = inbox.id)"
    )
    with op.batch_alter_table("inbox") as batch:
        batch.alter_column("raw", existing_type=sa.LargeBinary, nullable=False)
        batch.alter_column("signed", existing_type=sa.LargeBinary, nullable=False)
    op.drop_table("inbox_payloads")
