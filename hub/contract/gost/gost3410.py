"""GOST R 34.10-2012 signatures (256 and 512 bits): verify, sign, key pairs.

Why our own arithmetic: gostcrypto 1.2.5 has the curves (R 1323565.1.024-2019; we take the
parameters from it) but computes in affine coordinates with a recursive extended-Euclid inverse
at every point addition – ≈ 60 ms per verification. Here points are in Jacobian coordinates, the
two scalar multiplications of a verification share one doubling chain (Shamir's trick) and the
only inversions are ``pow(x, -1, p)``: ≈ 3–4 ms per 256-bit verification. It is pure Python, so it
holds the GIL while it runs, handing it over every switch interval (5 ms) like any Python code.

Conventions (those of CryptoPro, RFC 4491 and XML-DSig with GOST; issue 21 verified them on the
real GIS samples):

* the digest is read as a little-endian integer: e = int(digest, LE) mod q, and 1 if that is 0;
* a signature is s‖r, each big-endian, 32 bytes (64 for 512-bit keys);
* a public key is X‖Y, each little-endian (the content of the SubjectPublicKeyInfo OCTET STRING).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from gostcrypto.gostsignature.gost_34_10_2012 import CURVES_R_1323565_1_024_2019 as _TC26

Point = tuple[int, int]
_Jacobian = tuple[int, int, int]  # (X, Y, Z) for the affine point (X/Z², Y/Z³); Z = 0 is infinity
_INFINITY: Final[_Jacobian] = (1, 1, 0)


@dataclass(frozen=True)
class Curve:
    """y² = x³ + ax + b over GF(p); (x, y) generates the subgroup of prime order q."""

    name: str
    p: int
    a: int
    b: int
    q: int
    x: int
    y: int

    @property
    def size(self) -> int:
        """Bytes in a coordinate, a private key, a digest and half a signature: 32 or 64."""
        return 64 if self.q.bit_length() > 256 else 32


def _tc26(name: str, alias: str) -> Curve:
    params = _TC26[name]
    return Curve(alias, params["p"], params["a"], params["b"], params["q"], params["x"], params["y"])


CRYPTOPRO_A = _tc26("id-tc26-gost-3410-2012-256-paramSetB", "CryptoPro-A")
CRYPTOPRO_B = _tc26("id-tc26-gost-3410-2012-256-paramSetC", "CryptoPro-B")
CRYPTOPRO_C = _tc26("id-tc26-gost-3410-2012-256-paramSetD", "CryptoPro-C")
TC26_256_A = _tc26("id-tc26-gost-3410-2012-256-paramSetA", "tc26-256-A")
TC26_512_A = _tc26("id-tc26-gost-3410-12-512-paramSetA", "tc26-512-A")
TC26_512_B = _tc26("id-tc26-gost-3410-12-512-paramSetB", "tc26-512-B")
TC26_512_C = _tc26("id-tc26-gost-3410-2012-512-paramSetC", "tc26-512-C")

#: Curves by the OID a certificate's key parameters name (RFC 4357 §11.4, R 1323565.1.024-2019).
CURVES_BY_OID: Final[dict[str, Curve]] = {
    "1.2.643.2.2.35.1": CRYPTOPRO_A,
    "1.2.643.2.2.35.2": CRYPTOPRO_B,
    "1.2.643.2.2.35.3": CRYPTOPRO_C,
    "1.2.643.2.2.36.0": CRYPTOPRO_A,  # CryptoPro-XchA: the same curve, named for key exchange
    "1.2.643.2.2.36.1": CRYPTOPRO_C,  # CryptoPro-XchB
    "1.2.643.7.1.2.1.1.1": TC26_256_A,
    "1.2.643.7.1.2.1.1.2": CRYPTOPRO_A,
    "1.2.643.7.1.2.1.1.3": CRYPTOPRO_B,
    "1.2.643.7.1.2.1.1.4": CRYPTOPRO_C,
    "1.2.643.7.1.2.1.2.1": TC26_512_A,
    "1.2.643.7.1.2.1.2.2": TC26_512_B,
    "1.2.643.7.1.2.1.2.3": TC26_512_C,
}


def verify(curve: Curve, public_key: Point, digest: bytes, signature: bytes) -> bool:
    """True if ``signature`` (s‖r) is a signature of ``digest`` by the key ``public_key``."""
    size = curve.size
    if len(signature) != 2 * size or len(digest) != size or not is_on_curve(curve, public_key):
        return False
    s = int.from_bytes(signature[:size], "big")
    r = int.from_bytes(signature[size:], "big")
    if not (0 < r < curve.q and 0 < s < curve.q):
        return False
    v = pow(_e(curve, digest), -1, curve.q)
    z1 = s * v % curve.q
    z2 = -r * v % curve.q
    point = _to_affine(curve, _double_scalar(curve, z1, (curve.x, curve.y), z2, public_key))
    return point is not None and point[0] % curve.q == r


def sign(curve: Curve, private_key: int, digest: bytes, *, k: int | None = None) -> bytes:
    """s‖r for ``digest``; ``k`` (the per-signature secret) only for reproducing test vectors."""
    if not 0 < private_key < curve.q:
        raise ValueError("the private key is out of range for this curve")
    if len(digest) != curve.size:
        raise ValueError(f"a {curve.size * 8}-bit key signs a {curve.size * 8}-bit digest")
    e = _e(curve, digest)
    while True:
        nonce = k if k is not None else 1 + secrets.randbelow(curve.q - 1)
        point = _to_affine(curve, _double_scalar(curve, nonce, (curve.x, curve.y), 0, (curve.x, curve.y)))
        assert point is not None
        r = point[0] % curve.q
        s = (r * private_key + nonce * e) % curve.q
        if r and s:
            return s.to_bytes(curve.size, "big") + r.to_bytes(curve.size, "big")
        if k is not None:
            raise ValueError("this k gives r = 0 or s = 0; choose another")


def generate_private_key(curve: Curve) -> int:
    return 1 + secrets.randbelow(curve.q - 1)


def public_key(curve: Curve, private_key: int) -> Point:
    point = _to_affine(curve, _double_scalar(curve, private_key, (curve.x, curve.y), 0, (curve.x, curve.y)))
    assert point is not None
    return point


def encode_public_key(curve: Curve, point: Point) -> bytes:
    """X‖Y little-endian: what the certificate's OCTET STRING holds."""
    return point[0].to_bytes(curve.size, "little") + point[1].to_bytes(curve.size, "little")


