"""Personal accounts' tables (this area's part of the shared metadata).

Tables (migration ``0005_accounts``)::

    accounts                 id PK, guid (hub UUIDv7, unique), org_id FK organizations (owner =
                             the sender that created it), kind (isUOAccount …), account_number
                             (unique per org_id), unique_number (unique), unified_number
                             (ЕЛС, unique), service_counter (last ИЖКУ ordinal), living_persons,
                             total_square/residential_square/heated_area (decimal text),
                             close_reason_code/guid/name (NSI 22), close_date, close_description,
                             payer_* (every PayerInfo field as a column), reasons (AccountReasons
                             XML as received), created_at, updated_at
    account_accommodations   id PK, account_id FK accounts, ordinal (the ИЖКУ suffix), target
                             ('premises' | 'room' | 'house'), object_guid, house_guid (FIAS),
                             share (decimal text), service_id (ИЖКУ, unique)

Decimals are stored as their text, exactly as received: SQLite has no exact decimal type, and
shares are summed in Python over a handful of rows. Concurrency: the AccountNumber rule is
backed by a unique constraint (a race loses with the same coded error); the 100 % share rule
takes a PostgreSQL advisory lock per object for the rest of the transaction (SQLite has one
writer, which already serializes); an updated account row is locked ``FOR UPDATE``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from hub.store.tables import Id, metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("org_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("account_number", String(30), nullable=True),
    Column("unique_number", String(20), nullable=False, unique=True),
    Column("unified_number", String(10), nullable=False, unique=True),
    Column("service_counter", Integer, nullable=False),
    Column("living_persons", Integer, nullable=True),
    Column("total_square", String(40), nullable=True),
    Column("residential_square", String(40), nullable=True),
    Column("heated_area", String(40), nullable=True),
    Column("close_reason_code", String(20), nullable=True),
    Column("close_reason_guid", String(36), nullable=True),
    Column("close_reason_name", Text, nullable=True),
    Column("close_date", Date, nullable=True),
    Column("close_description", String(250), nullable=True),
    Column("payer_is_renter", Boolean, nullable=False),
    Column("payer_accounts_divided", Boolean, nullable=False),
    Column("payer_surname", String(256), nullable=True),
    Column("payer_first_name", String(256), nullable=True),
    Column("payer_patronymic", String(256), nullable=True),
    Column("payer_sex", String(1), nullable=True),
    Column("payer_birth_date", Date, nullable=True),
    Column("payer_snils", String(11), nullable=True),
    Column("payer_doc_type_code", String(20), nullable=True),
    Column("payer_doc_type_guid", String(36), nullable=True),
    Column("payer_doc_type_name", Text, nullable=True),
    Column("payer_doc_series", String(45), nullable=True),
    Column("payer_doc_number", String(45), nullable=True),
    Column("payer_doc_issue_date", Date, nullable=True),
    Column("payer_org_version_guid", String(36), nullable=True),
    Column("reasons", LargeBinary, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("org_id", "account_number", name="uq_accounts_org_number"),
)

account_accommodations = Table(
    "account_accommodations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("target", String(10), nullable=False),
    Column("object_guid", String(36), nullable=False),
    Column("house_guid", String(36), nullable=True),
    Column("share", String(10), nullable=True),
    Column("service_id", String(13), nullable=False, unique=True),
    UniqueConstraint("account_id", "ordinal", name="uq_account_accommodations_account_ordinal"),
    Index("ix_account_accommodations_object", "object_guid"),
    Index("ix_account_accommodations_house", "house_guid"),
)


#: prebuilt statements, executed with parameter dicts (no per-call statement building)
