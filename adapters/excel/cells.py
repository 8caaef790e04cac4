"""One cell's value as a column wants it: the text a request element carries, or a problem.

Calamine gives numbers as float, dates as ``date``/``datetime``, text as str, empty as "". A
date may also be typed as text (ДД.ММ.ГГГГ or ISO); a number as text with a decimal comma.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.excel.kinds import Column
from hub.errors import E

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")
_DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class CellError(Exception):
    """A cell that does not hold what its column wants: the code and the Russian text."""

    def __init__(self, code: str, text: str, *, wrong_type: bool = False) -> None:
        super().__init__(text)
        self.code = code
        self.text = text
        self.wrong_type = wrong_type


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decimal_text(value: Decimal) -> str:
    """A decimal in XSD form: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _number(value: Any, column: Column) -> Decimal:
    if isinstance(value, bool):
        raise CellError(E.FMT916009.code, f"«{column.header}»: ожидается число", wrong_type=True)
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            pass
    raise CellError(E.FMT916009.code, f"«{column.header}»: ожидается число, указано «{value}»", wrong_type=True)


def _date(value: Any, column: Column) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        found = _DATE_RU.fullmatch(text) or _DATE_ISO.fullmatch(text)
        if found:
            parts = [int(p) for p in found.groups()]
            day, month, year = parts if found.re is _DATE_RU else parts[::-1]
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                raise CellError(E.FMT916009.code, f"«{column.header}»: нет такой даты «{text}»") from None
    raise CellError(
        E.FMT916009.code, f"«{column.header}»: ожидается дата ДД.ММ.ГГГГ, указано «{value}»", wrong_type=True
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read(value: Any, column: Column) -> str | None:
    """The cell as text in XSD form; None when empty and optional; CellError otherwise."""
    if is_empty(value):
        if column.required:
            raise CellError(E.FMT916010.code, f"«{column.header}»: обязательное значение не заполнено")
        return None
    kind = column.type
    if kind == "decimal":
        if isinstance(value, float) and not isinstance(value, bool):
            if value.is_integer() and abs(value) < 1e15:
                return str(int(value))
            text = repr(value)
            if _PLAIN_NUMBER.fullmatch(text):
                return text
        return decimal_text(_number(value, column))
    if kind in ("int", "record"):
        number = _number(value, column)
        if number != number.to_integral_value():
            raise CellError(E.FMT916009.code, f"«{column.header}»: ожидается целое число, указано «{value}»")
        return str(int(number))
    if kind == "date":
        return _date(value, column)
    text = _text(value)
    if kind == "guid":
        if len(text) == 36 and _GUID.fullmatch(text):
            return text.lower()
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise CellError(E.FMT916009.code, f"«{column.header}»: ожидается GUID, указано «{text}»") from None
    if kind == "choice":
        lowered = {c.lower(): c for c in column.choices}
        if text.lower() not in lowered:
            raise CellError(
                E.FMT916009.code, f"«{column.header}»: допустимо {', '.join(column.choices)}, указано «{text}»"
            )
        return lowered[text.lower()]
    if kind == "nsi":
        return text.split(" ", 1)[0]  # "1 Холодная вода" as the list shows it, or the bare code
    if kind == "lookup" and column.lookup is not None:
        code = text.split(" ", 1)[0]
        if code not in column.lookup[1]:
            known = ", ".join(f"{c} {n}" for c, n in column.lookup[1].items())
            raise CellError(E.FMT916009.code, f"«{column.header}»: допустимо {known}; указано «{text}»")
        return code
    return text
