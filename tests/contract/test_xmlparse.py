"""The safe parser refuses every classic XML attack with its own code and never expands anything."""

from __future__ import annotations

import codecs
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from hub.contract import xmlparse
from hub.contract.xmlparse import DEFAULT_LIMITS, ParseLimits, parse_xml
from hub.errors import E, HubError
from tests.security.fifo import fifo, within

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


# --- DOCTYPE anywhere in the prolog, in any encoding libxml2 reads -------------------------------
#
# Every attack names a FIFO as its system id: opening a FIFO for reading blocks until a writer
# comes (none does), so a parse that returns within the bound opened nothing.

REFUSED = HubError(E.FMT900002).message

#: What the DOCTYPE asks libxml2 to load (``{0}`` = the FIFO), and the root element after it.
DECLARATIONS = {
    "external-subset": ('<!DOCTYPE a SYSTEM "{0}">', "<a>Жё</a>"),
    "public-id": ('<!DOCTYPE a PUBLIC "-//hub//attack//RU" "{0}">', "<a>Жё</a>"),
    "parameter-entity": ('<!DOCTYPE a [<!ENTITY % p SYSTEM "{0}"> %p;]>', "<a>Жё</a>"),
    "external-entity": ('<!DOCTYPE a [<!ENTITY e SYSTEM "file://{0}">]>', "<a>&e;</a>"),
    "internal-entity": ('<!DOCTYPE a [<!ENTITY e "Жё">]>', "<a>&e;&e;</a>"),
}

#: What comes before the DOCTYPE.
OFFSETS = {
    "at-start": "",
    "after-5kb-comment": "<!--" + "x" * 5000 + "-->",
    "after-1mb-comment": "<!--" + "Ж" * (1 << 19) + "-->",
    "after-processing-instructions": '<?xml-stylesheet href="a.xsl"?><?decoy <!DOCTYPE x>?>\n',
    "after-comments-and-whitespace": "<!-- <!DOCTYPE decoy> -->\n  <!---->\t\n",
}


def _declaring(codec: str, name: str) -> Callable[[str], bytes]:
    declaration = f'<?xml version="1.0" encoding="{name}"?>'
    return lambda text: (declaration + text).encode(codec, errors="xmlcharrefreplace")


def _switching_after_declaration(name: str, codec: str) -> Callable[[str], bytes]:
    """An ASCII declaration, the rest in ``codec``: libxml2 switches right after the value."""
    head = f'<?xml version="1.0" encoding="{name}"'
    return lambda text: head.encode("ascii") + ("?>" + text).encode(codec)


def _utf7_hiding_markup(text: str) -> bytes:
    """UTF-7 with ``<!`` in base64 (``+ADwAIQ-``): no ``<!DOCTYPE`` among the bytes."""
    raw = _declaring("utf-7", "UTF-7")(text)
    return raw.replace(b"<!DOCTYPE", b"+ADwAIQ-DOCTYPE").replace(b"<!ENTITY", b"+ADwAIQ-ENTITY")


#: How the document is encoded: BOMs, first-bytes detection, declared encodings, mixtures.
ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": str.encode,
    "utf-8-declared": _declaring("utf-8", "UTF-8"),
    "utf-8-bom": lambda text: codecs.BOM_UTF8 + text.encode(),
    "utf-16-le-bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-16-le-declared": _declaring("utf-16-le", "UTF-16"),
    "utf-16-be-declared": _declaring("utf-16-be", "UTF-16"),
    "utf-32-le-bom": lambda text: codecs.BOM_UTF32_LE + text.encode("utf-32-le"),
    "utf-32-be-bom": lambda text: codecs.BOM_UTF32_BE + text.encode("utf-32-be"),
    "utf-32-le": lambda text: text.encode("utf-32-le"),
    "utf-32-be": lambda text: text.encode("utf-32-be"),
    "windows-1251": _declaring("cp1251", "windows-1251"),
    "iso-8859-1": _declaring("latin-1", "ISO-8859-1"),
    "koi8-r": _declaring("koi8-r", "KOI8-R"),
    "cp866": _declaring("cp866", "cp866"),
    "iso-8859-5": _declaring("iso-8859-5", "ISO-8859-5"),
    "shift-jis": _declaring("shift_jis", "Shift_JIS"),
    "utf-7-hiding-markup": _utf7_hiding_markup,
    "utf-16-le-after-ascii-declaration": _switching_after_declaration("UTF-16", "utf-16-le"),
    "utf-16-be-after-ascii-declaration": _switching_after_declaration("UTF-16BE", "utf-16-be"),
    "utf-32-be-after-ascii-declaration": _switching_after_declaration("UTF-32", "utf-32-be"),
}


