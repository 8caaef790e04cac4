"""The pure rules of meter readings: value kinds, resources, tariffs, dates, the lower-reading
and replacement rule, duplicates (no store, no XML)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hub.areas.readings import rules
from hub.areas.readings.rules import Meter, Previous, ReadingCommand, Role, Verification
from hub.errors import HubError
from hub.services.ports import MeteringDevice, ValueKind

TODAY = date(2026, 12, 1)


def _device(**kw: object) -> MeteringDevice:
    values: dict[str, object] = {
        "root_guid": "root",
        "version_guid": "v1",
        "owner_org_id": 1,
        "house_guid": "house",
        "device_type": "1",
        "resources": ("1",),
        "energy": False,
        "tariff_count": 1,
        "consumed_volume": False,
        "commissioned": date(2025, 1, 1),
        "archived": False,
    }
    values.update(kw)
    return MeteringDevice(**values)  # type: ignore[arg-type]


def _command(
    *values: str | None, kind: ValueKind = ValueKind.ONE_RATE, resource: str | None = "1", **kw: object
) -> ReadingCommand:
    tariffs = tuple(Decimal(v) if v is not None else None for v in (*values, None, None, None)[:3])
    fields: dict[str, object] = {"date_value": date(2026, 11, 20), "period": (2026, 11), "where": "here"}
    fields.update(kw)
    return ReadingCommand("t", "root", kind, Role.CURRENT, (Meter(resource, None, tariffs),), **fields)  # type: ignore[arg-type]


def _code(
    device: MeteringDevice, command: ReadingCommand, last: dict[tuple[str, str], Previous] | None = None
) -> str | None:
    try:
        rules.check(device, command, last or {}, TODAY)
    except HubError as exc:
        assert exc.where == command.where
        return exc.code
    return None


def test_each_device_accepts_one_value_kind() -> None:
    assert rules.expected_kind(_device()) is ValueKind.ONE_RATE
    assert rules.expected_kind(_device(energy=True)) is ValueKind.ELECTRIC
    assert rules.expected_kind(_device(energy=True, consumed_volume=True)) is ValueKind.VOLUME
    assert _code(_device(energy=True, resources=("3",)), _command("1")) == "INT912001"
    assert _code(_device(), _command("1", kind=ValueKind.VOLUME)) == "INT912001"


@pytest.mark.parametrize(
    ("device", "command", "code"),
    [
        (_device(), _command("1", resource="2"), "INT912002"),
        (
            _device(energy=True, resources=("3",)),
            _command("1", "2", kind=ValueKind.ELECTRIC, resource=None),
            "INT912003",
        ),
        (
            _device(energy=True, resources=("3",), tariff_count=3),
            _command("1", "2", kind=ValueKind.ELECTRIC, resource=None),
            "INT912003",
        ),
        (_device(consumed_volume=True), _command("1", "2", kind=ValueKind.VOLUME), "INT912003"),
        (_device(), _command("1", date_value=date(2026, 12, 2)), "INT912004"),
        (_device(), _command("1", date_value=date(2024, 12, 31)), "INT912005"),
        (_device(), _command("-1"), "INT912006"),
        (_device(base_values={("1", 1): Decimal(5)}), _command("4.9999999"), "INT912007"),
        (_device(archived=True), _command("1"), "INT912009"),
        (_device(), _command("1"), None),
        (_device(commissioned=None), _command("1"), None),
    ],
)
def test_codes(device: MeteringDevice, command: ReadingCommand, code: str | None) -> None:
    assert _code(device, command) == code


def test_previous_is_the_last_stored_else_the_base_and_never_the_replaced_device() -> None:
    base = {("1", 1): Decimal(100)}
    last = {("root", "1"): Previous(date(2026, 10, 20), (Decimal(50), None, None))}
    assert _code(_device(base_values=base), _command("60"), last) is None  # the stored reading wins over the base
    assert _code(_device(base_values=base), _command("40"), last) == "INT912007"
    assert _code(_device(base_values=base), _command("99")) == "INT912007"  # nothing stored: the base
    old_device_rows = {("old-root", "1"): Previous(date(2026, 10, 20), (Decimal(900), None, None))}
    replacing = _device(replaced_root_guid="old-root", base_values={("1", 1): Decimal(0)})
    assert _code(replacing, _command("1"), old_device_rows) is None
    assert _code(_device(), _command("60", date_value=date(2026, 10, 19)), last) == "INT912010"


def test_volumes_are_not_counters() -> None:
    last = {("root", "5"): Previous(date(2026, 10, 20), (Decimal(50), None, None))}
    device = _device(resources=("5",), consumed_volume=True)
    assert _code(device, _command("1", kind=ValueKind.VOLUME, resource="5"), last) is None


def test_verification_end_not_below_its_start() -> None:
    check = Verification(
        date(2026, 11, 1),
        date(2026, 11, 2),
        date(2026, 11, 2),
        (Meter("1", None, (Decimal(5), None, None)),),
        (Meter("1", None, (Decimal(4), None, None)),),
        True,
    )
    command = ReadingCommand(
        "t", "root", ValueKind.ONE_RATE, Role.VERIFICATION, (), date(2026, 11, 2), None, check, "v"
    )
    assert _code(_device(), command) == "INT912007"


def test_duplicates_by_device_and_period_across_the_whole_message() -> None:
    commands = [_command("1"), _command("2", period=(2026, 10)), _command("3"), _command("4", resource="2")]
    marked = rules.mark_duplicates(commands)
    assert [c.duplicate for c in marked] == [False, False, True, False]
    assert _code(_device(), marked[2]) == "INT912008"
