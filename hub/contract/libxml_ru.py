"""libxml2's parser and validator messages, said in Russian: one language per error text.

A client reads FMT900001/FMT001300 texts in Russian, as GIS writes them; libxml2 reports in
English, with Clark names (``{namespace}Local``) and its own position next to ours. The common
messages are translated here by pattern; the element is named by its usual prefix
(``hm:FIASHouseGuid``). A message no pattern knows keeps libxml2's words after a Russian lead, so
nothing the validator said is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hub import ns

_PREFIX_OF = {namespace: prefix for prefix, namespace in ns.PREFIXES.items()}
#: a Clark name: the namespace is a URI (a ``{8}`` quantifier in a quoted pattern is not one)
_CLARK = re.compile(r"\{([^}]*[:/][^}]*)\}(\w[\w.-]*)")


def short_names(text: str) -> str:
    """``{…house-management/}FIASHouseGuid`` → ``hm:FIASHouseGuid`` (unknown namespaces: the local name)."""

    def prefixed(match: re.Match[str]) -> str:
        prefix = _PREFIX_OF.get(match[1])
        return f"{prefix}:{match[2]}" if prefix else match[2]

    return _CLARK.sub(prefixed, text)


def _expected(text: str) -> str:
    return ", ".join(part.strip() for part in text.strip(" ()").split(","))


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

_VALIDATION: tuple[Rule, ...] = (
    (
        re.compile(r"\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern '(.*)'\.?$", re.S),
        lambda m: f"значение '{m[1]}' не соответствует шаблону {m[2]}",
    ),
    (
        re.compile(r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set \{(.*)\}\.?$", re.S),
        lambda m: f"значение '{m[1]}' не входит в перечень допустимых: {m[2]}",
    ),
    (
        re.compile(
            r"\[facet '(?:maxLength|length)'\] The value has a length of '(\d+)'; this exceeds .* of '(\d+)'\.?$"
        ),
        lambda m: f"длина значения {m[1]} больше допустимой ({m[2]})",
    ),
    (
        re.compile(
            r"\[facet '(?:minLength|length)'\] The value has a length of '(\d+)'; this underruns .* of '(\d+)'\.?$"
        ),
        lambda m: f"длина значения {m[1]} меньше допустимой ({m[2]})",
    ),
    (
        re.compile(r"\[facet 'max(?:In|Ex)clusive'\] The value '(.*)' is greater than .*\('(.*)'\)\.?$"),
        lambda m: f"значение '{m[1]}' больше допустимого ({m[2]})",
    ),
    (
        re.compile(r"\[facet 'min(?:In|Ex)clusive'\] The value '(.*)' is less than .*\('(.*)'\)\.?$"),
        lambda m: f"значение '{m[1]}' меньше допустимого ({m[2]})",
    ),
    (
        re.compile(r"\[facet 'totalDigits'\] The value '(.*)' has more digits than are allowed \('(\d+)'\)\.?$"),
        lambda m: f"в значении '{m[1]}' больше {m[2]} цифр",
    ),
    (
        re.compile(r"\[facet 'fractionDigits'\] The value '(.*)' has more fractional digits .*\('(\d+)'\)\.?$"),
        lambda m: f"в значении '{m[1]}' больше {m[2]} знаков после запятой",
    ),
    (
        re.compile(r"'(.*)' is not a valid value of the (?:atomic|list|union) type '(.*)'\.?$", re.S),
        lambda m: f"'{m[1]}' не является допустимым значением типа {m[2]}",
    ),
    (
        re.compile(r"This element is not expected\. Expected is (?:one of )?(\(.*\))\.?$"),
        lambda m: f"элемент здесь не допускается; ожидается: {_expected(m[1])}",
    ),
    (re.compile(r"This element is not expected\.?$"), lambda m: "элемент здесь не допускается"),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?(\(.*\))\.?$"),
        lambda m: f"не хватает дочернего элемента; ожидается: {_expected(m[1])}",
    ),
    (re.compile(r"The attribute '(.*)' is required but missing\.?$"), lambda m: f"нет обязательного атрибута {m[1]}"),
    (re.compile(r"The attribute '(.*)' is not allowed\.?$"), lambda m: f"атрибут {m[1]} не допускается"),
    (
        re.compile(r"Character content other than whitespace is not allowed.*$"),
        lambda m: "текст внутри элемента не допускается: только дочерние элементы",
    ),
    (
        re.compile(r"Element content is not allowed, because the content type is a simple type.*$"),
        lambda m: "дочерние элементы не допускаются: только значение",
    ),
    (
        re.compile(r"The value '(.*)' does not match the fixed value constraint '(.*)'\.?$"),
        lambda m: f"значение '{m[1]}' не совпадает с фиксированным '{m[2]}'",
    ),
    (
        re.compile(r"No matching global declaration available for the validation root\.?$"),
        lambda m: "корневой элемент не объявлен в схеме",
    ),
)

_SUBJECT = re.compile(r"^Element '([^']*)'(?:, attribute '([^']*)')?: (.*)$", re.S)


def validation_message(text: str) -> str:
    """One libxml2 schema-validation message in Russian (``Элемент hm:X: …``)."""
    text = short_names(text.strip())
    match = _SUBJECT.match(text)
    subject, body = ("", text)
    if match is not None:
        subject = f"Элемент {match[1]}" + (f", атрибут {match[2]}" if match[2] else "") + ": "
        body = match[3].strip()
    for pattern, say in _VALIDATION:
        found = pattern.match(body)
        if found is not None:
            return subject + say(found)
    return f"{subject}нарушение схемы (libxml2: {body})"


_PARSE: tuple[Rule, ...] = (
    (
        re.compile(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)"),
        lambda m: f"закрывающий тег {m[3]} не соответствует открывающему {m[1]} (строка {m[2]})",
    ),
    (
        re.compile(r"Premature end of data in tag (\S+) line (\d+)"),
        lambda m: f"документ оборван внутри элемента {m[1]} (начат в строке {m[2]})",
    ),
    (re.compile(r"EndTag: '</' not found"), lambda m: "документ оборван: нет закрывающего тега"),
    (re.compile(r"Start tag expected, '<' not found"), lambda m: "ожидался открывающий тег '<'"),
    (re.compile(r"Document is empty"), lambda m: "документ пуст"),
    (re.compile(r"Extra content at the end of the document"), lambda m: "лишнее содержимое после конца документа"),
    (re.compile(r"xmlParseEntityRef: no name"), lambda m: "символ '&' не экранирован (&amp;)"),
    (re.compile(r"StartTag: invalid element name"), lambda m: "недопустимое имя элемента"),
    (re.compile(r"Couldn't find end of Start Tag (\S+)"), lambda m: f"не закрыт открывающий тег {m[1]}"),
    (
        re.compile(r"Namespace prefix (\S+) on (\S+) is not defined"),
        lambda m: f"префикс {m[1]} элемента {m[2]} не объявлен",
    ),
    (re.compile(r"AttValue: \" or ' expected"), lambda m: "значение атрибута должно быть в кавычках"),
    (re.compile(r"attributes construct error"), lambda m: "ошибка в атрибутах элемента"),
    (re.compile(r"Attribute (\S+) redefined"), lambda m: f"атрибут {m[1]} указан дважды"),
    (
        re.compile(r"(?:Input is not proper UTF-8|Char 0x\S+ out of allowed range)"),
        lambda m: "недопустимый символ или байт",
    ),
)
_LIBXML_POSITION = re.compile(r",? line \d+, column \d+(?: \(<string>, line \d+\))?$|\s*\(<string>, line \d+\)$")


def parse_message(text: str) -> str:
    """One libxml2 parser message in Russian, without libxml2's own position (ours is in ``where``)."""
    text = _LIBXML_POSITION.sub("", text.strip())
    for pattern, say in _PARSE:
        found = pattern.search(text)
        if found is not None:
            return say(found)
    return f"синтаксическая ошибка (libxml2: {text})"
