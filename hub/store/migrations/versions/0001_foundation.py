"""Foundation: organizations, certificates, operator grants, inbox, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ppaguid", sa.String(36), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("ogrn", sa.String(15), nullable=False),
        sa.Column("inn", sa.String(12), nullable=False),
        sa.Column("kpp", sa.String(9), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("ppaguid", name="uq_organizations_ppaguid"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("organization_id", Id, nullable=True),
        sa.Column("is_operator", sa.Boolean, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("not_before", TS, nullable=False),
        sa.Column("not_after", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("pem", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_certificates"),
        sa.UniqueConstraint("fingerprint", name="uq_certificates_fingerprint"),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_certificates_organization_id_organizations"
        ),
    )
    op.create_table(
        "operator_grants",
        sa.Column("certificate_id", Id, nullable=False),
        sa.Column("organization_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("certificate_id", "organization_id", name="pk_operator_grants"),
        sa.ForeignKeyConstraint(
            ["certificate_id"], ["certificates.id"], name="fk_operator_grants_certificate_id_certificates"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"], name="fk_operator_grants_organization_id_organizations"
        ),
    )
    op.create_table(
        "inbox",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("message_guid", sa.String(36), nullable=False),
        sa.Column("requester_message_guid", sa.String(36), nullable=False),
        sa.Column("sender_id", Id, nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("operation", sa.String(64), nullable=False),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("certificate_fingerprint", sa.String(64), nullable=True),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("signed", sa.LargeBinary, nullable=False),
        sa.Column("state", sa.SmallInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("result", sa.LargeBinary, nullable=True),
        sa.Column("response", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbox"),
        sa.UniqueConstraint("message_guid", name="uq_inbox_message_guid"),
        sa.UniqueConstraint("sender_id", "requester_message_guid", name="uq_inbox_sender_requester"),
        sa.ForeignKeyConstraint(["sender_id"], ["organizations.id"], name="fk_inbox_sender_id_organizations"),
    )
    op.create_index("ix_inbox_unfinished", "inbox", ["state", "created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_entity", "audit_log", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entity", "audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_inbox_unfinished", "inbox")
    op.drop_table("inbox")
    op.drop_table("operator_grants")
    op.drop_table("certificates")
    op.drop_table("organizations")
