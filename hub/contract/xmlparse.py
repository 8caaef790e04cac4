"""The one safe XML parser of the hub.

Untrusted bytes are parsed here and nowhere else: no DTD is loaded and any DOCTYPE is refused
(so no entity expansion, internal or external), nothing is fetched from a file or the network,
the input size and the element depth are bounded. Comments and processing instructions are kept:
a signature covers them (exclusive c14n drops comments, and the signature checks rely on seeing
exactly what the client sent).

Why two guards against a DOCTYPE, and why neither is a byte scan: with ``collect_ids=False``
lxml sets ``XML_SKIP_IDS`` in libxml2's ``loadsubset``, and a non-zero ``loadsubset`` makes
libxml2 load the external subset of ``<!DOCTYPE a SYSTEM "…">`` while parsing, whatever
``load_dtd``/``no_network``/``resolve_entities`` say (lxml 6.1, libxml2 2.14). That open leaked
whether a path exists through libxml2's message, and a FIFO as the system id blocked the request
thread for good. A DOCTYPE can hide from a byte scan (past its window, in UTF-16 or UTF-32, in
UTF-7 or libiconv's JAVA encoding behind an ASCII declaration), so:

1. ``_refuse_declarations`` reads the prolog as text, decoded the way libxml2 will decode it
   (lxml's and libxml2's BOM and first-bytes detection, then the declared encoding from the
   end of its value on), and refuses any ``<!`` there that is not a comment. A declared
   encoding Python cannot decode is refused: the guard cannot vouch for text it cannot read.
2. ``_DenyExternalLoads``, a resolver on every parser, answers every load libxml2 asks for
   (external subset, parameter or general entity) with a refusal before anything is opened,
   so even a DOCTYPE the first guard missed opens nothing. ``tests/contract/test_xmlparse.py``
   proves it with the first guard switched off and FIFOs as system ids.

Every DOCTYPE gets one answer, ``FMT900002`` with the catalogue text only: no libxml2 message
and no path, so the answer says nothing about the server's files.

Cost (2-core machine under other jobs' load, medians, a SOAP envelope of many small elements):
the prolog guard takes 10-17 µs per message whatever its size: ≤ 0.2 % of a 1 MB message's
parse (8-17 ms) and 0.005 % of a 15 MB one's (210-340 ms); the resolver adds 0.4 µs per
parser. The byte scans it replaces cost 0.7 ms per MB (a search of the whole body for
``<!ENTITY``), so ``parse_xml`` as a whole got no slower. A pathological 15 MB prolog (millions
of tiny comments or processing instructions) is read in one pass, 0.1-0.5 s, less than libxml2
then takes to parse it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from hub.contract.libxml_ru import parse_message
from hub.errors import E, HubError

#: libxml2 (without XML_PARSE_HUGE, which the hub never sets) refuses documents deeper than this
#: while parsing; a configured limit at or above it needs no walk of the tree after the parse
#: (≈ 0.25 ms for a 127 KB message). tests/contract/test_xmlparse.py pins the value.
_LIBXML2_MAX_DEPTH = 256

#: Byte-order marks and first bytes by which lxml or libxml2 fix the encoding before reading
#: the XML declaration (whose ``encoding`` is then ignored), with the bytes each skips.
_DETECTED: tuple[tuple[bytes, str, int], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"<\x00\x00\x00", "utf-32-le", 0),
    (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"\xef\xbb\xbf", "utf-8", 3),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"<\x00?\x00", "utf-16-le", 0),
    (b"\x00<\x00?", "utf-16-be", 0),
)

#: The ``encoding`` of the XML declaration at the start; libxml2 switches right after its value.
_XML_DECLARATION = re.compile(rb"<\?xml\s")
_ENCODING = re.compile(rb"encoding\s*=\s*(['\"])([A-Za-z][A-Za-z0-9._-]*)\1")

#: Codecs whose byte order a name may leave open: libxml2 takes little-endian UTF-16 and
#: big-endian UTF-32 where a BOM does not say; Python's codecs differ, so both orders are read.
_EITHER_ORDER = {"utf-16": ("utf-16-le", "utf-16-be"), "utf-32": ("utf-32-le", "utf-32-be")}

#: A run of complete prolog items that declare nothing: whitespace (any Unicode blank, a lenient
#: superset of XML's), comments, processing instructions. Possessive: no backtracking state.
_PROLOG_ITEMS = re.compile(r"(?:\s++|<(?:!--.*?--|\?.*?\?)>)*+", re.DOTALL)
_CLOSERS = {"<!--": "-->", "<?": "?>"}

_FIRST_CHUNK = 1024
_LARGEST_CHUNK = 256 * 1024


@dataclass(frozen=True, kw_only=True)
class ParseLimits:
    """Bounds for one parse. Defaults match the hub's configuration defaults."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 256


DEFAULT_LIMITS = ParseLimits()


@dataclass(frozen=True)
class _Reading:
    """One way libxml2 may decode the document: ``head`` as is, the bytes from ``offset`` on
    with ``codec``."""

    head: str
    offset: int
    codec: str


class _ExternalLoadRefusedError(Exception):
    """Raised by the resolver instead of letting libxml2 open an external resource."""


class _DenyExternalLoads(etree.Resolver):
    """Refuses every external load, so libxml2 never opens a file, a device or a URL.

    Without a resolver that answers, lxml falls back to libxml2's own loader, which opens the
    system id; raising here is what stops it (returning nothing would let that fallback run).
    """

    def resolve(self, system_url: str, public_id: str, context: Any = None) -> None:
        raise _ExternalLoadRefusedError


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe across threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        collect_ids=False,
    )
    parser.resolvers.add(_DenyExternalLoads())
    return parser


