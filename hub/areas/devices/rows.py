"""Devices ↔ rows: the columns lookups filter by, and each version as one JSON document.

The document holds everything a version says (``DeviceData``, the archive, whom it replaced,
its house and time), so the current row and the version rows are written from the same text
and any version reads back from one row. Dates are ISO text; NSI references keep code, GUID and
name; meter values stay the exact text received (``MeteringValueType``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hub.areas.devices.rules import (
    Archive,
    Device,
    DeviceData,
    DeviceKind,
    Link,
    Meter,
    ResourceForm,
    base_values,
)
from hub.domain.nsi import NsiRef
from hub.services.ports import MeteringDevice
from hub.store.base import aware


def _ref(ref: NsiRef | None) -> list[str | None] | None:
    return None if ref is None else [ref.code, ref.guid, ref.name]


def _unref(value: Any) -> NsiRef | None:
    return None if value is None else NsiRef(value[0], value[1], value[2])


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _undate(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _meter(meter: Meter) -> dict[str, Any]:
    return {"r": _ref(meter.resource), "v": list(meter.values), "u": meter.unit, "t": meter.tariff_count}


def _unmeter(value: dict[str, Any]) -> Meter:
    resource = _unref(value["r"])
    assert resource is not None
    return Meter(resource, tuple(value["v"]), value["u"], value["t"])


_DATES = ("installation_date", "commissioning_date", "first_verification_date", "factory_seal_date")
_PLAIN = (
    "number",
    "remote_metering",
    "temperature_sensor",
    "pressure_sensor",
    "stamp",
    "model",
    "remote_info",
    "consumed_volume",
    "transformation_ratio",
    "temperature_info",
    "pressure_info",
)
_LISTS = ("houses", "premises", "rooms", "accounts")


def _data(data: DeviceData) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": data.kind.value, "form": data.form.value}
    doc.update((name, getattr(data, name)) for name in _PLAIN)
    doc.update((name, _day(getattr(data, name))) for name in _DATES)
    doc.update((name, list(getattr(data, name))) for name in _LISTS)
    doc["meters"] = [_meter(m) for m in data.meters]
    doc["interval"] = _ref(data.verification_interval)
    doc["link"] = None if data.link is None else [data.link.place, list(data.link.versions)]
    return doc


def _undata(doc: dict[str, Any]) -> DeviceData:
    fields: dict[str, Any] = {name: doc[name] for name in _PLAIN}
    fields.update((name, _undate(doc[name])) for name in _DATES)
    fields.update((name, tuple(doc[name])) for name in _LISTS)
    link = doc["link"]
    return DeviceData(
        kind=DeviceKind(doc["kind"]),
        form=ResourceForm(doc["form"]),
        meters=tuple(_unmeter(m) for m in doc["meters"]),
        verification_interval=_unref(doc["interval"]),
        link=None if link is None else Link(link[0], tuple(link[1])),
        **fields,
    )


def _archive(archive: Archive | None) -> dict[str, Any] | None:
    if archive is None:
        return None
    return {
        "on": archive.on.isoformat(),
        "reason": _ref(archive.reason),
        "replaced_by": archive.replaced_by,
        "verification_date": _day(archive.verification_date),
        "planned": archive.planned_verification,
        "verification_reason": _ref(archive.verification_reason),
        "final": [_meter(m) for m in archive.final_meters],
    }


def _unarchive(doc: dict[str, Any] | None) -> Archive | None:
    if doc is None:
        return None
    return Archive(
        on=date.fromisoformat(doc["on"]),
        reason=_unref(doc["reason"]),
        replaced_by=doc["replaced_by"],
        verification_date=_undate(doc["verification_date"]),
        planned_verification=doc["planned"],
        verification_reason=_unref(doc["verification_reason"]),
        final_meters=tuple(_unmeter(m) for m in doc["final"]),
    )


def version_document(device: Device) -> str:
    """What one version says, as JSON text."""
    return json.dumps(
        {
            "data": _data(device.data),
            "archive": _archive(device.archive),
            "replaced": device.replaced_root_guid,
            "house": device.house_guid,
            "updated": device.updated_at.isoformat(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def device_values(device: Device) -> dict[str, Any]:
    """The ``metering_devices`` row of the device's current version."""
    data = device.data
    return {
        "root_guid": device.root_guid,
        "version_guid": device.version_guid,
        "version_number": device.version_number,
        "gis_number": device.gis_number,
        "owner_org_id": device.owner_org_id,
        "house_guid": device.house_guid,
        "device_type": data.device_type,
        "number": data.number,
        "resources": " ".join(data.resources),
        "energy": data.energy,
        "tariff_count": data.tariff_count,
        "consumed_volume": bool(data.consumed_volume),
        "commissioned": data.commissioning_date,
        "archived_on": device.archive.on if device.archive is not None else None,
        "replaced_root_guid": device.replaced_root_guid,
        "data": version_document(device),
        "created_at": device.created_at,
        "updated_at": device.updated_at,
    }


