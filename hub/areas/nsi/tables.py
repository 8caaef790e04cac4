"""The books' tables.

The common books, ``nsi_books`` and ``nsi_elements``, stay in the core store: the pipeline's NSI
catalog (``hub.store.nsi``) resolves every area's references with them and ``hub nsi load``
fills them, so they are defined on the shared metadata in ``hub.store.tables`` (migration 0003)
and only named here for this area's store.

An organization's own books (NsiAsync: NSI 1 "Дополнительные услуги", NSI 51 "Коммунальные
услуги") are this area's, migration ``0015_own_nsi``::

    org_nsi_books      org_id FK organizations + registry (PK), last_code (the last Code given
                       in that book); the row is locked while an import changes the book, so
                       codes and the unique-name rule hold across concurrent workers
    org_nsi_elements   id PK, guid (unique), org_id, registry, code (unique per org and book),
                       name, fields (JSON: the element's other fields as imported), is_actual,
                       created_at, modified_at (what ModifiedAfter compares with)
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from hub.store.tables import Id, metadata, nsi_books, nsi_elements

org_nsi_books = Table(
    "org_nsi_books",
    metadata,
    Column("org_id", Id, ForeignKey("organizations.id"), primary_key=True),
    Column("registry", Integer, primary_key=True),
    Column("last_code", Integer, nullable=False),
)

org_nsi_elements = Table(
    "org_nsi_elements",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False, unique=True),
    Column("org_id", Id, nullable=False),
    Column("registry", Integer, nullable=False),
    Column("code", String(20), nullable=False),
    Column("name", Text, nullable=False),
    Column("fields", JSON, nullable=False),
    Column("is_actual", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("modified_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["org_id", "registry"], ["org_nsi_books.org_id", "org_nsi_books.registry"]),
    UniqueConstraint("org_id", "registry", "code", name="uq_org_nsi_elements_code"),
    Index("ix_org_nsi_elements_modified", "org_id", "registry", "modified_at"),
)

__all__ = ["nsi_books", "nsi_elements", "org_nsi_books", "org_nsi_elements"]
