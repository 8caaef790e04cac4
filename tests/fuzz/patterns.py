"""XSD ``pattern`` facets as Hypothesis strategies.

XSD regular expressions are not Python's: they are implicitly anchored, ``.`` excludes ``\\r``
as well as ``\\n``, and they have ``\\i``/``\\c`` (XML name characters), ``\\p{IsBlock}`` and
character-class subtraction (``[\\i-[:]]``). ``elementpath`` (xmlschema's own translator) turns
one into a Python regex; the anchors it adds are removed and ``st.from_regex(fullmatch=True)``
draws from it.

Two adjustments keep the draws valid under libxml2, the validator of the hub and of the tests:
``\\d`` becomes ``DIGITS`` (the decimal digits libxml2's older Unicode tables know — Python's
``\\d`` also has ones libxml2 refuses, e.g. NKo ``߁``), and the alphabet is XML text
characters only. A pattern that does not translate, or that Hypothesis cannot draw from, falls
back to the known-valid values in ``FALLBACKS`` (a new untranslatable pattern fails loudly).
"""

from __future__ import annotations

import functools
import re

from elementpath.regex import translate_pattern
from hypothesis import strategies as st

#: ASCII, Arabic-Indic, Extended Arabic-Indic and Devanagari digits: \p{Nd} as libxml2 knows it
DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9\u0966-\u096f"
#: characters a pattern's classes may draw: XML text, no unassigned or private-use code points
ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cn", "Co"], include_characters="\t\n")
_PREFIX, _SUFFIX = "^(", ")$(?!\\n\\Z)"

#: known-valid values of patterns that do not translate (none in the served requests today)
FALLBACKS: dict[str, tuple[str, ...]] = {}


class UntranslatablePatternError(ValueError):
    """An XSD pattern with neither a translation nor an entry in ``FALLBACKS``."""


@functools.cache
def python_pattern(xsd_pattern: str) -> str:
    """The unanchored Python equivalent of ``xsd_pattern`` (use it with ``fullmatch``)."""
    try:
        translated = translate_pattern(_libxml2_digits(xsd_pattern), anchors=False)
    except Exception as exc:
        raise UntranslatablePatternError(xsd_pattern) from exc
    if not (translated.startswith(_PREFIX) and translated.endswith(_SUFFIX)):
        raise UntranslatablePatternError(f"{xsd_pattern!r} translated to an unexpected form {translated!r}")
    return translated[len(_PREFIX) : -len(_SUFFIX)]


def _libxml2_digits(xsd_pattern: str) -> str:
    """The XSD pattern with ``\\d`` spelled as ``DIGITS``, inside character classes (which XSD
    nests for subtraction) and outside them, before elementpath expands it to every \\p{Nd}."""
    out, depth, i = [], 0, 0
    while i < len(xsd_pattern):
        pair = xsd_pattern[i : i + 2]
        if pair[:1] == "\\" and len(pair) == 2:
            out.append((DIGITS if depth else f"[{DIGITS}]") if pair == "\\d" else pair)
            i += 2
            continue
        char = xsd_pattern[i]
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        out.append(char)
        i += 1
    return "".join(out)


def pattern_strategy(xsd_pattern: str) -> st.SearchStrategy[str]:
    """Strings matching ``xsd_pattern`` as XSD reads it."""
    try:
        regex = re.compile(python_pattern(xsd_pattern))
        strategy = st.from_regex(regex, fullmatch=True, alphabet=ALPHABET)
        strategy.validate()
        return strategy
    except (UntranslatablePatternError, re.error, ValueError) as exc:
        known = FALLBACKS.get(xsd_pattern)
        if not known:
            raise UntranslatablePatternError(f"{xsd_pattern!r}: add known-valid values to FALLBACKS") from exc
        return st.sampled_from(known)
