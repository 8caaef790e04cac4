"""libxml2's messages in Russian: one language per error text, nothing the validator said lost."""

from __future__ import annotations

import pytest

from hub import ns
from hub.contract.libxml_ru import parse_message, short_names, validation_message

HM = ns.HOUSE_MANAGEMENT


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        (
            f"Element '{{{HM}}}FIASHouseGuid': [facet 'pattern'] The value 'x' is not accepted by the pattern"
            " '([0-9a-f]){8}-([0-9a-f]){4}'.",
            "Элемент hm:FIASHouseGuid: значение 'x' не соответствует шаблону ([0-9a-f]){8}-([0-9a-f]){4}",
        ),
        (
            f"Element '{{{HM}}}Foo': This element is not expected. Expected is ( {{{HM}}}Bar ).",
            "Элемент hm:Foo: элемент здесь не допускается; ожидается: hm:Bar",
        ),
        (
            f"Element '{{{HM}}}A': Missing child element(s). Expected is one of ( {{{HM}}}B, {{{HM}}}C ).",
            "Элемент hm:A: не хватает дочернего элемента; ожидается: hm:B, hm:C",
        ),
        (
            f"Element '{{{HM}}}N': [facet 'maxLength'] The value has a length of '31'; this exceeds the allowed"
            " maximum length of '30'.",
            "Элемент hm:N: длина значения 31 больше допустимой (30)",
        ),
        (
            f"Element '{{{HM}}}D': '2020-13-01' is not a valid value of the atomic type 'xs:date'.",
            "Элемент hm:D: '2020-13-01' не является допустимым значением типа xs:date",
        ),
        (
            f"Element '{{{HM}}}K': [facet 'enumeration'] The value 'z' is not an element of the set {{'a', 'b'}}.",
            "Элемент hm:K: значение 'z' не входит в перечень допустимых: 'a', 'b'",
        ),
        (
            f"Element '{{{HM}}}R': The attribute 'Id' is required but missing.",
            "Элемент hm:R: нет обязательного атрибута Id",
        ),
    ],
)
def test_validation_messages(english: str, russian: str) -> None:
    assert validation_message(english) == russian


def test_an_unknown_validation_message_keeps_its_words_after_a_russian_lead() -> None:
    said = validation_message(f"Element '{{{HM}}}X': Something libxml2 says rarely.")
    assert said == "Элемент hm:X: нарушение схемы (libxml2: Something libxml2 says rarely.)"


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        (
            "Opening and ending tag mismatch: b line 1 and a, line 1, column 11 (<string>, line 1)",
            "закрывающий тег a не соответствует открывающему b (строка 1)",
        ),
        (
            "Premature end of data in tag a line 1, line 1, column 4",
            "документ оборван внутри элемента a (начат в строке 1)",
        ),
        ("Extra content at the end of the document, line 1, column 8", "лишнее содержимое после конца документа"),
    ],
)
def test_parse_messages_drop_libxml2s_own_position(english: str, russian: str) -> None:
    assert parse_message(english) == russian


def test_short_names_leave_quantifiers_alone() -> None:
    assert short_names(f"{{{HM}}}A ([0-9]){{8}}") == "hm:A ([0-9]){8}"
