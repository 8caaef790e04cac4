"""Meter readings: the domain records and the pure checks of importMeteringDeviceValues.

One imported *item* is one element that carries a ``base:TransportGUID`` — a ``CurrentValue``,
a ``ControlValue`` or a ``VerificationValue`` of a ``MeteringDevicesValues`` block — because
that is what GIS answers one ``ImportResult`` (base:CommonResultType) for. An item holds one or
more ``Meter``\\s: a municipal resource (NSI 2) with its values by tariff T1–T3.

The checks here need no store: the device (``MeteringDevice`` from the ``meters`` port), the
"previous" reading of each (resource, tariff) and today's date are handed in. The order of the
checks is the order of the codes in docs/READINGS.md; the first failing check is the item's
error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from hub.errors import E, ErrorSpec, HubError
from hub.services.ports import MeteringDevice, ValueKind

#: a tariff's value: T1, T2, T3 (None: not given)
Tariffs = tuple[Decimal | None, Decimal | None, Decimal | None]


class Role(StrEnum):
    """What an item is, and what a stored row of it is."""

    CURRENT = "current"  # CurrentValue: the reading for a period
    CONTROL = "control"  # ControlValue: a control reading
    VERIFICATION = "verification"  # VerificationValue: start and end values of a verification


class Stage(StrEnum):
    """Which values of an item a stored row holds (a verification stores two stages)."""

    VALUE = "value"
    START = "start"
    END = "end"


@dataclass(frozen=True, slots=True)
class Meter:
    """One resource's values: ``resource`` is the NSI 2 code (None in an electric item, which
    names no resource: the device's own is meant)."""

    resource: str | None
    resource_guid: str | None
    values: Tariffs

    def given(self) -> list[tuple[int, Decimal]]:
        """(tariff 1–3, value) of the values present."""
        return [(i + 1, v) for i, v in enumerate(self.values) if v is not None]


@dataclass(frozen=True, slots=True)
class Verification:
    start_date: date
    end_date: date
    seal_date: date
    start: tuple[Meter, ...]
    end: tuple[Meter, ...]
    planned: bool
    reason_code: str | None = None
    reason_guid: str | None = None


@dataclass(frozen=True, slots=True)
class ReadingCommand:
    """One item of an importMeteringDeviceValuesRequest."""

    transport_guid: str
    device_guid: str  # root or version GUID as given, lowercased
    kind: ValueKind
    role: Role
    meters: tuple[Meter, ...]  # current/control: exactly one
    date_value: date  # DateValue; a verification: its EndDateValue
    period: tuple[int, int] | None = None  # (year, month) of a current value
    verification: Verification | None = None
    where: str | None = None
    #: set by ``mark_duplicates``: an earlier item of the request has the same device and period
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Previous:
    """The last stored reading of a (device, resource): its date and values by tariff."""

    date_value: date
    values: Tariffs


def expected_kind(device: MeteringDevice) -> ValueKind:
    """The one value kind a device accepts: volumes from a device that reports consumed volumes,
    else tariff values from an electric device, else one-rate readings."""
    if device.consumed_volume:
        return ValueKind.VOLUME
    if device.energy:
        return ValueKind.ELECTRIC
    return ValueKind.ONE_RATE


def resource_of(device: MeteringDevice, meter: Meter) -> str:
    """The NSI 2 code a meter's values are stored under (an electric item: the device's)."""
    if meter.resource is not None:
        return meter.resource
    return device.resources[0] if device.resources else ""


def is_counter(kind: ValueKind) -> bool:
    """Readings of a counter only grow; volumes are amounts per period (no "lower" rule)."""
    return kind is not ValueKind.VOLUME


def duplicate_key(command: ReadingCommand, root_guid: str) -> tuple[object, ...]:
    """What "the same device and period" means: a current value per resource and period, a
    control value per resource and date, a verification per start date."""
    resources = tuple(sorted(m.resource or "" for m in command.meters))
    if command.role is Role.CURRENT:
        return (root_guid, command.role, resources, command.period)
    if command.role is Role.CONTROL:
        return (root_guid, command.role, resources, command.date_value)
    start = command.verification.start_date if command.verification else command.date_value
    return (root_guid, command.role, start)


def mark_duplicates(
    commands: Sequence[ReadingCommand], root_of: Callable[[str], str] = lambda guid: guid
) -> list[ReadingCommand]:
    """The commands, a repeat of an earlier item (same device and period) marked ``duplicate``.

    Run over the whole message before it is applied, so a repeat in another chunk is found
    too; deterministic, so a redone message marks the same items."""
    seen: set[tuple[object, ...]] = set()
    marked: list[ReadingCommand] = []
    for command in commands:
        key = duplicate_key(command, root_of(command.device_guid))
        marked.append(replace(command, duplicate=True) if key in seen else command)
        seen.add(key)
    return marked


def _err(spec: ErrorSpec, detail: str, where: str | None) -> HubError:
    return HubError(spec, detail, where=where)


