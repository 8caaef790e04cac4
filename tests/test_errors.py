"""The error catalogue: well-formed codes, Russian texts, documented."""

from __future__ import annotations

import re
from pathlib import Path

from hub.errors import E, ErrorSpec, HubError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "ERRORS.md"
SPECS = [getattr(E, n) for n in dir(E) if isinstance(getattr(E, n), ErrorSpec)]


def test_codes_have_the_gis_shape_and_match_their_names() -> None:
    for name in dir(E):
        spec = getattr(E, name)
        if isinstance(spec, ErrorSpec):
            assert spec.code == name
            assert re.fullmatch(r"[A-Z]{3}\d{6}", spec.code)


def test_texts_are_russian() -> None:
    for spec in SPECS:
        assert re.search(r"[А-Яа-яЁё]", spec.text), spec.code


def test_every_code_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [s.code for s in SPECS if f"| {s.code} |" not in text]
    assert not missing, f"docs/ERRORS.md lacks {missing}"


def test_message_carries_place_and_detail() -> None:
    error = HubError(E.FMT001300, "cvc-pattern-valid", where="строка 3, /a/b")
    assert str(error) == "FMT001300: Некорректный XML. Место: строка 3, /a/b. cvc-pattern-valid"
