"""Meter readings' table (this area's part of the shared metadata).

Table (migration ``0014_meter_readings``)::

    meter_readings   id PK, guid (the imported item's hub GUID: every row of an item shares it),
                     device_root_guid, device_version_guid (the version the reading was taken
                     on), house_guid (FIAS), org_id FK organizations (who entered it),
                     kind (OneRateDeviceValue | ElectricDeviceValue | VolumeDeviceValue),
                     role (current | control | verification), stage (value | start | end),
                     resource (NSI 2 code), resource_guid (as received), t1, t2, t3 (decimal
                     text, exactly as received), date_value (DateValue; a verification's start
                     or end date), period ('YYYY-MM' of a current value), entered_at,
                     verification: start_date, end_date, seal_date, planned, reason_code,
                     reason_guid (NSI 224)

One row per resource of an item (a verification: a start and an end row per resource). No
other area reads it. Indexes:

* ``ix_meter_readings_last`` (device_root_guid, resource, date_value, id): the last reading of
  a device and resource (the "lower reading" rule) is one descent of it; the export's device
  and date range is its prefix and a range on the third column.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, String, Table

from hub.store.tables import Id, metadata

meter_readings = Table(
    "meter_readings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("guid", String(36), nullable=False),
    Column("device_root_guid", String(36), nullable=False),
    Column("device_version_guid", String(36), nullable=False),
    Column("house_guid", String(36), nullable=False),
    Column("org_id", Id, ForeignKey("organizations.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("role", String(12), nullable=False),
    Column("stage", String(5), nullable=False),
    Column("resource", String(20), nullable=False),
    Column("resource_guid", String(36), nullable=True),
    Column("t1", String(24), nullable=True),
    Column("t2", String(24), nullable=True),
    Column("t3", String(24), nullable=True),
    Column("date_value", Date, nullable=False),
    Column("period", String(7), nullable=True),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("seal_date", Date, nullable=True),
    Column("planned", Boolean, nullable=True),
    Column("reason_code", String(20), nullable=True),
    Column("reason_guid", String(36), nullable=True),
    Index("ix_meter_readings_last", "device_root_guid", "resource", "date_value", "id"),
)
