"""Metering devices' tables (this area's part of the shared metadata).

Tables (migration ``0013_metering_devices``)::

    metering_devices          id PK, root_guid (hub UUIDv7, unique), version_guid (the current
                              version, unique), version_number, gis_number
                              (MeteringDeviceGISGKHNumber, unique), owner_org_id FK organizations
                              (the sender that placed it), house_guid (FIAS), device_type (NSI 27),
                              number (заводской номер), resources (NSI 2 codes, space separated),
                              energy, tariff_count, consumed_volume, commissioned, archived_on,
                              replaced_root_guid (the device it replaced), data (the current
                              version as JSON: ``rows.py``), created_at, updated_at
    metering_device_versions  id PK, device_id FK metering_devices, version_guid (unique),
                              version_number, data (that version as JSON), created_at

The columns are what lookups filter by (house, number, GUIDs); everything a version says is its
JSON document, so a version is one row and an export of any version reads one row.
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

metering_devices = Table(
    "metering_devices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("root_guid", String(36), nullable=False, unique=True),
    Column("version_guid", String(36), nullable=False, unique=True),
    Column("version_number", Integer, nullable=False),
    Column("gis_number", String(20), nullable=False, unique=True),
    Column("owner_org_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("house_guid", String(36), nullable=False),
    Column("device_type", String(2), nullable=False),
    Column("number", String(50), nullable=False),
    Column("resources", String(40), nullable=False),
    Column("energy", Boolean, nullable=False),
    Column("tariff_count", Integer, nullable=False),
    Column("consumed_volume", Boolean, nullable=False),
    Column("commissioned", Date, nullable=True),
    Column("archived_on", Date, nullable=True),
    Column("replaced_root_guid", String(36), nullable=True),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_metering_devices_house_number", "house_guid", "number"),
)

metering_device_versions = Table(
    "metering_device_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("device_id", Id, ForeignKey("metering_devices.id"), nullable=False),
    Column("version_guid", String(36), nullable=False, unique=True),
    Column("version_number", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("device_id", "version_number", name="uq_metering_device_versions_number"),
)