def decode_public_key(curve: Curve, raw: bytes) -> Point:
    """The point from X‖Y little-endian; ``ValueError`` if it is not a point of the curve."""
    if len(raw) != 2 * curve.size:
        raise ValueError(f"a {curve.name} public key has {2 * curve.size} bytes, not {len(raw)}")
    point = (int.from_bytes(raw[: curve.size], "little"), int.from_bytes(raw[curve.size :], "little"))
    if not is_on_curve(curve, point):
        raise ValueError(f"the public key is not a point of the curve {curve.name}")
    return point


def is_on_curve(curve: Curve, point: Point) -> bool:
    x, y = point
    p = curve.p
    return 0 <= x < p and 0 <= y < p and (y * y - x * x * x - curve.a * x - curve.b) % p == 0


def _e(curve: Curve, digest: bytes) -> int:
    return int.from_bytes(digest, "little") % curve.q or 1


def _double_scalar(curve: Curve, k1: int, p1: Point, k2: int, p2: Point) -> _Jacobian:
    """k1·P1 + k2·P2 with one shared doubling chain (Shamir's trick)."""
    j1: _Jacobian = (p1[0], p1[1], 1)
    j2: _Jacobian = (p2[0], p2[1], 1)
    both = _add(curve, j1, j2)
    table = {1: j1, 2: j2, 3: both}
    acc = _INFINITY
    for bit in range(max(k1.bit_length(), k2.bit_length()) - 1, -1, -1):
        acc = _double(curve, acc)
        index = (k1 >> bit & 1) | (k2 >> bit & 1) << 1
        if index:
            acc = _add(curve, acc, table[index])
    return acc


def _double(curve: Curve, point: _Jacobian) -> _Jacobian:
    x, y, z = point
    if z == 0 or y == 0:
        return _INFINITY
    p = curve.p
    yy = y * y % p
    s = 4 * x * yy % p
    zz = z * z % p
    m = (3 * x * x + curve.a * zz * zz) % p
    x3 = (m * m - 2 * s) % p
    return x3, (m * (s - x3) - 8 * yy * yy) % p, 2 * y * z % p


def _add(curve: Curve, first: _Jacobian, second: _Jacobian) -> _Jacobian:
    x1, y1, z1 = first
    x2, y2, z2 = second
    if z1 == 0:
        return second
    if z2 == 0:
        return first
    p = curve.p
    z1z1 = z1 * z1 % p
    z2z2 = z2 * z2 % p
    u1 = x1 * z2z2 % p
    u2 = x2 * z1z1 % p
    s1 = y1 * z2 * z2z2 % p
    s2 = y2 * z1 * z1z1 % p
    if u1 == u2:
        return _double(curve, first) if s1 == s2 else _INFINITY
    h = (u2 - u1) % p
    hh = h * h % p
    hhh = h * hh % p
    r = (s2 - s1) % p
    v = u1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    return x3, (r * (v - x3) - s1 * hhh) % p, h * z1 * z2 % p


def _to_affine(curve: Curve, point: _Jacobian) -> Point | None:
    x, y, z = point
    if z == 0:
        return None
    inverse = pow(z, -1, curve.p)
    inverse2 = inverse * inverse % curve.p
    return x * inverse2 % curve.p, y * inverse2 * inverse % curve.p
