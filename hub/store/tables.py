"""SQLAlchemy Core tables: the store is the source of truth.

Alembic migrations (``hub/store/migrations``) create these; ``tests`` check the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger ids that are plain INTEGER on SQLite (so they autoincrement there).
Id = BigInteger().with_variant(Integer(), "sqlite")

organizations = Table(
    "organizations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ppaguid", String(36), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("ogrn", String(15), nullable=False),
    Column("inn", String(12), nullable=False),
    Column("kpp", String(9), nullable=False, default=""),
    Column("roles", String(200), nullable=False, default=""),
    Column("password_hash", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=True),
    Column("is_operator", Boolean, nullable=False, default=False),
    Column("subject", Text, nullable=False),
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("not_after", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("pem", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

operator_grants = Table(
    "operator_grants",
    metadata,
    Column("certificate_id", Id, ForeignKey("certificates.id"), primary_key=True),
    Column("organization_id", Id, ForeignKey("organizations.id"), primary_key=True),
)

inbox = Table(
    "inbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_guid", String(36), nullable=False, unique=True),
    Column("requester_message_guid", String(36), nullable=False),
    Column("sender_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("service", String(64), nullable=False),
    Column("operation", String(64), nullable=False),
    Column("version", String(20), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("certificate_fingerprint", String(64), nullable=True),
    #: SHA-256 of the decoded SignatureValue: a signature is accepted once (replays refused)
    Column("signature_digest", String(64), nullable=True),
    #: how it arrived ("soap", "rest", "upload") and what proved its sender ("signature", "token" …)
    Column("source", String(16), nullable=False, server_default="soap"),
    Column("authenticated_by", String(32), nullable=False, server_default="signature"),
    Column("state", SmallInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_by", String(100), nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("result", LargeBinary, nullable=True),
    Column("response", LargeBinary, nullable=True),
    UniqueConstraint("sender_id", "requester_message_guid", name="uq_inbox_sender_requester"),
    Index("ix_inbox_unfinished", "state", "created_at"),
    Index("uq_inbox_signature_digest", "signature_digest", unique=True),
    #: admission control's count of unfinished entries by sender reads this index alone (0008)
    Index("ix_inbox_unfinished_sender", "state", "sender_id"),
)

#: what the source received (``raw``, evidence: the HTTP body, the JSON body, the uploaded file),
#: the checked request element the worker processes (``payload``) and which part of ``raw`` it is
#: (``provenance``: an upload's sheet and rows); written once at intake, never updated (0006, 0010)
inbox_payloads = Table(
    "inbox_payloads",
    metadata,
    Column("inbox_id", Id, ForeignKey("inbox.id"), primary_key=True),
    Column("raw", LargeBinary, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("provenance", JSON, nullable=True),
)

#: outcomes of one committed chunk of an import message, as a JSON array of
#: [seq, transport_guid, guid, unique_number, update_date ISO text, [[code, text]…], {extension}]
import_chunks = Table(
    "import_chunks",
    metadata,
    Column("inbox_id", Id, ForeignKey("inbox.id"), primary_key=True),
    Column("first_seq", Integer, primary_key=True),
    Column("outcomes", JSON, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

nsi_books = Table(
    "nsi_books",
    metadata,
    Column("registry", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    # complete: the hub has the whole book, so an unknown code is INT002000; a partial book
    # (only the elements public sources confirm) resolves the codes it knows and keeps others.
    Column("complete", Boolean, nullable=False),
    Column("source", String(200), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

nsi_elements = Table(
    "nsi_elements",
    metadata,
    Column("registry", Integer, primary_key=True),
    Column("code", String(20), primary_key=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("is_actual", Boolean, nullable=False, default=True),
    Column("source", String(20), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_entity", "entity", "entity_id"),
)

#: API tokens (migration 0011): the secret's SHA-256 only; organization NULL = an operator token
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("organization_id", Id, ForeignKey("organizations.id"), nullable=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

#: uploaded files (migration 0017): the file as received, its rows refused before sending
#: (``problems``: [[sheet, row, code, text, column]…]) and, per submitted batch, its message and rows
uploads = Table(
    "uploads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("upload_guid", String(36), nullable=False, unique=True),
    Column("sender_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("adapter", String(32), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("problems", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    #: when every batch was handed to the intake; NULL while the POST (or a resume) is sending
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    #: the last sign of life of whoever sends its batches (a resume claims a stalled upload)
    Column("touched_at", DateTime(timezone=True), nullable=True),
    #: the result workbook, built while the rows were processed (NULL: built when asked for)
    Column("result", LargeBinary, nullable=True),
    Index("ix_uploads_sender", "sender_id"),
)

#: one row per submitted batch: rows as a JSON array of [sheet, row, transport_guid]
upload_messages = Table(
    "upload_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("upload_id", Id, ForeignKey("uploads.id"), nullable=False),
    Column("message_guid", String(36), nullable=False),
    Column("rows", JSON, nullable=False),
    Index("ix_upload_messages_upload", "upload_id"),
)
