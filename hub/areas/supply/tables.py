"""Supply contracts' tables (this area's part of the shared metadata).

Tables (migration ``0012_supply_contracts``)::

    supply_contracts          id PK, root_guid (ContractRootGUID), version_guid (ContractGUID,
                              unique), version_number (unique per root), is_current, org_id FK
                              organizations (the supplier: the sender, or the operator's choice),
                              status (Posted | Terminated | Annul), the terms (is_contract,
                              number, signing/effective/expiration dates, indefinite,
                              auto_rollover, counterparty kind + its XML as received,
                              is_planned_volume, quality_by, counting_resource), terminated_on +
                              termination reason (NSI 54), annulment_reason, source ('gis' |
                              'operator'), created_at
    supply_contract_subjects  id PK, contract_id FK, ordinal, transport_guid (the PairKey), service
                              (NSI 3 code/guid/name), resource (NSI 239 code/guid/name),
                              start_date, end_date
    supply_contract_objects   id PK, contract_id FK, ordinal, transport_guid, house_guid (FIAS,
                              lowercased), house_type, apartment, room, subject_ordinal (the pair's
                              subject), municipal_resource (NSI 2, NULL when the 239 code maps to
                              nothing), start_date, end_date (the pair's period within the
                              subject's): one row per object and pair, what ``SupplyLookup`` reads

Houses are recorded by FIAS GUID without a reference to ``houses``: a supplier may supply a house
no management company has placed yet. Every version keeps its own subject and object rows, so an
export of an old ContractGUID shows what that version said.
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
    String,
    Table,
    Text,
    UniqueConstraint,
)

from hub.store.tables import Id, metadata

supply_contracts = Table(
    "supply_contracts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("root_guid", String(36), nullable=False),
    Column("version_guid", String(36), nullable=False, unique=True),
    Column("version_number", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("org_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("is_contract", Boolean, nullable=False),
    Column("number", String(100), nullable=True),
    Column("signing_date", Date, nullable=True),
    Column("effective_date", Date, nullable=True),
    Column("expiration_date", Date, nullable=True),
    Column("indefinite", Boolean, nullable=False),
    Column("auto_rollover", Boolean, nullable=False),
    Column("counterparty", String(40), nullable=False),
    Column("counterparty_xml", Text, nullable=False),
    Column("is_planned_volume", Boolean, nullable=False),
    Column("quality_by", String(1), nullable=False),
    Column("counting_resource", String(1), nullable=True),
    Column("terminated_on", Date, nullable=True),
    Column("termination_code", String(20), nullable=True),
    Column("termination_guid", String(36), nullable=True),
    Column("termination_name", Text, nullable=True),
    Column("annulment_reason", Text, nullable=True),
    Column("source", String(10), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("root_guid", "version_number", name="uq_supply_contracts_version"),
    Index("ix_supply_contracts_org_root", "org_id", "root_guid"),
)

supply_contract_subjects = Table(
    "supply_contract_subjects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contract_id", Id, ForeignKey("supply_contracts.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("transport_guid", String(36), nullable=False),
    Column("service_code", String(20), nullable=False),
    Column("service_guid", String(36), nullable=True),
    Column("service_name", Text, nullable=True),
    Column("resource_code", String(20), nullable=False),
    Column("resource_guid", String(36), nullable=True),
    Column("resource_name", Text, nullable=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),
    UniqueConstraint("contract_id", "ordinal", name="uq_supply_contract_subjects_ordinal"),
)

supply_contract_objects = Table(
    "supply_contract_objects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("contract_id", Id, ForeignKey("supply_contracts.id"), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("transport_guid", String(36), nullable=False),
    Column("house_guid", String(36), nullable=False),
    Column("house_type", String(20), nullable=True),
    Column("apartment", String(255), nullable=True),
    Column("room", String(255), nullable=True),
    Column("subject_ordinal", Integer, nullable=False),
    Column("municipal_resource", String(20), nullable=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),
    Index("ix_supply_contract_objects_house", "house_guid", "contract_id"),
    Index("ix_supply_contract_objects_contract", "contract_id"),
)