@pytest.fixture(scope="module")
def trap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A FIFO nobody writes to: whoever opens it to read waits for good."""
    with fifo(tmp_path_factory.mktemp("trap") / "subset.dtd") as path:
        yield path


def _refused_alike(data: bytes) -> None:
    """Parse within a bound; the refusal is FMT900002 with the catalogue text and nothing more."""
    with pytest.raises(HubError) as info:
        within(5, lambda: parse_xml(data))
    assert (info.value.code, info.value.message) == ("FMT900002", REFUSED)
    assert info.value.detail is None and info.value.where is None


@pytest.mark.parametrize("offset", sorted(OFFSETS))
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_doctype_is_refused_in_every_encoding_at_every_offset(encoding: str, offset: str, trap: Path) -> None:
    encode = ENCODINGS[encoding]
    for doctype, root in DECLARATIONS.values():
        _refused_alike(encode(OFFSETS[offset] + doctype.format(trap) + root))


@pytest.mark.parametrize("offset", sorted(OFFSETS))
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_corpus_is_read_by_libxml2_and_its_benign_twin_parses(encoding: str, offset: str) -> None:
    """No vacuous case: libxml2 alone sees each DOCTYPE of the corpus, and the same document
    without it parses, its text decoded as the client meant."""
    encode = ENCODINGS[encoding]
    plain = etree.fromstring(encode(OFFSETS[offset] + "<!DOCTYPE a><a>Жё</a>"), etree.XMLParser())
    assert plain.getroottree().docinfo.doctype == "<!DOCTYPE a>"
    assert parse_xml(encode(OFFSETS[offset] + "<a>Жё</a>")).text == "Жё"


@pytest.fixture
def parser_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prolog guard switched off: what remains is the resolver and the check after parsing."""
    monkeypatch.setattr(xmlparse, "_refuse_declarations", lambda data: None)


@pytest.mark.usefixtures("parser_alone")
@pytest.mark.parametrize("declaration", sorted(DECLARATIONS))
def test_parser_alone_opens_nothing(declaration: str, trap: Path) -> None:
    """Even a DOCTYPE the prolog guard missed opens nothing: the resolver refuses every load."""
    doctype, root = DECLARATIONS[declaration]
    _refused_alike((doctype.format(trap) + root).encode())


@pytest.mark.usefixtures("parser_alone")
def test_parser_alone_does_not_read_a_pipe_through_proc() -> None:
    read_end, write_end = os.pipe()
    try:
        _refused_alike(f'<!DOCTYPE a SYSTEM "/proc/self/fd/{read_end}"><a/>'.encode())
    finally:
        os.close(write_end)  # a reader stuck on the pipe gets end-of-file
        os.close(read_end)


@pytest.mark.parametrize("guard", ["prolog-guard", "parser-alone"])
def test_existing_missing_directory_and_fifo_get_one_answer(
    guard: str, tmp_path: Path, trap: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer says nothing about the server's files: same code, same text, whatever the path."""
    if guard == "parser-alone":
        monkeypatch.setattr(xmlparse, "_refuse_declarations", lambda data: None)
    existing = tmp_path / "exists.dtd"
    existing.write_text('<!ENTITY x "y">')
    for target in (existing, Path("/etc/passwd"), tmp_path / "missing.dtd", tmp_path, Path("/root"), trap):
        for doctype, root in DECLARATIONS.values():
            _refused_alike((doctype.format(target) + root).encode())
            _refused_alike(f"<!--{'x' * 5000}-->{doctype.format(target)}{root}".encode("utf-16"))


def test_markup_in_comments_processing_instructions_and_cdata_is_not_a_declaration() -> None:
    data = b'<?decoy <!DOCTYPE a SYSTEM "/etc/passwd">?><!-- <!ENTITY x "y"> --><a><![CDATA[<!ENTITY z>]]></a>'
    assert parse_xml(data).text == "<!ENTITY z>"


@pytest.mark.parametrize("name", ["JAVA", "ARMSCII-8", "UCS-2", "zlib", "rot13", "undefined", "x-unknown"])
def test_declared_encoding_python_cannot_read_is_refused(name: str) -> None:
    """libiconv reads JAVA (``\\u003c!DOCTYPE``), ARMSCII-8 and more that Python has no codec for;
    the guard cannot read them, so the document is refused without being parsed."""
    data = f'<?xml version="1.0" encoding="{name}"?>\\u003c!DOCTYPE a SYSTEM "/etc/passwd"><a/>'.encode()
    with pytest.raises(HubError) as info:
        parse_xml(data)
    assert info.value.code == "FMT900001"
    assert info.value.detail is not None and "не поддерживается" in info.value.detail


def test_libxml2_refuses_ebcdic() -> None:
    """Pins the one first-bytes detection the guard does not mirror: this libxml2 cannot read
    EBCDIC at all. An upgrade that starts reading it fails here first."""
    data = '<?xml version="1.0" encoding="IBM037"?><!DOCTYPE a SYSTEM "/etc/passwd"><a/>'.encode("cp037")
    with pytest.raises(HubError) as info:
        parse_xml(data)
    assert info.value.code == "FMT900001"
    assert "EBCDIC" in (info.value.detail or "")


@pytest.mark.parametrize(
    "prolog", [b"<!---->" * 2_000_000, b"<?p?>" * 3_000_000, b" " * 15_000_000, b"<!--" + b"x" * 15_000_000]
)
def test_long_prolog_costs_one_pass(prolog: bytes) -> None:
    """A 15 MB prolog of tiny items is read in one pass (≈ 0.1-0.5 s here); a copy per item
    would take minutes."""
    within(10, lambda: xmlparse._refuse_declarations(prolog + b"<a/>"))
