"""Readings payloads: XSD-valid ``importMeteringDeviceValuesRequest`` and
``exportMeteringDeviceHistoryRequest`` (GIS 16.3.0.0, DeviceMeteringAsync).

``Dev`` with ``Val``/``Check`` describes one ``MeteringDevicesValues`` block by what a test
varies; ``import_values`` builds the request. ``bulk_readings`` is the shape of real monthly
traffic (one current reading per device, 1000 devices a message) for scenarios and benchmarks.
Identifiers are deterministic (``guid``), so two calls with the same arguments are the same
document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from hub import ns
from testkit.elements import SIGNED_ID, guid, sub

DM = ns.DEVICE_METERING
MD = ns.METERING_DEVICE_BASE
BASE = ns.BASE
NSI = ns.NSI_BASE
IMPORT_VALUES_VERSION = "10.0.1.1"  # fixed by the XSD
EXPORT_HISTORY_VERSION = "10.0.1.1"  # the XSD names none; clients send this one
ONE_RATE, ELECTRIC, VOLUME = "OneRateDeviceValue", "ElectricDeviceValue", "VolumeDeviceValue"
_NSMAP = {"dm": DM, "base": BASE, "metering-device-base": MD, "nsi-base": NSI}


@dataclass(frozen=True)
class Val:
    """A CurrentValue (or a ControlValue): values T1…, a resource (NSI 2; ignored for electric)."""

    values: tuple[str, ...] = ("10",)
    resource: str = "1"
    date: str = "2026-11-20"
    period: tuple[int, int] | None = None
    control: bool = False
    transport: str | None = None


@dataclass(frozen=True)
class Check:
    """A VerificationValue: (resource, values) at its start and end."""

    start: tuple[tuple[str, tuple[str, ...]], ...] = (("1", ("10",)),)
    end: tuple[tuple[str, tuple[str, ...]], ...] = (("1", ("10",)),)
    start_date: str = "2026-11-01"
    end_date: str = "2026-11-05"
    seal_date: str = "2026-11-05"
    reason: str | None = None  # NSI 224 code of an unplanned verification; None: planned
    transport: str | None = None


@dataclass(frozen=True)
class Dev:
    """One ``MeteringDevicesValues`` block."""

    guid: str
    kind: str = ONE_RATE
    values: tuple[Val, ...] = (Val(),)
    verification: Check | None = None
    by_version: bool = False


def _resource(parent: etree._Element, code: str) -> None:
    ref = sub(parent, MD, "MunicipalResource")
    sub(ref, NSI, "Code", code)
    sub(ref, NSI, "GUID", guid(f"nsi:2:{code}"))


def _values(parent: etree._Element, kind: str, resource: str, values: Sequence[str]) -> None:
    if kind == ONE_RATE:
        _resource(parent, resource)
        sub(parent, MD, "MeteringValue", values[0])
        return
    if kind == VOLUME:
        _resource(parent, resource)
    for tariff, value in enumerate(values[:3], start=1):
        sub(parent, MD, f"MeteringValueT{tariff}", value)


def _block(request: etree._Element, dev: Dev, index: int, seed: str) -> None:
    block = sub(request, DM, "MeteringDevicesValues")
    sub(block, DM, "MeteringDeviceVersionGUID" if dev.by_version else "MeteringDeviceRootGUID", dev.guid)
    values = sub(block, DM, dev.kind)
    ordered = [v for v in dev.values if not v.control] + [v for v in dev.values if v.control]
    for n, val in enumerate(ordered):
        element = sub(values, DM, "ControlValue" if val.control else "CurrentValue")
        _values(element, dev.kind, val.resource, val.values)
        sub(element, DM, "DateValue", val.date)
        sub(element, BASE, "TransportGUID", val.transport or guid(f"{seed}:{index}:{n}"))
        if val.period is not None and not val.control:
            period = sub(element, DM, "Period")
            sub(period, BASE, "Year", val.period[0])
            sub(period, BASE, "Month", val.period[1])
    check = dev.verification
    if check is not None:
        element = sub(values, DM, "VerificationValue")
        sub(element, DM, "StartDateValue", check.start_date)
        sub(element, DM, "EndDateValue", check.end_date)
        sub(element, DM, "SealDate", check.seal_date)
        for local, pairs in (("StartValue", check.start), ("EndValue", check.end)):
            for resource, numbers in pairs:
                _values(sub(element, DM, local), dev.kind, resource, numbers)
        if check.reason is None:
            sub(element, DM, "PlannedVerification", True)
        else:
            reason = sub(element, DM, "VerificationReason")
            sub(reason, NSI, "Code", check.reason)
            sub(reason, NSI, "GUID", guid(f"nsi:224:{check.reason}"))
        sub(element, BASE, "TransportGUID", check.transport or guid(f"{seed}:{index}:verification"))


def import_values(
    devices: Sequence[Dev], *, house: str | None = None, seed: str = "readings", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importMeteringDeviceValuesRequest`` with one block per ``Dev`` (GIS allows 1000)."""
    request = etree.Element(f"{{{DM}}}importMeteringDeviceValuesRequest", nsmap=_NSMAP)
    if signed_id is not None:
        request.set("Id", signed_id)
    request.set(f"{{{BASE}}}version", IMPORT_VALUES_VERSION)
    if house is not None:
        sub(request, DM, "FIASHouseGuid", house)
    for index, dev in enumerate(devices):
        _block(request, dev, index, seed)
    return request


