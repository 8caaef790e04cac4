"""Streebog (GOST R 34.11-2012) in pure Python: the fallback when no compiled one is loadable.

Why our own: gostcrypto's implementation (1.2.5) works on ``bytearray`` byte by byte and hashes a
megabyte in ≈ 7.5 s; the only compiled binding on PyPI that computes the right values
(streebog-rs 0.2.0) needs ≈ 1.5 s per MB, holds the GIL for the whole call, ships wheels for
CPython 3.11/3.12 only and declares a build tool (maturin) as its runtime dependency. Here the
512-bit state is one Python integer and the LPS step is one expression over gostcrypto's
precomputed LPS tables (the standard's constants, pinned with gostcrypto): ≈ 2 s per MB, 45 ms
for a 15 KB request. :mod:`hub.contract.gost.digests` uses OpenSSL's GOST provider instead when
the system has it (≈ 15 ms per MB, without the GIL).

Byte order: the standard writes vectors as big-endian numbers; the byte strings hashed and
returned here are the usual little-endian representation (RFC 6986 example M1, the ASCII
``"0123…012"``, gives ``9d151eef…5500``), which is what XML-DSig DigestValues carry.

Pure Python holds the GIL, but the interpreter hands it over every ``sys.getswitchinterval()``
(5 ms): a long hash slows other threads down, it does not freeze them.
"""

from __future__ import annotations

from gostcrypto.gosthash.gost_34_11_2012 import _C, _T

_BLOCK = 64
_MASK = (1 << 512) - 1
_IV_256 = int.from_bytes(b"\x01" * _BLOCK, "little")
_TABLES: tuple[tuple[int, ...], ...] = tuple(tuple(int(value) for value in table) for table in _T)
_T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7 = _TABLES
_ROUND_CONSTANTS: tuple[int, ...] = tuple(int.from_bytes(bytes(c), "little") for c in _C)


def streebog256(data: bytes) -> bytes:
    """The 256-bit Streebog digest of ``data`` (32 bytes)."""
    return _hash(data, _IV_256)[32:]


def streebog512(data: bytes) -> bytes:
    """The 512-bit Streebog digest of ``data`` (64 bytes)."""
    return _hash(data, 0)


def _hash(data: bytes, h: int) -> bytes:
    n = 0
    sigma = 0
    view = memoryview(data)
    full = len(data) - len(data) % _BLOCK
    from_bytes = int.from_bytes
    for offset in range(0, full, _BLOCK):
        block = from_bytes(view[offset : offset + _BLOCK], "little")
        h = _compress(h, n, block)
        n += 512
        sigma += block
    rest = view[full:]
    last = from_bytes(rest, "little") | (1 << (8 * len(rest)))  # pad: 0x01 after the data, zeros up
    h = _compress(h, n & _MASK, last)
    n = (n + 8 * len(rest)) & _MASK
    sigma = (sigma + last) & _MASK
    h = _compress(h, 0, n)
    h = _compress(h, 0, sigma)
    return h.to_bytes(_BLOCK, "little")


def _compress(h: int, n: int, m: int) -> int:
    """g_N(h, m) = E(LPS(h ⊕ N), m) ⊕ h ⊕ m."""
    key = _lps(h ^ n)
    state = m
    for constant in _ROUND_CONSTANTS:
        state = _lps(state ^ key)
        key = _lps(key ^ constant)
    return state ^ key ^ h ^ m


def _lps(x: int) -> int:
    """S (substitution), P (transposition) and L (linear map) at once, by the precomputed tables:
    output word i is the XOR of table j at byte i of input word j."""
    b = x.to_bytes(_BLOCK, "little")
    t0, t1, t2, t3, t4, t5, t6, t7 = _T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7
    return (
        (t0[b[0]] ^ t1[b[8]] ^ t2[b[16]] ^ t3[b[24]] ^ t4[b[32]] ^ t5[b[40]] ^ t6[b[48]] ^ t7[b[56]])
        | (t0[b[1]] ^ t1[b[9]] ^ t2[b[17]] ^ t3[b[25]] ^ t4[b[33]] ^ t5[b[41]] ^ t6[b[49]] ^ t7[b[57]]) << 64
        | (t0[b[2]] ^ t1[b[10]] ^ t2[b[18]] ^ t3[b[26]] ^ t4[b[34]] ^ t5[b[42]] ^ t6[b[50]] ^ t7[b[58]]) << 128
        | (t0[b[3]] ^ t1[b[11]] ^ t2[b[19]] ^ t3[b[27]] ^ t4[b[35]] ^ t5[b[43]] ^ t6[b[51]] ^ t7[b[59]]) << 192
        | (t0[b[4]] ^ t1[b[12]] ^ t2[b[20]] ^ t3[b[28]] ^ t4[b[36]] ^ t5[b[44]] ^ t6[b[52]] ^ t7[b[60]]) << 256
        | (t0[b[5]] ^ t1[b[13]] ^ t2[b[21]] ^ t3[b[29]] ^ t4[b[37]] ^ t5[b[45]] ^ t6[b[53]] ^ t7[b[61]]) << 320
        | (t0[b[6]] ^ t1[b[14]] ^ t2[b[22]] ^ t3[b[30]] ^ t4[b[38]] ^ t5[b[46]] ^ t6[b[54]] ^ t7[b[62]]) << 384
        | (t0[b[7]] ^ t1[b[15]] ^ t2[b[23]] ^ t3[b[31]] ^ t4[b[39]] ^ t5[b[47]] ^ t6[b[55]] ^ t7[b[63]]) << 448
    )