def _unsupported_encoding(name: str) -> HubError:
    return HubError(E.FMT900001, f"Кодировка «{name}» не поддерживается")


def _end_of_declaration(data: bytes) -> int:
    end = data.find(b"?>")
    return len(data) if end < 0 else end


def _declared_readings(data: bytes) -> list[_Reading]:
    """How libxml2 reads a document it did not recognise by its first bytes: as UTF-8, switching
    to the declared encoding right after the declaration's ``encoding`` value."""
    declaration = _XML_DECLARATION.match(data)
    match = declaration and _ENCODING.search(data, declaration.end(), _end_of_declaration(data))
    if not match:
        return [_Reading("", 0, "utf-8")]
    name = match.group(2).decode("ascii")
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise _unsupported_encoding(name) from None
    if not info._is_text_encoding:  # zlib, rot13, …: what str.encode itself refuses
        raise _unsupported_encoding(name)
    head = data[: match.end()].decode("latin-1")
    return [_Reading(head, match.end(), codec) for codec in _EITHER_ORDER.get(info.name, (info.name,))]


def _readings(data: bytes) -> list[_Reading]:
    """Every decoding libxml2 may apply to ``data``; the prolog guard reads each of them."""
    for mark, codec, skip in _DETECTED:
        if data.startswith(mark):
            return [_Reading("", skip, codec)]
    return _declared_readings(data)


def _decoded(data: bytes, reading: _Reading) -> Iterator[str]:
    """The text of one reading, in growing pieces: the prolog is usually short, so a typical
    message decodes one small chunk; a long prolog costs one pass over it."""
    yield reading.head
    try:
        decoder = codecs.getincrementaldecoder(reading.codec)(errors="replace")
        offset, size = reading.offset, _FIRST_CHUNK
        while offset < len(data):
            chunk = data[offset : offset + size]
            offset += len(chunk)
            yield decoder.decode(chunk, final=offset >= len(data))
            size = min(size * 4, _LARGEST_CHUNK)
    except UnicodeError as exc:  # a codec that refuses even with errors="replace"
        raise _unsupported_encoding(reading.codec) from exc


def _prolog_declares(pieces: Iterator[str]) -> bool:
    """True when a ``<!`` other than a comment comes before the first element.

    Whitespace, comments and processing instructions (the XML declaration among them) are
    skipped; the walk stops at anything else, where libxml2 either starts the root element or
    fails, neither of which reads a declaration. One regex skips the complete items of a piece
    (in C: a prolog of a million tiny comments is no loop in Python); an item the piece leaves
    open is closed by a search in the next pieces, so a long comment is read once.
    """
    buffer, pos, closer = "", 0, ""
    for piece in pieces:
        buffer, pos = buffer[pos:] + piece, 0
        if closer:
            end = buffer.find(closer)
            if end < 0:
                pos = max(0, len(buffer) - len(closer) + 1)  # keep what may start the closer
                continue
            pos, closer = end + len(closer), ""
        skipped = _PROLOG_ITEMS.match(buffer, pos)
        pos = skipped.end() if skipped else pos
        if len(buffer) - pos < 4 and "<!--".startswith(buffer[pos:]):
            continue  # an opener may continue in the next piece
        for opener in ("<!--", "<?"):
            if buffer.startswith(opener, pos):  # its closer is not in this piece
                closer = _CLOSERS[opener]
                pos = len(buffer) - len(closer) + 1
                break
        else:
            return buffer.startswith("<!", pos)
    return False  # the input ended inside the prolog: libxml2 fails it as malformed


def _refuse_declarations(data: bytes) -> None:
    """Raise ``FMT900002`` when the prolog, read as libxml2 reads it, holds a DOCTYPE (or any
    markup declaration), wherever it sits and however the document is encoded."""
    if any(_prolog_declares(_decoded(data, reading)) for reading in _readings(data)):
        raise HubError(E.FMT900002)


def _depth_exceeds(root: etree._Element, max_depth: int) -> bool:
    """True when some element sits deeper than ``max_depth`` (root = depth 1).

    One XPath evaluated in C, level by level: O(elements), no Python loop per element.
    """
    path = "/*" * (max_depth + 1)
    return bool(root.getroottree().xpath(f"boolean({path})"))


def _build_tree(data: bytes, limits: ParseLimits) -> etree._Element:
    """libxml2's parse, its failures translated into the catalogue."""
    try:
        return etree.fromstring(data, parser=_parser())
    except _ExternalLoadRefusedError:
        raise HubError(E.FMT900002) from None
    except etree.XMLSyntaxError as exc:
        text = str(exc)
        if "Excessive depth" in text:
            raise HubError(E.FMT900003, f"Допустимо не более {limits.max_depth} уровней") from exc
        if "doctype" in text.lower() or "entity" in text.lower():
            raise HubError(E.FMT900002) from None
        line = exc.lineno or 0
        column = exc.offset or 0
        raise HubError(E.FMT900001, parse_message(text), where=f"строка {line}, позиция {column}") from exc


def parse_xml(data: bytes, *, limits: ParseLimits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted bytes into an element tree, or raise a catalogued ``HubError``."""
    if not data or not data.strip():
        raise HubError(E.FMT900008)
    if len(data) > limits.max_bytes:
        raise HubError(E.FMT900004, f"Размер {len(data)} байт, допустимо не более {limits.max_bytes}")
    _refuse_declarations(data)
    root = _build_tree(data, limits)
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise HubError(E.FMT900002)
    if limits.max_depth < _LIBXML2_MAX_DEPTH and _depth_exceeds(root, limits.max_depth):
        raise HubError(E.FMT900003, f"Допустимо не более {limits.max_depth} уровней")
    return root
