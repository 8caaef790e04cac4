"""Every lexical form XSD 1.0 allows decodes (hub.contract.lexical); what Python cannot hold is a
coded FMT001300, never an internal error."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from hub.contract import lexical
from hub.errors import HubError

MSK = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-10-09", date(2008, 10, 9)),
        ("2008-10-09Z", date(2008, 10, 9)),
        ("2008-10-09+03:00", date(2008, 10, 9)),
        ("2008-10-09-14:00", date(2008, 10, 9)),
        ("  2008-10-09\n", date(2008, 10, 9)),
        ("0001-01-01", date(1, 1, 1)),
    ],
)
def test_xs_date(text: str, expected: date) -> None:
    assert lexical.xs_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05T10:15:00", datetime(2026, 12, 5, 10, 15)),
        ("2026-12-05T10:15:00Z", datetime(2026, 12, 5, 10, 15, tzinfo=UTC)),
        ("2026-12-05T10:15:00+03:00", datetime(2026, 12, 5, 10, 15, tzinfo=MSK)),
        ("2026-12-05T10:15:00.1234567891Z", datetime(2026, 12, 5, 10, 15, 0, 123456, tzinfo=UTC)),
        ("2026-12-05T10:15:00.5", datetime(2026, 12, 5, 10, 15, 0, 500000)),
        ("2026-12-05T24:00:00", datetime(2026, 12, 6)),
    ],
)
def test_xs_datetime(text: str, expected: datetime) -> None:
    assert lexical.xs_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:15:00", time(10, 15)),
        ("10:15:00.25Z", time(10, 15, 0, 250000, tzinfo=UTC)),
        ("10:15:00+03:00", time(10, 15, tzinfo=MSK)),
    ],
)
def test_xs_time(text: str, expected: time) -> None:
    assert lexical.xs_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1.50", Decimal("1.50")),
        (".5", Decimal("0.5")),
        ("1.", Decimal("1")),
        ("-0", Decimal("0")),
        (" 7 ", Decimal(7)),
    ],
)
def test_xs_decimal(text: str, expected: Decimal) -> None:
    assert lexical.xs_decimal(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("+007", 7), ("-12", -12), ("0", 0), ("\t42 ", 42)])
def test_xs_integer(text: str, expected: int) -> None:
    assert lexical.xs_integer(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("1", True), (" false ", False), ("0", False)])
def test_xs_boolean(text: str, expected: bool) -> None:
    assert lexical.xs_boolean(text) is expected


def test_g_year_and_g_year_month() -> None:
    assert lexical.xs_gyear("2020") == lexical.xs_gyear("2020Z") == lexical.xs_gyear("2020+03:00") == 2020
    assert lexical.xs_gyearmonth("2020-07") == lexical.xs_gyearmonth("2020-07-05:00") == (2020, 7)


def test_collapse() -> None:
    assert lexical.collapse("  a \n\t b  ") == "a b"


@pytest.mark.parametrize(
    ("function", "text"),
    [
        (lexical.xs_date, "2008-02-30"),
        (lexical.xs_date, "08-10-09"),
        (lexical.xs_datetime, "2026-12-05T25:00:00"),
        (lexical.xs_decimal, "1e5"),
        (lexical.xs_decimal, "NaN"),
        (lexical.xs_integer, "1_000"),
        (lexical.xs_boolean, "yes"),
        (lexical.xs_gyearmonth, "2020-13"),
    ],
)
def test_what_the_xsd_would_refuse_is_a_coded_error(function: object, text: str) -> None:
    with pytest.raises(HubError) as info:
        function(text)  # type: ignore[operator]
    assert info.value.code == "FMT001300" and repr(text) in info.value.message


@pytest.mark.parametrize("text", ["0000-01-01", "-0044-03-15", "10000-01-01"])
def test_dates_python_cannot_hold_are_a_coded_error(text: str) -> None:
    with pytest.raises(HubError) as info:
        lexical.xs_date(text)
    assert info.value.code == "FMT001300" and "9999" in info.value.message
