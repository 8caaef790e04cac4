"""Random lexical values of XSD simple types, in every form XSD 1.0 allows and libxml2 accepts.

The property test is about forms a sender may legally write that a codec may not expect, so a
value is not drawn canonically: ``+1.50``, ``.5``, ``1.``, ``-0``, ``007``, `` 1 `` for numbers;
``true``/``1``/`` false `` for booleans; dates with and without zones (``Z``, ``+03:00``,
``-14:00``), years past 9999 and before 1; times with fractions and ``24:00:00``.

Where libxml2 (the hub's validator and the test's oracle) departs from XSD 1.0, the generator
follows libxml2: it refuses whitespace around ``xs:date``/``xs:dateTime`` (so no sender can get
such a value to a codec), and its ``\\d`` knows fewer digits than Python's (``digits`` below).

Facets are read along the whole derivation chain of the type (every level restricts), built-in
ranges come from ``INTEGER_RANGES`` rather than from xmlschema's built-ins (which give
``nonNegativeInteger`` a bound of None).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.patterns import pattern_strategy, python_pattern

XS = "{http://www.w3.org/2001/XMLSchema}"

INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
#: digits an unbounded integer part may have (xs:integer, decimals without totalDigits)
FREE_DIGITS = 18
#: characters XML 1.0 allows in text, minus unassigned/private ones: any of them may be in a string
XML_TEXT = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cn", "Co"], include_characters="\t\n\r")
#: a longer string is a drawn chunk repeated (a 3000-character draw would overrun Hypothesis' buffer)
DIRECT_LENGTH = 40


@dataclass
class Facets:
    """Every facet on the chain from the type to its built-in ancestor (the tightest wins)."""

    builtin: str = "anySimpleType"
    enumeration: tuple[str, ...] | None = None
    #: one tuple per derivation level: a value matches one pattern of each level
    patterns: list[tuple[str, ...]] = field(default_factory=list)
    length: int | None = None
    min_length: int = 0
    max_length: int | None = None
    low: Decimal | None = None  # inclusive, after folding the exclusive bounds of integers
    high: Decimal | None = None
    low_exclusive: Decimal | None = None
    high_exclusive: Decimal | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    white_space: str = "preserve"


def _value(facet: Any) -> Any:
    return getattr(facet, "value", None)


def facets_of(simple_type: Any) -> Facets:
    """Walk ``base_type`` up to the built-in ancestor, collecting the user-defined facets."""
    out = Facets(white_space=simple_type.white_space or "preserve")
    level = simple_type
    while level is not None:
        name = level.name or ""
        if name.startswith(XS):
            out.builtin = name[len(XS) :]
            break
        for key, facet in (getattr(level, "facets", None) or {}).items():
            if key is None:
                continue
            _fold(out, key[len(XS) :], facet)
        level = getattr(level, "base_type", None)
    low, high = INTEGER_RANGES.get(out.builtin, (None, None))
    out.low = _max(out.low, None if low is None else Decimal(low))
    out.high = _min(out.high, None if high is None else Decimal(high))
    return out


def _fold(out: Facets, kind: str, facet: Any) -> None:
    value = _value(facet)
    if kind == "enumeration" and out.enumeration is None:
        out.enumeration = tuple(str(v) for v in facet.enumeration)
    elif kind == "pattern":
        out.patterns.append(tuple(facet.regexps))
    elif kind == "length":
        out.length = value
    elif kind == "minLength":
        out.min_length = max(out.min_length, value)
    elif kind == "maxLength":
        out.max_length = value if out.max_length is None else min(out.max_length, value)
    elif kind in {"minInclusive", "maxInclusive", "minExclusive", "maxExclusive"} and value is not None:
        number = Decimal(str(value))
        if kind == "minInclusive":
            out.low = _max(out.low, number)
        elif kind == "maxInclusive":
            out.high = _min(out.high, number)
        elif kind == "minExclusive":
            out.low_exclusive = _max(out.low_exclusive, number)
        else:
            out.high_exclusive = _min(out.high_exclusive, number)
    elif kind == "totalDigits":
        out.total_digits = value if out.total_digits is None else min(out.total_digits, value)
    elif kind == "fractionDigits":
        out.fraction_digits = value if out.fraction_digits is None else min(out.fraction_digits, value)


def _max(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else max(a, b)


def _min(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else min(a, b)


def simple_values(simple_type: Any) -> st.SearchStrategy[str]:
    """Lexical values valid for ``simple_type`` (an xmlschema simple type)."""
    facets = facets_of(simple_type)
    if facets.enumeration is not None:
        return st.sampled_from(facets.enumeration)
    maker = _BY_BUILTIN.get(facets.builtin)
    if facets.patterns and facets.builtin in _NUMERIC and maker is not None:
        # a number's pattern (DRSOVolumeType: \d{0,30}(\.\d{0,12})?) also admits what is no number
        # ("", non-ASCII digits): numbers of the type's range, kept when they match the patterns
        return maker(facets).filter(_matches_patterns(facets))
    if facets.patterns:
        return _patterned(facets)
    if maker is None:
        raise NotImplementedError(f"no generator for built-in xs:{facets.builtin} ({simple_type})")
    return maker(facets)


def _length_bounds(facets: Facets) -> tuple[int, int | None]:
    if facets.length is not None:
        return facets.length, facets.length
    return facets.min_length, facets.max_length


def _matches_patterns(facets: Facets) -> Callable[[str], bool]:
    levels = [[re.compile(python_pattern(p)) for p in level] for level in facets.patterns]
    return lambda value: all(any(c.fullmatch(value) for c in level) for level in levels)


def _patterned(facets: Facets) -> st.SearchStrategy[str]:
    """The first level's patterns drive the draw; the other levels and the lengths filter it."""
    checks = [[re.compile(python_pattern(p)) for p in level] for level in facets.patterns[1:]]
    low, high = _length_bounds(facets)

    def fits(value: str) -> bool:
        if len(value) < low or (high is not None and len(value) > high):
            return False
        return all(any(c.fullmatch(value) for c in level) for level in checks)

    return st.one_of(*(pattern_strategy(p) for p in facets.patterns[0])).filter(fits)


