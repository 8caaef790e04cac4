"""Devices ↔ rows: the columns lookups filter by, and each version as one JSON document.

The document holds everything a version says (``DeviceData``, the archive, whom it replaced,
its house and time), so the current row and the version rows are written from the same text
and any version reads back from one row. Dates are ISO text; NSI references keep code, GUID and
name; meter values stay the exact text received (``MeteringValueType``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from hub.areas.devices.rules import (
    DEVICE_TYPE,
    Archive,
    Device,
    DeviceData,
    DeviceKind,
    Link,
    Meter,
    ResourceForm,
    base_values,
    is_energy,
    tariff_count,
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


def port_record(row: Any) -> MeteringDevice:
    """The current version as other areas see it (``MeteringDevice``), read from the row's
    document without building the whole ``Device``: readings look up 1000 devices a message,
    and the full record cost a fifth of its processing."""
    doc = json.loads(row.data)
    data = doc["data"]
    archive = doc["archive"]
    meters = tuple(_unmeter(m) for m in data["meters"])
    form = ResourceForm(data["form"])
    resources = tuple(m.resource.code for m in meters)
    return MeteringDevice(
        root_guid=row.root_guid,
        version_guid=row.version_guid,
        owner_org_id=row.owner_org_id,
        house_guid=doc["house"],
        device_type=DEVICE_TYPE[DeviceKind(data["kind"])],
        resources=resources,
        energy=is_energy(form, resources),
        tariff_count=tariff_count(form, meters, resources),
        consumed_volume=bool(data["consumed_volume"]),
        commissioned=_undate(data["commissioning_date"]),
        archived=archive is not None,
        archived_on=None if archive is None else date.fromisoformat(archive["on"]),
        archive_reason=None if archive is None else _unref(archive["reason"]),
        replaced_root_guid=doc["replaced"],
        base_values=base_values(meters),
        premises_guids=tuple(data["premises"] or data["rooms"]),
        account_guids=tuple(data["accounts"]),
    )
