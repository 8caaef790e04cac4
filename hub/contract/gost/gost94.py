"""GOST R 34.11-94 with the CryptoPro parameter set, in pure Python.

Why it exists: every real GIS client (CryptoPro .NET, HCA 2022) digests ``xades:SignedProperties``
with the legacy XML-DSig URI ``http://www.w3.org/2001/04/xmldsig-more#gostr3411`` and means it: the
value is GOST R 34.11-94, CryptoPro parameters (``id-GostR3411-94-CryptoProParamSet``,
1.2.643.2.2.30.1, RFC 4357 §11.2), not Streebog (issue 21, pinned by the real samples in
tests/contract/test_gost.py). No maintained PyPI package has it (gostcrypto stops at 2012). It only
ever digests a SignedProperties element (a few hundred bytes), so speed does not matter: ≈ 60 µs per
32-byte block.

The algorithm is RFC 5831 (step function: key generation with the A and P transforms, four
GOST 28147-89 encryptions, the ψ shuffle; then the length and the control sum). Byte strings are
read as little-endian numbers, as in every implementation whose output XML-DSig carries, so the
256-bit state is one Python integer.
"""

from __future__ import annotations

from collections.abc import Sequence

_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1
_M256 = (1 << 256) - 1

#: RFC 4357 §11.2, id-GostR3411-94-CryptoProParamSet: row i substitutes the i-th 4-bit group
#: (from the least significant) of the GOST 28147-89 round function's input.
CRYPTOPRO_SBOX: tuple[tuple[int, ...], ...] = (
    (10, 4, 5, 6, 8, 1, 3, 7, 13, 12, 14, 0, 9, 2, 11, 15),
    (5, 15, 4, 0, 2, 13, 11, 9, 1, 7, 6, 3, 12, 14, 10, 8),
    (7, 15, 12, 14, 9, 4, 1, 0, 3, 11, 5, 2, 6, 10, 8, 13),
    (4, 10, 7, 12, 0, 15, 2, 8, 14, 1, 6, 5, 13, 11, 9, 3),
    (7, 6, 4, 11, 9, 12, 2, 10, 1, 8, 0, 14, 15, 13, 3, 5),
    (7, 6, 2, 4, 13, 9, 15, 0, 10, 1, 5, 11, 8, 14, 12, 3),
    (13, 14, 4, 1, 7, 0, 5, 10, 3, 12, 8, 15, 6, 2, 9, 11),
    (1, 3, 10, 9, 5, 11, 4, 15, 8, 6, 7, 14, 13, 0, 2, 12),
)

#: RFC 5831 §6.1: C_3 (C_2 = C_4 = 0), written big-endian as in the RFC.
_C3 = 0xFF00FFFF000000FFFF0000FF00FFFF0000FF00FF00FF00FFFF00FF00FF00FF00
#: RFC 5831 §6.1: transform P moves byte 8i + k of its input to byte i + 4k (0-based, i < 4, k < 8).
_P_SOURCE = tuple(sorted(range(32), key=lambda source: (source % 8) * 4 + source // 8))


def gostr3411_94(data: bytes, sbox: Sequence[Sequence[int]] = CRYPTOPRO_SBOX) -> bytes:
    """The GOST R 34.11-94 digest (32 bytes) of ``data``; CryptoPro parameters unless ``sbox`` says
    otherwise (RFC 5831's examples use the "test" S-box). The starting hash value is zero."""
    tables = _round_tables(tuple(tuple(row) for row in sbox))
    h = 0
    checksum = 0
    for offset in range(0, len(data), 32):
        chunk = data[offset : offset + 32]  # the last one is zero-padded: high bytes when read LE
        block = int.from_bytes(chunk, "little")
        h = _step(h, block, tables)
        checksum = (checksum + block) & _M256
    h = _step(h, (8 * len(data)) & _M256, tables)
    h = _step(h, checksum, tables)
    return h.to_bytes(32, "little")


_TABLE_CACHE: dict[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]] = {}


def _round_tables(sbox: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """Four byte-indexed tables giving the substituted and 11-bit-rotated round value per input byte."""
    tables = _TABLE_CACHE.get(sbox)
    if tables is None:
        built = []
        for position in range(4):
            low, high = sbox[2 * position], sbox[2 * position + 1]
            row = []
            for byte in range(256):
                value = (low[byte & 15] | high[byte >> 4] << 4) << (8 * position)
                row.append(((value << 11) | (value >> 21)) & _M32)
            built.append(tuple(row))
        tables = _TABLE_CACHE[sbox] = tuple(built)
    return tables


def _encrypt(block: int, key: int, tables: tuple[tuple[int, ...], ...]) -> int:
    """GOST 28147-89 in simple substitution (ECB) mode, one 64-bit block, the 256-bit key read LE."""
    t0, t1, t2, t3 = tables
    k = [(key >> (32 * i)) & _M32 for i in range(8)]
    n1, n2 = block & _M32, block >> 32
    for subkey in k * 3 + k[::-1]:
        x = (n1 + subkey) & _M32
        n1, n2 = n2 ^ t0[x & 255] ^ t1[(x >> 8) & 255] ^ t2[(x >> 16) & 255] ^ t3[x >> 24], n1
    return n1 << 32 | n2


def _a(y: int) -> int:
    """A(y4‖y3‖y2‖y1) = (y1 ⊕ y2)‖y4‖y3‖y2 over 64-bit words."""
    return (y >> 64) | (((y ^ (y >> 64)) & _M64) << 192)


def _p(y: int) -> int:
    b = y.to_bytes(32, "little")
    return int.from_bytes(bytes(b[source] for source in _P_SOURCE), "little")


def _psi(y: int) -> int:
    """ψ(y16‖…‖y1) = (y1 ⊕ y2 ⊕ y3 ⊕ y4 ⊕ y13 ⊕ y16)‖y16‖…‖y2 over 16-bit words."""
    mixed = y ^ (y >> 16) ^ (y >> 32) ^ (y >> 48) ^ (y >> 192) ^ (y >> 240)
    return (y >> 16) | ((mixed & 0xFFFF) << 240)


def _step(h: int, m: int, tables: tuple[tuple[int, ...], ...]) -> int:
    """The step function χ(M, H) of RFC 5831 §6."""
    u, v = h, m
    keys = [_p(u ^ v)]
    for constant in (0, _C3, 0):
        u = _a(u) ^ constant
        v = _a(_a(v))
        keys.append(_p(u ^ v))
    s = 0
    for i, key in enumerate(keys):
        s |= _encrypt((h >> (64 * i)) & _M64, key, tables) << (64 * i)
    for _ in range(12):
        s = _psi(s)
    s = _psi(m ^ s)
    s = h ^ s
    for _ in range(61):
        s = _psi(s)
    return s