def _text_of_length(length: int, alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    if length <= DIRECT_LENGTH:
        return st.text(alphabet, min_size=length, max_size=length)
    return st.text(alphabet, min_size=1, max_size=16).map(lambda chunk: (chunk * (length // len(chunk) + 1))[:length])


def _lengths(low: int, high: int | None) -> st.SearchStrategy[int]:
    """Short lengths mostly, the bounds themselves and anything between sometimes."""
    top = high if high is not None else low + 300
    return st.one_of(
        st.integers(low, min(top, low + 12)),
        st.sampled_from(sorted({low, top})),
        st.integers(low, top),
    )


def _strings(facets: Facets) -> st.SearchStrategy[str]:
    low, high = _length_bounds(facets)
    if facets.white_space == "preserve":
        return _lengths(low, high).flatmap(lambda n: _text_of_length(n, XML_TEXT))
    # replace/collapse: words of non-space characters joined by single spaces
    word = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=1, max_size=8)
    joined = st.lists(word, min_size=1 if low else 0, max_size=4).map(" ".join)
    return joined.filter(lambda v: low <= len(v) and (high is None or len(v) <= high))


# ── numbers ───────────────────────────────────────────────────────────────────────────────────


def _units_range(facets: Facets, places: int) -> tuple[int, int]:
    """The inclusive range of the value in units of 10**-places, from every bound that applies."""
    scale = 10**places
    digits = (facets.total_digits - places) if facets.total_digits is not None else FREE_DIGITS
    high_units = 10 ** (places + max(digits, 0)) - 1
    low_units = -high_units
    if facets.low is not None:
        low_units = max(low_units, _ceil(facets.low * scale))
    if facets.high is not None:
        high_units = min(high_units, _floor(facets.high * scale))
    if facets.low_exclusive is not None:
        low_units = max(low_units, _floor(facets.low_exclusive * scale) + 1)
    if facets.high_exclusive is not None:
        high_units = min(high_units, _ceil(facets.high_exclusive * scale) - 1)
    return low_units, high_units


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding="ROUND_CEILING"))


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding="ROUND_FLOOR"))


@st.composite
def _number(draw: st.DrawFn, facets: Facets, integer: bool) -> str:
    allowed = 0 if integer else min(facets.fraction_digits if facets.fraction_digits is not None else 6, 6)
    places = draw(st.integers(0, allowed))
    low, high = _units_range(facets, places)
    if low > high:  # no value with this few places: take the most the type allows
        places = allowed
        low, high = _units_range(facets, places)
    near_zero = (max(low, -(10 ** (places + 3))), min(high, 10 ** (places + 3)))
    choices = [st.integers(low, high), st.sampled_from([low, high])]
    if near_zero[0] <= near_zero[1]:
        choices.append(st.integers(*near_zero))
    units = draw(st.one_of(*choices))
    return _render_number(draw, units, places, integer)


def _render_number(draw: st.DrawFn, units: int, places: int, integer: bool) -> str:
    """One lexical form of ``units``·10**-places: sign, leading zeros, dots, trailing zeros, spaces."""
    negative = units < 0
    digits = str(abs(units)).rjust(places + 1, "0")
    whole, fraction = (digits[:-places], digits[-places:]) if places else (digits, "")
    if draw(st.booleans()):
        whole = "0" * draw(st.integers(1, 3)) + whole  # leading zeros: 007
    dot = ""
    if not integer:
        if fraction and draw(st.booleans()):
            fraction += "0" * draw(st.integers(1, 2))  # trailing zeros: 1.50
        if fraction and whole.strip("0") == "" and draw(st.booleans()):
            whole = ""  # no integer part: .5
        if not fraction and draw(st.booleans()):
            dot = "." + draw(st.sampled_from(["", "0", "00"]))  # a bare dot: 1.  (or 1.0)
    sign = "-" if negative else draw(st.sampled_from(["", "", "+", "-" if units == 0 else ""]))
    text = sign + whole + ("." + fraction if fraction else dot)
    return _spaced(draw, text)


