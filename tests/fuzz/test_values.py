"""The simple-type values: every lexical form appears, every value is valid and decodes.

Two oracles besides the generator itself: xmlschema's own validator of the type, and the hub's
``hub.contract.lexical`` (a value the XSD accepts must decode, or be the documented FMT001300
for a year outside 1–9999). Each form is a regular expression that must match some draw.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from hub.contract import lexical
from hub.errors import HubError
from tests.fuzz.corpus import draw_many
from tests.fuzz.generator import RequestGenerator
from tests.fuzz.patterns import FALLBACKS, UntranslatablePatternError, pattern_strategy, python_pattern
from tests.fuzz.values import facets_of, simple_values

XS = "{http://www.w3.org/2001/XMLSchema}"
DRAWS = 400

FORMS: dict[str, tuple[Callable[[str], Any], dict[str, str]]] = {
    "date": (
        lexical.xs_date,
        {
            "no zone": r"\d{4}-\d\d-\d\d",
            "Z": r".*Z",
            "+hh:mm": r".*\+\d\d:\d\d",
            "-hh:mm": r"\d{4}-\d\d-\d\d-\d\d:\d\d",
            "year past 9999": r"\d{5}-.*",
            "year before 1": r"-\d{4}-.*",
        },
    ),
    "dateTime": (
        lexical.xs_datetime,
        {
            "no zone": r"[^T]+T[\d:.]+",
            "Z": r".*Z",
            "offset": r".*T.*[+-]\d\d:\d\d",
            "fraction": r".*T\d\d:\d\d:\d\d\.\d+.*",
            "fraction past microseconds": r".*T\d\d:\d\d:\d\d\.\d{7,}.*",
            "24:00:00": r".*T24:00:00.*",
        },
    ),
    "decimal": (
        lexical.xs_decimal,
        {
            "plus sign": r"\s*\+.*",
            "minus sign": r"\s*-.*",
            "no integer part": r"\s*[+-]?\.\d+\s*",
            "trailing dot": r"\s*[+-]?\d+\.\s*",
            "leading zeros": r"\s*[+-]?0\d.*",
            "trailing zeros": r".*\.\d*0\s*",
            "surrounding whitespace": r"\s+.*\S\s*",
            "integral": r"\s*[+-]?\d+\s*",
        },
    ),
    "integer": (
        lexical.xs_integer,
        {
            "plus sign": r"\s*\+\d+\s*",
            "minus sign": r"\s*-\d+\s*",
            "leading zeros": r"\s*[+-]?0\d+\s*",
            "minus zero": r"\s*-0+\s*",
            "surrounding whitespace": r"\s+\S+\s*",
        },
    ),
    "boolean": (
        lexical.xs_boolean,
        {
            "true": "true",
            "false": "false",
            "1": "1",
            "0": "0",
            "surrounding whitespace": r"\s+\S+\s*",
        },
    ),
}


@pytest.fixture(scope="module")
def generator(real_contract: Path) -> RequestGenerator:
    return RequestGenerator(real_contract)


def builtin(generator: RequestGenerator, name: str) -> Any:
    return generator.model.maps.types[XS + name]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_lexical_form_appears_and_every_value_is_valid_and_decodes(
    generator: RequestGenerator, name: str
) -> None:
    decode, forms = FORMS[name]
    xsd_type = builtin(generator, name)
    values = draw_many(simple_values(xsd_type), DRAWS, f"forms:{name}")
    missing = [form for form, pattern in forms.items() if not any(re.fullmatch(pattern, v) for v in values)]
    assert not missing, f"xs:{name}: no draw in the form(s) {missing}; e.g. {values[:10]}"
    for value in values:
        assert xsd_type.is_valid(value), f"xs:{name}: {value!r} is not valid"
        try:
            decode(value)
        except HubError as exc:  # the one documented refusal: a year Python cannot hold
            assert exc.code == "FMT001300" and "вне поддерживаемого диапазона" in exc.message, (value, exc)


def _real_type(generator: RequestGenerator, qname: str) -> Any:
    return generator.model.maps.types[qname]


HM = "{http://dom.gosuslugi.ru/schema/integration/house-management/}"
PREMISES = "{http://dom.gosuslugi.ru/schema/integration/premises-base/}"
NSI = "{http://dom.gosuslugi.ru/schema/integration/nsi-base/}"
BASE = "{http://dom.gosuslugi.ru/schema/integration/base/}"


@pytest.mark.parametrize(
    ("qname", "edge"),
    [
        # totalDigits 25, fractionDigits 4, minInclusive 0: the largest value the type allows
        (PREMISES + "PremisesAreaType", lambda v: Decimal(v.strip()) == Decimal("9" * 21 + ".9999")),
        (HM + "FloorType", lambda v: int(v) == 999),  # xs:int 1..999
        (HM + "UsedYearType", lambda v: int(v) == 1600),  # xs:short minInclusive 1600
        (NSI + "nsiCodeType", lambda v: len(v) == 20 or "A" in v),  # pattern + maxLength 20
        (BASE + "GUIDType", lambda v: v != v.lower()),  # the pattern allows upper case too
    ],
    ids=lambda p: p if isinstance(p, str) else "",
)
def test_facets_hold_and_their_edges_are_reached(generator: RequestGenerator, qname: str, edge: Any) -> None:
    xsd_type = _real_type(generator, qname)
    values = draw_many(simple_values(xsd_type), 200, f"facets:{qname}")
    invalid = [v for v in values if not xsd_type.is_valid(v)]
    assert not invalid, f"{qname}: invalid draws {invalid[:5]} (facets {facets_of(xsd_type)})"
    assert any(edge(v) for v in values), f"{qname}: the edge of its facets never drawn; e.g. {values[:10]}"


def test_digits_are_the_ones_libxml2_knows_inside_and_outside_classes() -> None:
    for pattern in (r"\d+", r"[\dA]+", r"[\d-[5]]+"):
        regex = re.compile(python_pattern(pattern))
        assert regex.fullmatch("1٣३"), pattern
        assert not regex.fullmatch("߁"), pattern  # NKo digits: \p{Nd}, unknown to libxml2
    assert not re.fullmatch(python_pattern(r"[\d-[5]]+"), "5")


def test_xml_name_classes_and_class_subtraction_translate() -> None:
    ncname = re.compile(python_pattern(r"[\i-[:]][\c-[:]]*"))
    assert ncname.fullmatch("signed-data.container_1")
    assert not ncname.fullmatch("a:b") and not ncname.fullmatch("1a")
    assert re.fullmatch(python_pattern(r"(.*)([0-9а-яА-Яa-zA-Z]+)(.*)"), " номер 5 ")
    assert not re.fullmatch(python_pattern(".+"), "a\rb"), "XSD's . excludes \\r as well as \\n"


def test_an_untranslatable_pattern_fails_loudly_unless_it_has_known_values(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = r"\p{IsNoSuchBlock}+"
    with pytest.raises(UntranslatablePatternError, match="FALLBACKS"):
        pattern_strategy(pattern)
    monkeypatch.setitem(FALLBACKS, pattern, ("known-a", "known-b"))
    drawn = set(draw_many(pattern_strategy(pattern), 20, "fallback"))
    assert drawn <= {"known-a", "known-b"} and drawn


INLINE = xmlschema.XMLSchema10(
    """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:simpleType name="long"><xs:restriction base="xs:string">
        <xs:minLength value="1"/><xs:maxLength value="3000"/></xs:restriction></xs:simpleType>
      <xs:simpleType name="money"><xs:restriction base="xs:decimal">
        <xs:minExclusive value="-1"/><xs:maxExclusive value="1000"/><xs:fractionDigits value="2"/>
      </xs:restriction></xs:simpleType>
      <xs:simpleType name="kind"><xs:restriction base="xs:string">
        <xs:enumeration value="A"/><xs:enumeration value="B"/></xs:restriction></xs:simpleType>
    </xs:schema>"""
)


def test_strings_keep_to_their_length_and_reach_it() -> None:
    """xs:string 1..3000: short, long and the maximum all appear (a long one is a repeated chunk)."""
    lengths = [len(v) for v in draw_many(simple_values(INLINE.types["long"]), 150, "lengths")]
    assert min(lengths) >= 1 and max(lengths) == 3000
    assert any(n <= 12 for n in lengths) and any(12 < n < 3000 for n in lengths)


def test_exclusive_bounds_are_kept_and_approached() -> None:
    money = INLINE.types["money"]
    values = [Decimal(v.strip()) for v in draw_many(simple_values(money), 200, "exclusive")]
    assert all(Decimal(-1) < v < Decimal(1000) for v in values)
    assert Decimal("999.99") in values and Decimal("-0.99") in values


def test_enumerations_draw_only_their_values() -> None:
    assert set(draw_many(simple_values(INLINE.types["kind"]), 40, "enumeration")) == {"A", "B"}
