"""The safe parser refuses every classic XML attack with its own code and never expands anything."""

from __future__ import annotations

import time

import pytest

from hub.contract.xmlparse import DEFAULT_LIMITS, ParseLimits, parse_xml
from hub.errors import HubError

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd"><foo/>"""

LATE_DOCTYPE = b"<!--" + b"x" * 5000 + b"-->\n<!DOCTYPE foo><foo/>"

ATTACKS = {
    "billion-laughs": (BILLION_LAUGHS, "FMT900002"),
    "external-entity": (EXTERNAL_ENTITY, "FMT900002"),
    "external-dtd": (EXTERNAL_DTD, "FMT900002"),
    "doctype-after-long-comment": (LATE_DOCTYPE, "FMT900002"),
    "not-well-formed": (b"<a><b></a>", "FMT900001"),
    "empty": (b"", "FMT900008"),
    "whitespace-only": (b"  \n ", "FMT900008"),
    "too-deep": (b"<a>" * 300 + b"</a>" * 300, "FMT900003"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_refused_with_its_code(name: str) -> None:
    data, code = ATTACKS[name]
    with pytest.raises(HubError) as info:
        parse_xml(data)
    assert info.value.code == code


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(HubError):
        parse_xml(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0


def test_configured_depth_is_enforced_below_libxml2_limit() -> None:
    limits = ParseLimits(max_depth=10)
    parse_xml(b"<a>" * 10 + b"</a>" * 10, limits=limits)
    with pytest.raises(HubError) as info:
        parse_xml(b"<a>" * 11 + b"</a>" * 11, limits=limits)
    assert info.value.code == "FMT900003"


def test_default_depth_is_libxml2_own_limit() -> None:
    """The default limit (256) is enforced by libxml2 itself while parsing, so the parser skips
    its own walk of the tree; this pins libxml2's limit to the hub's default."""
    assert DEFAULT_LIMITS.max_depth == 256
    parse_xml(b"<a>" * 256 + b"</a>" * 256)
    with pytest.raises(HubError) as info:
        parse_xml(b"<a>" * 257 + b"</a>" * 257)
    assert info.value.code == "FMT900003"


def test_size_limit_is_enforced_before_parsing() -> None:
    with pytest.raises(HubError) as info:
        parse_xml(b"<a>" + b"x" * 2000 + b"</a>", limits=ParseLimits(max_bytes=1000))
    assert info.value.code == "FMT900004"


def test_malformed_xml_error_points_at_line() -> None:
    with pytest.raises(HubError) as info:
        parse_xml(b"<a>\n<b>\n</a>")
    assert info.value.where is not None and "строка" in info.value.where


def test_comments_survive_parsing() -> None:
    root = parse_xml(b"<a><!-- keep --><b>x</b></a>")
    assert root[0].text == " keep "
