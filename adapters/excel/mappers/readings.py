"""Readings (показания ПУ): one row, one reading of a meter the hub holds (found through Lookups)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple

from lxml import etree

from adapters.excel.kinds import READINGS
from adapters.excel.mappers.common import (
    BASE,
    DM,
    MD,
    NSI,
    Mapped,
    NsiCodes,
    Rows,
    batches,
    root,
    transport_guid,
    unknown,
)
from adapters.excel.reader import Row
from hub.errors import E
from hub.services.uploads import Lookups, RowProblem, RowRef

READINGS_VERSION = "10.0.1.1"


def readings(rows: Rows, lookups: Lookups) -> Mapped:
    """Rows taken a batch at a time from the stream: only the checked readings stay in memory."""
    resources = NsiCodes(lookups, 2)
    problems: list[RowProblem] = []
    objects: list[tuple[RowRef, Any]] = []
    stream = iter(rows[READINGS.main.name])
    while chunk := list(itertools.islice(stream, READINGS.limit)):
        good = []
        for row in chunk:
            problems.extend(row.problems)
            if not row.problems:
                good.append(row)
        devices = lookups.meters({str(r.values["device"]) for r in good})
        for row in good:
            reading = _reading(row, devices, resources, problems)
            if reading is not None:
                objects.append((RowRef(row.sheet, row.number, reading.transport), reading))
    nsmap = {"dm": DM, "base": BASE, "metering-device-base": MD, "nsi-base": NSI}

    def build(readings: Sequence[Reading]) -> etree._Element:
        request = root(DM, "importMeteringDeviceValuesRequest", READINGS_VERSION, nsmap)
        request.extend(_block(r) for r in readings)
        return request

    return batches(READINGS, objects, build), problems


class Reading(NamedTuple):
    """One row's reading, checked; its XML is built when its batch is sent (a 100 000-row file
    keeps tuples, not element trees, in memory)."""

    device: str
    by_version: bool
    kind: str
    resource: str | None
    resource_guid: str | None
    values: tuple[str | None, str | None, str | None]
    date: str
    transport: str


def _reading(row: Row, devices: Any, resources: NsiCodes, problems: list[RowProblem]) -> Reading | None:
    """The row's reading, its value kind from the meter the hub holds; None with a problem."""
    values = row.values
    given = str(values["device"])
    device = devices.get(given)
    resource = values.get("resource")
    if device is not None and device.consumed_volume:
        kind = "VolumeDeviceValue"
    elif device is not None and device.energy:
        kind = "ElectricDeviceValue"
    else:
        kind = "OneRateDeviceValue"
    if kind != "ElectricDeviceValue" and resource is None:
        if device is not None and device.resources:
            resource = device.resources[0]
        else:
            problems.append(
                RowProblem(
                    row.sheet, row.number, E.FMT916010.code, "«Коммунальный ресурс»: не заполнен", "Коммунальный ресурс"
                )
            )
            return None
    if kind == "ElectricDeviceValue":
        resource = None
    resource_guid = resources.guid(resource) if resource is not None else None
    if resource is not None and resource_guid is None:
        problems.append(unknown(row, "Коммунальный ресурс", resource, 2))
        return None
    return Reading(
        device=given,
        by_version=device is not None and device.version_guid == given and device.root_guid != given,
        kind=kind,
        resource=resource,
        resource_guid=resource_guid,
        values=(values.get("t1"), values.get("t2"), values.get("t3")),
        date=str(values["date"]),
        transport=transport_guid(row),
    )


_T = {
    local: f"{{{namespace}}}{local}"
    for namespace, names in (
        (DM, ("MeteringDevicesValues", "MeteringDeviceRootGUID", "MeteringDeviceVersionGUID", "CurrentValue",
              "DateValue", "OneRateDeviceValue", "ElectricDeviceValue", "VolumeDeviceValue")),
        (MD, ("MunicipalResource", "MeteringValue", "MeteringValueT1", "MeteringValueT2", "MeteringValueT3")),
        (NSI, ("Code", "GUID")),
        (BASE, ("TransportGUID",)),
    )
    for local in names
}  # fmt: skip


def _leaf(parent: etree._Element, tag: str, text: str | None) -> None:
    etree.SubElement(parent, tag).text = text


def _block(reading: Reading) -> etree._Element:
    """The reading's ``MeteringDevicesValues`` block (tags precomputed: 100 000 blocks a file)."""
    block = etree.Element(_T["MeteringDevicesValues"])
    _leaf(block, _T["MeteringDeviceVersionGUID" if reading.by_version else "MeteringDeviceRootGUID"], reading.device)
    current = etree.SubElement(etree.SubElement(block, _T[reading.kind]), _T["CurrentValue"])
    if reading.resource is not None:
        reference = etree.SubElement(current, _T["MunicipalResource"])
        _leaf(reference, _T["Code"], reading.resource)
        _leaf(reference, _T["GUID"], reading.resource_guid)
    if reading.kind == "OneRateDeviceValue":
        _leaf(current, _T["MeteringValue"], reading.values[0])
    else:
        for tariff, value in enumerate(reading.values, start=1):
            if value is not None:
                _leaf(current, _T[f"MeteringValueT{tariff}"], value)
    _leaf(current, _T["DateValue"], reading.date)
    _leaf(current, _T["TransportGUID"], reading.transport)
    return block
