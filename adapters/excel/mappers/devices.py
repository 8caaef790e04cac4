"""Metering devices (ПУ): one row, one device to create."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from adapters.excel.kinds import DEVICE_KINDS, DEVICES
from adapters.excel.mappers.common import (
    BASE,
    HM,
    MD,
    NSI,
    Mapped,
    NsiCodes,
    Rows,
    batches,
    nsi,
    root,
    sub,
    transport_guid,
    unknown,
)
from hub.errors import E
from hub.services.uploads import Lookups, RowProblem, RowRef

DEVICES_VERSION = "11.1.0.8"  # fixed by the XSD
ELECTRICITY = "3"  # NSI 2: an electric meter carries MunicipalResourceEnergy (tariffs T1–T3)
_PLACE = {
    "ApartmentHouseDevice": "FIASHouseGuid",
    "CollectiveDevice": "FIASHouseGuid",
    "LivingRoomDevice": "LivingRoomGUID",
}


def devices(rows: Rows, lookups: Lookups) -> Mapped:
    resources, intervals = NsiCodes(lookups, 2), NsiCodes(lookups, 16)
    problems: list[RowProblem] = []
    objects: list[tuple[RowRef, Any]] = []
    for row in rows[DEVICES.main.name]:
        kind = DEVICE_KINDS.get(str(row.values.get("kind")))
        if kind is not None and kind != "CollectiveDevice" and not row.values.get("account") and not row.problems:
            row.problems.append(
                RowProblem(
                    row.sheet, row.number, E.FMT916010.code, "«Идентификатор ЛС»: не заполнен", "Идентификатор ЛС"
                )
            )
        for key, header, book in (
            ("resource", "Коммунальный ресурс", resources),
            ("interval", "Межповерочный интервал", intervals),
        ):
            code = row.values.get(key)
            if code is not None and not row.problems and book.guid(code) is None:
                row.problems.append(unknown(row, header, code, book.registry))
        problems.extend(row.problems)
        if row.problems or kind is None:
            continue
        transport = transport_guid(row)
        objects.append(
            (RowRef(row.sheet, row.number, transport), _device(row.values, kind, transport, resources, intervals))
        )
    nsmap = {"hm": HM, "base": BASE, "metering-device-base": MD, "nsi-base": NSI}

    def build(parts: Sequence[etree._Element]) -> etree._Element:
        request = root(HM, "importMeteringDeviceDataRequest", DEVICES_VERSION, nsmap)
        request.extend(parts)
        return request

    return batches(DEVICES, objects, build), problems


def _device(
    values: dict[str, str | None], kind: str, transport: str, resources: NsiCodes, intervals: NsiCodes
) -> etree._Element:
    device = etree.Element(f"{{{HM}}}MeteringDevice")
    sub(device, BASE, "TransportGUID", transport)
    data = sub(device, HM, "DeviceDataToCreate")
    basic = sub(data, HM, "BasicChatacteristicts")
    sub(basic, HM, "MeteringDeviceNumber", values["number"])
    for key, local in (("stamp", "MeteringDeviceStamp"), ("model", "MeteringDeviceModel"),
                       ("installed", "InstallationDate"), ("commissioned", "CommissioningDate")):  # fmt: skip
        if values.get(key):
            sub(basic, HM, local, values[key])
    sub(basic, HM, "RemoteMeteringMode", "true" if values.get("remote") == "да" else "false")
    if values.get("verified"):
        sub(basic, HM, "FirstVerificationDate", values["verified"])
    if values.get("interval"):
        nsi(basic, HM, "VerificationInterval", str(values["interval"]), intervals)
    if values.get("sealed"):
        sub(basic, HM, "FactorySealDate", values["sealed"])
    sub(basic, HM, "TemperatureSensor", "true" if values.get("temperature") == "да" else "false")
    sub(basic, HM, "PressureSensor", "true" if values.get("pressure") == "да" else "false")
    block = sub(basic, HM, kind)
    sub(block, HM, _PLACE.get(kind, "PremiseGUID"), values["place"])
    if kind != "CollectiveDevice":
        sub(block, HM, "AccountGUID", values["account"])
    sub(data, HM, "NotLinkedWithMetering", "true")
    resource = str(values["resource"])
    if resource == ELECTRICITY:
        energy = sub(data, HM, "MunicipalResourceEnergy")
        for tariff in ("t1", "t2", "t3"):
            if values.get(tariff) is not None:
                sub(energy, MD, f"MeteringValue{tariff.upper()}", values[tariff])
        if values.get("ratio") is not None:
            sub(energy, HM, "TransformationRatio", values["ratio"])
    else:
        not_energy = sub(data, HM, "MunicipalResourceNotEnergy")
        nsi(not_energy, MD, "MunicipalResource", resource, resources)
        sub(not_energy, MD, "MeteringValue", values["t1"])
        if values.get("unit"):
            sub(not_energy, HM, "Unit", values["unit"])
    return device