def check_device(device: MeteringDevice, command: ReadingCommand) -> None:
    """Archived device, value kind, resources and tariffs."""
    where = command.where
    if device.archived:
        raise _err(E.INT912009, f"Прибор учета {device.root_guid}", where)
    expected = expected_kind(device)
    if command.kind is not expected:
        raise _err(E.INT912001, f"Передан {command.kind.value}, прибор учета принимает {expected.value}", where)
    for meter in _all_meters(command):
        if meter.resource is not None and meter.resource not in device.resources:
            raise _err(E.INT912002, f"Коммунальный ресурс {meter.resource} (НСИ 2)", where)
        tariffs = [t for t, _v in meter.given()]
        if max(tariffs, default=1) > device.tariff_count:
            raise _err(E.INT912003, f"Передано тарифов: {max(tariffs)}, у прибора учета: {device.tariff_count}", where)
        if command.kind is ValueKind.ELECTRIC and len(tariffs) < device.tariff_count:
            raise _err(E.INT912003, f"Передано тарифов: {len(tariffs)}, у прибора учета: {device.tariff_count}", where)
    for group in _meter_groups(command):
        seen = [m.resource for m in group]
        if len(seen) != len(set(seen)):
            raise _err(E.INT912002, "Коммунальный ресурс указан более одного раза", where)


def _meter_groups(command: ReadingCommand) -> list[tuple[Meter, ...]]:
    if command.verification is not None:
        return [command.verification.start, command.verification.end]
    return [command.meters]


def _all_meters(command: ReadingCommand) -> Iterable[Meter]:
    for group in _meter_groups(command):
        yield from group


def check_dates(device: MeteringDevice, command: ReadingCommand, today: date) -> None:
    """No date in the future, none before commissioning; a verification ends after it starts."""
    where = command.where
    dates = [command.date_value]
    if command.verification is not None:
        v = command.verification
        if v.end_date < v.start_date:
            raise _err(E.INT912011, f"{v.start_date.isoformat()} – {v.end_date.isoformat()}", where)
        dates = [v.start_date, v.end_date, v.seal_date]
    for value in dates:
        if value > today:
            raise _err(E.INT912004, f"Дата {value.isoformat()}", where)
        if device.commissioned is not None and value < device.commissioned:
            raise _err(
                E.INT912005, f"Дата {value.isoformat()}, ввод в эксплуатацию {device.commissioned.isoformat()}", where
            )


def check_values(command: ReadingCommand) -> None:
    """No negative value (the XSD pattern already forbids a sign; kept for every other source)."""
    for meter in _all_meters(command):
        for tariff, value in meter.given():
            if value < 0:
                raise _err(E.INT912006, f"T{tariff} = {value}", command.where)


def previous_value(
    device: MeteringDevice, resource: str, tariff: int, last: Mapping[tuple[str, str], Previous]
) -> tuple[Decimal | None, date | None]:
    """The value a new reading must not be lower than, and the date it was taken.

    The last stored reading of this device, resource and tariff; else the device's base value
    (its reading at commissioning). A device that replaced another starts anew: only its own
    readings and its own base count, never the replaced device's (the readings are keyed by the
    device's own root GUID, so the old device's rows are never looked up)."""
    found = last.get((device.root_guid, resource))
    if found is not None and found.values[tariff - 1] is not None:
        return found.values[tariff - 1], found.date_value
    return device.base_values.get((resource, tariff)), None


def check_order(
    device: MeteringDevice, command: ReadingCommand, last: Mapping[tuple[str, str], Previous]
) -> list[tuple[Stage, Meter, date]]:
    """The lower-reading rule (counters only) and the date order; returns the stages to store.

    A reading lower than the previous one of the same device, resource and tariff is INT912007;
    one dated before that previous reading is INT912010 (history stays ordered, so "previous"
    is always the latest). A verification's start values are checked against the previous
    reading and its end values against its start values."""
    where = command.where
    if command.verification is not None:
        v = command.verification
        stages = [(Stage.START, m, v.start_date) for m in v.start] + [(Stage.END, m, v.end_date) for m in v.end]
    else:
        stages = [(Stage.VALUE, m, command.date_value) for m in command.meters]
    if not is_counter(command.kind):
        return stages
    started: dict[tuple[str, int], Decimal] = {}
    for stage, meter, taken in stages:
        resource = resource_of(device, meter)
        for tariff, value in meter.given():
            before: Decimal | None
            before_date: date | None
            if stage is Stage.END and (resource, tariff) in started:
                before, before_date = started[(resource, tariff)], None
            else:
                before, before_date = previous_value(device, resource, tariff, last)
            if before_date is not None and taken < before_date:
                raise _err(E.INT912010, f"{taken.isoformat()} < {before_date.isoformat()}", where)
            if before is not None and value < before:
                raise _err(E.INT912007, f"Ресурс {resource}, T{tariff}: {value} < {before}", where)
            if stage is Stage.START:
                started[(resource, tariff)] = value
    return stages


def check(
    device: MeteringDevice, command: ReadingCommand, last: Mapping[tuple[str, str], Previous], today: date
) -> list[tuple[Stage, Meter, date]]:
    """Every rule that needs no authorization, in order; the stages to store."""
    if command.duplicate:
        raise _err(E.INT912008, f"Прибор учета {device.root_guid}", command.where)
    check_device(device, command)
    check_dates(device, command, today)
    check_values(command)
    return check_order(device, command, last)
