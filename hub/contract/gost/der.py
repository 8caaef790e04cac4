"""A tiny DER reader and writer: just what GOST certificates need.

Why not asn1crypto or ``cryptography``: ``cryptography`` loads a GOST certificate but refuses its
public key (``UnsupportedAlgorithm: Unknown key type 1.2.643.7.1.1.1.1``), and asn1crypto 1.5.1
raises ``KeyError`` on the GOST key OIDs as soon as the SubjectPublicKeyInfo is touched. The
hub needs three things from the DER – the TBSCertificate bytes, the key algorithm with its
parameters, the key's OCTET STRING – and, for the test CA, the writer's handful of types. That is
less code than adapting asn1crypto's classes (which also has no type hints). Names, dates and
extensions are left to ``cryptography``, which reads them from the same DER.

Only definite lengths and single-byte tags (all X.509 uses) are accepted; anything else is a
``ValueError``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18


@dataclass(frozen=True)
class Tlv:
    """One DER element: its tag, its content and its whole encoding."""

    tag: int
    content: bytes
    encoded: bytes

    def children(self) -> list[Tlv]:
        """The elements of a constructed type (SEQUENCE, SET, [n] EXPLICIT)."""
        if not self.tag & 0x20:
            raise ValueError(f"DER tag 0x{self.tag:02x} is not constructed")
        items = []
        offset = 0
        while offset < len(self.content):
            item, offset = _read_at(self.content, offset)
            items.append(item)
        return items

    def oid(self) -> str:
        if self.tag != OID or not self.content:
            raise ValueError("DER: an OBJECT IDENTIFIER was expected")
        arcs: list[int] = []
        value = 0
        for byte in self.content:
            value = value << 7 | byte & 0x7F
            if not byte & 0x80:
                arcs.append(value)
                value = 0
        first = min(arcs[0] // 40, 2)
        return ".".join(str(arc) for arc in (first, arcs[0] - 40 * first, *arcs[1:]))

    def bit_string_bytes(self) -> bytes:
        if self.tag != BIT_STRING or not self.content or self.content[0] != 0:
            raise ValueError("DER: a BIT STRING of whole bytes was expected")
        return self.content[1:]


def read(data: bytes) -> Tlv:
    """The single DER element that ``data`` is; ``ValueError`` on anything else."""
    item, end = _read_at(data, 0)
    if end != len(data):
        raise ValueError("DER: bytes after the element")
    return item


def _read_at(data: bytes, offset: int) -> tuple[Tlv, int]:
    if offset + 2 > len(data):
        raise ValueError("DER: truncated element")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise ValueError("DER: multi-byte tags are not supported")
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            raise ValueError("DER: invalid length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise ValueError("DER: truncated element")
    return Tlv(tag, data[start:end], data[offset:end]), end


# --- writing ------------------------------------------------------------------------------------


def encode(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def sequence(*items: bytes) -> bytes:
    return encode(SEQUENCE, b"".join(items))


def explicit(number: int, item: bytes) -> bytes:
    """[number] EXPLICIT, context-specific and constructed."""
    return encode(0xA0 | number, item)


def integer(value: int) -> bytes:
    size = value.bit_length() // 8 + 1  # room for the sign bit
    return encode(INTEGER, value.to_bytes(size, "big", signed=True))


def oid(dotted: str) -> bytes:
    arcs = [int(part) for part in dotted.split(".")]
    body = bytearray()
    for arc in (40 * arcs[0] + arcs[1], *arcs[2:]):
        chunk = [arc & 0x7F]
        rest = arc >> 7
        while rest:
            chunk.append(0x80 | rest & 0x7F)
            rest >>= 7
        body.extend(reversed(chunk))
    return encode(OID, bytes(body))


def octet_string(value: bytes) -> bytes:
    return encode(OCTET_STRING, value)


def bit_string(value: bytes) -> bytes:
    return encode(BIT_STRING, b"\x00" + value)


def time(moment: dt.datetime) -> bytes:
    """UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5)."""
    moment = moment.astimezone(dt.UTC)
    if moment.year < 2050:
        return encode(UTC_TIME, moment.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return encode(GENERALIZED_TIME, moment.strftime("%Y%m%d%H%M%SZ").encode("ascii"))