def transport(seed: str, index: int, n: int = 0) -> str:
    """The TransportGUID ``import_values`` gives the ``n``-th value of the ``index``-th block."""
    return guid(f"{seed}:{index}:{n}")


def bulk_readings(
    device_guids: Sequence[str],
    *,
    value: str = "10",
    date: str = "2026-11-20",
    resource: str = "1",
    seed: str = "readings",
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """One one-rate current reading per device (the monthly traffic: up to 1000 devices)."""
    return import_values(
        [Dev(g, values=(Val((value,), resource, date),)) for g in device_guids], seed=seed, signed_id=signed_id
    )


def export_history(
    *,
    houses: Sequence[str] = (),
    cursor: str | None = None,
    roots: Sequence[str] = (),
    device_types: Sequence[str] = (),
    resources: Sequence[str] = (),
    commissioned_from: str | None = None,
    commissioned_to: str | None = None,
    archived: bool | None = None,
    archived_from: str | None = None,
    archived_to: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    exclude_person: bool | None = None,
    exclude_current_org: bool | None = None,
    exclude_other_org: bool | None = None,
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``exportMeteringDeviceHistoryRequest``; exactly one of ``roots``, ``device_types``,
    ``resources`` must be given (the XSD's choice)."""
    request = etree.Element(f"{{{DM}}}exportMeteringDeviceHistoryRequest", nsmap=_NSMAP)
    if signed_id is not None:
        request.set("Id", signed_id)
    request.set(f"{{{BASE}}}version", EXPORT_HISTORY_VERSION)
    for house in houses:
        sub(request, DM, "FIASHouseGuid", house)
    if cursor is not None:
        sub(request, DM, "ExportMeteringDeviceRootGUID", cursor)
    for root in roots:
        sub(request, DM, "MeteringDeviceRootGUID", root)
    for local, codes, book in (("MeteringDeviceType", device_types, 27), ("MunicipalResource", resources, 2)):
        for code in codes:
            ref = sub(request, DM, local)
            sub(ref, NSI, "Code", code)
            sub(ref, NSI, "GUID", guid(f"nsi:{book}:{code}"))
    for local, text in (
        ("CommissioningDateFrom", commissioned_from),
        ("CommissioningDateTo", commissioned_to),
        ("SerchArchived", archived),
        ("ArchiveDateFrom", archived_from),
        ("ArchiveDateTo", archived_to),
        ("inputDateFrom", date_from),
        ("inputDateTo", date_to),
        ("ExcludePersonAsDataSource", exclude_person),
        ("ExcludeCurrentOrgAsDataSource", exclude_current_org),
        ("ExcludeOtherOrgAsDataSource", exclude_other_org),
    ):
        if text is not None:
            sub(request, DM, local, text)
    return request