def device_from(row: Any, document: str, version_guid: str, version_number: int) -> Device:
    """A device as of one version: the row's identity, the version's document."""
    doc = json.loads(document)
    return Device(
        root_guid=row.root_guid,
        version_guid=version_guid,
        version_number=version_number,
        gis_number=row.gis_number,
        owner_org_id=row.owner_org_id,
        house_guid=doc["house"],
        data=_undata(doc["data"]),
        created_at=aware(row.created_at) or datetime.min,
        updated_at=datetime.fromisoformat(doc["updated"]),
        archive=_unarchive(doc["archive"]),
        replaced_root_guid=doc["replaced"],
    )


def current_device(row: Any) -> Device:
    return device_from(row, row.data, row.version_guid, row.version_number)


class _BaseValues(Mapping[tuple[str, int], Decimal]):
    """``MeteringDevice.base_values`` parsed from the meters' JSON when first asked for:
    readings need them only for a device's first reading."""

    __slots__ = ("_meters", "_values")

    def __init__(self, meters: str | None) -> None:
        self._meters = meters
        self._values: dict[tuple[str, int], Decimal] | None = None

    def _loaded(self) -> dict[tuple[str, int], Decimal]:
        if self._values is None:
            meters = tuple(_unmeter(m) for m in json.loads(self._meters or "[]"))
            self._values = dict(base_values(meters))
        return self._values

    def __getitem__(self, key: tuple[str, int]) -> Decimal:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __eq__(self, other: object) -> bool:
        return self._loaded() == other

    __hash__ = None  # type: ignore[assignment]


def port_record(row: Any) -> MeteringDevice:
    """The current version as other areas see it (``MeteringDevice``), from the row's columns
    and two parts of its document as JSON text, ``meters`` and ``archive_reason`` (the
    lookup's queries extract them): readings look up 1000 devices a message (and an upload
    100 000), and reading every whole version document cost a fifth of their processing."""
    archived_on = _as_date(row.archived_on)
    reason = None if archived_on is None or row.archive_reason is None else _unref(json.loads(row.archive_reason))
    return MeteringDevice(
        root_guid=row.root_guid,
        version_guid=row.version_guid,
        owner_org_id=row.owner_org_id,
        house_guid=row.house_guid,
        device_type=row.device_type,
        resources=tuple(row.resources.split()),
        energy=bool(row.energy),
        tariff_count=row.tariff_count,
        consumed_volume=bool(row.consumed_volume),
        commissioned=_as_date(row.commissioned),
        archived=archived_on is not None,
        archived_on=archived_on,
        archive_reason=reason,
        replaced_root_guid=row.replaced_root_guid,
        base_values=_BaseValues(row.meters),
    )


def _as_date(value: Any) -> date | None:
    """A Date column as a date (SQLite through a text query may give its ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
