"""XSD lexical values → Python values, for the whole hub: every form the contract accepts decodes.

A payload reaches a codec only after the XSD accepted it, so every lexical form XSD 1.0 allows
for the type must decode here — ``2008-10-09Z`` is a valid ``xs:date`` that
``date.fromisoformat`` refuses, `` true `` a valid ``xs:boolean`` that ``== "true"`` misreads.
Codecs call these functions and never ``date.fromisoformat``/``Decimal``/``int`` on raw text.

What Python cannot represent although XSD allows it (a year 0, negative or past 9999) is not a
crash either: :class:`HubError` FMT001300 saying which value, so the object or message is refused
with a code instead of meeting an internal error.

Zones: ``xs:date`` keeps the calendar date as written (its zone says where that day is; GIS
dates are calendar dates). ``xs:dateTime`` with a zone is returned aware; without one, naive, as
written (the caller decides whose wall clock it is).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from hub.errors import E, HubError

_ZONE = r"(?P<zone>Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"(?P<year>-?(?:[1-9]\d{3,}|0\d{3}))"
_DATE = re.compile(rf"{_YEAR}-(?P<month>\d\d)-(?P<day>\d\d){_ZONE}")
_TIME = r"(?P<hour>\d\d):(?P<minute>\d\d):(?P<second>\d\d)(?P<fraction>\.\d+)?"
_DATETIME = re.compile(rf"{_YEAR}-(?P<month>\d\d)-(?P<day>\d\d)T{_TIME}{_ZONE}")
_TIME_ONLY = re.compile(rf"{_TIME}{_ZONE}")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_GYEAR = re.compile(rf"{_YEAR}{_ZONE}")
_GYEARMONTH = re.compile(rf"{_YEAR}-(?P<month>\d\d){_ZONE}")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def collapse(value: str) -> str:
    """XSD ``whiteSpace="collapse"``: runs of whitespace become one space, none at the ends."""
    return " ".join(value.split())


def _invalid(kind: str, value: str) -> HubError:
    return HubError(E.FMT001300, f"Значение {value!r} не является допустимым значением типа {kind}")


def _unrepresentable(kind: str, value: str) -> HubError:
    return HubError(E.FMT001300, f"Значение {value!r} типа {kind} вне поддерживаемого диапазона (годы 1–9999)")


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _year(text: str, kind: str, value: str) -> int:
    year = int(text)
    if not 1 <= year <= 9999:
        raise _unrepresentable(kind, value)
    return year


def xs_date(value: str) -> date:
    """``xs:date``: ``2008-10-09``, ``2008-10-09Z``, ``2008-10-09+03:00`` → the calendar date."""
    text = collapse(value)
    match = _DATE.fullmatch(text)
    if match is None:
        raise _invalid("xs:date", value)
    try:
        return date(_year(match["year"], "xs:date", value), int(match["month"]), int(match["day"]))
    except ValueError:
        raise _invalid("xs:date", value) from None


def _clock(match: re.Match[str], kind: str, value: str) -> tuple[int, int, int, int, bool]:
    """(hour, minute, second, microsecond, is 24:00:00) of a matched time part."""
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    fraction = match["fraction"] or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    if hour == 24 and minute == second == micro == 0:
        return 0, 0, 0, 0, True  # 24:00:00 is the end of the day: the next day's 00:00:00
    if hour > 23 or minute > 59 or second > 59:
        raise _invalid(kind, value)
    return hour, minute, second, micro, False


def xs_datetime(value: str) -> datetime:
    """``xs:dateTime`` with any fraction (cut to microseconds), ``Z``/offset (aware) or none (naive)."""
    text = collapse(value)
    match = _DATETIME.fullmatch(text)
    if match is None:
        raise _invalid("xs:dateTime", value)
    hour, minute, second, micro, end_of_day = _clock(match, "xs:dateTime", value)
    try:
        day = date(_year(match["year"], "xs:dateTime", value), int(match["month"]), int(match["day"]))
        moment = datetime.combine(day, time(hour, minute, second, micro), tzinfo=_zone(match["zone"]))
        return moment + timedelta(days=1) if end_of_day else moment
    except OverflowError:
        raise _unrepresentable("xs:dateTime", value) from None
    except ValueError:
        raise _invalid("xs:dateTime", value) from None


def xs_time(value: str) -> time:
    """``xs:time``: ``10:15:00``, ``10:15:00.5Z``, ``10:15:00+03:00`` (aware when zoned)."""
    text = collapse(value)
    match = _TIME_ONLY.fullmatch(text)
    if match is None:
        raise _invalid("xs:time", value)
    hour, minute, second, micro, _end = _clock(match, "xs:time", value)
    return time(hour, minute, second, micro, tzinfo=_zone(match["zone"]))


def xs_decimal(value: str) -> Decimal:
    """``xs:decimal``: ``+1.50``, ``.5``, ``1.``, ``-0``: no exponent, no NaN (the XSD has none)."""
    text = collapse(value)
    if _DECIMAL.fullmatch(text) is None:
        raise _invalid("xs:decimal", value)
    return Decimal(text)


def xs_integer(value: str) -> int:
    """``xs:integer`` and its subtypes: a sign and leading zeros allowed (``+007``)."""
    text = collapse(value)
    if _INTEGER.fullmatch(text) is None:
        raise _invalid("xs:integer", value)
    return int(text)


def xs_boolean(value: str) -> bool:
    """``xs:boolean``: ``true``/``1`` and ``false``/``0``, surrounding whitespace allowed."""
    try:
        return _BOOLEANS[collapse(value)]
    except KeyError:
        raise _invalid("xs:boolean", value) from None


def xs_gyear(value: str) -> int:
    """``xs:gYear``: the year (``2020``, ``2020Z``, ``2020+03:00``)."""
    match = _GYEAR.fullmatch(collapse(value))
    if match is None:
        raise _invalid("xs:gYear", value)
    return _year(match["year"], "xs:gYear", value)


def xs_gyearmonth(value: str) -> tuple[int, int]:
    """``xs:gYearMonth``: (year, month) of ``2020-07``, ``2020-07Z`` …"""
    match = _GYEARMONTH.fullmatch(collapse(value))
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise _invalid("xs:gYearMonth", value)
    return _year(match["year"], "xs:gYearMonth", value), int(match["month"])