def _spaced(draw: st.DrawFn, text: str) -> str:
    """A collapse-whitespace value, sometimes with the whitespace XSD strips around it."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.sampled_from([" ", "\n  ", "\t"])) + text + draw(st.sampled_from([" ", "\n", ""]))
    return text


# ── dates and times ───────────────────────────────────────────────────────────────────────────


#: one draw in 50 each for the years the hub refuses (sampled_from is near uniform; integers is not)
_YEAR_KINDS = st.sampled_from(["usual"] * 40 + ["any"] * 8 + ["past 9999", "before 1"])


@st.composite
def _year(draw: st.DrawFn) -> str:
    """Mostly 1900–2100; sometimes any 4-digit year; rarely (a message has many dates, and the
    hub refuses these whole with FMT001300) a 5-digit one or one before year 1."""
    kind = draw(_YEAR_KINDS)
    if kind == "usual":
        return str(draw(st.integers(1900, 2100)))
    if kind == "any":
        return f"{draw(st.integers(1, 9999)):04d}"
    if kind == "past 9999":
        return str(draw(st.integers(10000, 99999)))
    return f"-{draw(st.integers(1, 9999)):04d}"


@st.composite
def _calendar(draw: st.DrawFn) -> str:
    year = draw(_year())
    number = int(year)
    month = draw(st.integers(1, 12))
    leap = number % 4 == 0 and (number % 100 != 0 or number % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return f"{year}-{month:02d}-{draw(st.integers(1, days)):02d}"


@st.composite
def _zone(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return ""
    if kind == 1:
        return "Z"
    sign = draw(st.sampled_from("+-"))
    hours = draw(st.integers(0, 14))
    minutes = 0 if hours == 14 else draw(st.sampled_from([0, 0, 30, 45, draw(st.integers(0, 59))]))
    return f"{sign}{hours:02d}:{minutes:02d}"


@st.composite
def _clock(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 15)) == 0:
        return "24:00:00"
    text = f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}:{draw(st.integers(0, 59)):02d}"
    if draw(st.booleans()):
        text += "." + draw(st.text(string.digits, min_size=1, max_size=12))
    return text


def _dates(_facets: Facets) -> st.SearchStrategy[str]:
    return st.builds(str.__add__, _calendar(), _zone())


def _datetimes(_facets: Facets) -> st.SearchStrategy[str]:
    return st.tuples(_calendar(), _clock(), _zone()).map(lambda p: f"{p[0]}T{p[1]}{p[2]}")


def _times(_facets: Facets) -> st.SearchStrategy[str]:
    return st.builds(str.__add__, _clock(), _zone())


def _gyears(_facets: Facets) -> st.SearchStrategy[str]:
    return st.builds(str.__add__, _year(), _zone())


def _gyearmonths(_facets: Facets) -> st.SearchStrategy[str]:
    return st.tuples(_year(), st.integers(1, 12), _zone()).map(lambda p: f"{p[0]}-{p[1]:02d}{p[2]}")


# ── the rest ──────────────────────────────────────────────────────────────────────────────────


@st.composite
def _booleans(draw: st.DrawFn, _facets: Facets) -> str:
    return _spaced(draw, draw(st.sampled_from(["true", "false", "1", "0"])))


def _base64(_facets: Facets) -> st.SearchStrategy[str]:
    import base64

    return st.binary(max_size=48).map(lambda b: base64.b64encode(b).decode())


def _hex(_facets: Facets) -> st.SearchStrategy[str]:
    return st.binary(max_size=32).map(lambda b: b.hex().upper())


def _uris(_facets: Facets) -> st.SearchStrategy[str]:
    segment = st.text(string.ascii_letters + string.digits + "-._~", min_size=1, max_size=10)
    return st.lists(segment, min_size=1, max_size=3).map(lambda parts: "https://example.org/" + "/".join(parts))


#: XML names (NCName), ASCII: IDs, and the Id a signature's Reference URI points at
NCNAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,30}", fullmatch=True)


def _ncnames(_facets: Facets) -> st.SearchStrategy[str]:
    return NCNAMES


_NUMERIC = frozenset({"decimal", *INTEGER_RANGES})

_BY_BUILTIN: dict[str, Callable[[Facets], st.SearchStrategy[str]]] = {
    **{name: (lambda f: _number(f, integer=True)) for name in INTEGER_RANGES},
    "decimal": lambda f: _number(f, integer=False),
    "string": _strings,
    "normalizedString": _strings,
    "token": _strings,
    "anySimpleType": _strings,
    "boolean": _booleans,
    "date": _dates,
    "dateTime": _datetimes,
    "time": _times,
    "gYear": _gyears,
    "gYearMonth": _gyearmonths,
    "base64Binary": _base64,
    "hexBinary": _hex,
    "anyURI": _uris,
    "ID": _ncnames,
    "IDREF": _ncnames,
    "NCName": _ncnames,
    "Name": _ncnames,
}
