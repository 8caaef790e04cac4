"""Issuing GOST certificates: a small CA for tests, the demo and benchmarks.

Why by hand: no Python library on PyPI writes GOST certificates (``cryptography`` has no GOST
keys; asn1crypto cannot even read them, see :mod:`.der`). The structure is RFC 5280's, with the
GOST parts of RFC 4491 / R 1323565.1.023: key algorithm 1.2.643.7.1.1.1.1 (or .2 for 512 bits)
with SEQUENCE{curve, digest} parameters, the key as an OCTET STRING of X‖Y little-endian inside
the BIT STRING, and the signature (GOST R 34.10-2012 over Streebog of the TBSCertificate) as s‖r.
Names and extensions are encoded by ``cryptography``, so they are exactly what the RSA/ECDSA
test PKI (:mod:`hub.contract.pki`) writes.

``openssl x509 -text`` and ``openssl verify`` with the gost provider accept what this writes
(checked by hand with gost-engine 3.0.1; tests/contract/test_gost_certificate.py does it when the
provider is installed).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from hub.contract.gost import der, digests, gost3410
from hub.contract.gost.certificate import (
    DIGEST_2012_256,
    KEY_2012_256,
    KEY_2012_512,
    SIGN_2012_256,
    SIGN_2012_512,
    GostCertificate,
    read_certificate,
)
from hub.contract.gost.gost3410 import Curve

DEFAULT_VALIDITY = dt.timedelta(days=365)
_BACKDATE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class GostIdentity:
    """A GOST private key with its certificate: what a test client (or the hub) signs with."""

    private_key: int
    certificate: GostCertificate

    @property
    def curve(self) -> Curve:
        return self.certificate.curve

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint

    @property
    def certificate_pem(self) -> bytes:
        """The certificate as PEM (what ``/hub/certificate.pem`` publishes)."""
        return self.certificate.certificate.public_bytes(Encoding.PEM)


def create_ca(
    common_name: str,
    *,
    curve: Curve = gost3410.CRYPTOPRO_A,
    curve_oid: str = "1.2.643.2.2.35.1",
    validity: dt.timedelta = DEFAULT_VALIDITY,
) -> GostIdentity:
    """A self-signed CA certificate with a fresh key."""
    return issue_certificate(
        None, common_name=common_name, curve=curve, curve_oid=curve_oid, ca=True, validity=validity
    )


def issue_certificate(
    issuer: GostIdentity | None,
    *,
    common_name: str,
    organization: str | None = None,
    curve: Curve = gost3410.CRYPTOPRO_A,
    curve_oid: str = "1.2.643.2.2.36.0",
    private_key: int | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    validity: dt.timedelta = DEFAULT_VALIDITY,
    ca: bool = False,
) -> GostIdentity:
    """A certificate for ``private_key`` (fresh if None) signed by ``issuer`` (self-signed if None).

    The default curve OID is the one real client certificates carry (CryptoPro-XchA,
    1.2.643.2.2.36.0, the CryptoPro-A curve).
    """
    if gost3410.CURVES_BY_OID.get(curve_oid) != curve:
        raise ValueError(f"{curve_oid} does not name the curve {curve.name}")
    key = private_key if private_key is not None else gost3410.generate_private_key(curve)
    start = not_before or dt.datetime.now(dt.UTC) - _BACKDATE
    end = not_after or start + validity
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    subject = x509.Name(attributes)
    signer_curve = issuer.curve if issuer else curve
    signer_key = issuer.private_key if issuer else key
    issuer_name = issuer.certificate.certificate.subject if issuer else subject
    signature_algorithm = der.sequence(der.oid(SIGN_2012_512 if signer_curve.size == 64 else SIGN_2012_256))
    tbs = der.sequence(
        der.explicit(0, der.integer(2)),  # v3
        der.integer(secrets.randbits(120) | 1 << 120),
        signature_algorithm,
        issuer_name.public_bytes(),
        der.sequence(der.time(start), der.time(end)),
        subject.public_bytes(),
        _public_key_info(curve, curve_oid, gost3410.public_key(curve, key)),
        der.explicit(3, der.sequence(*_extensions(ca))),
    )
    digest = digests.streebog512(tbs) if signer_curve.size == 64 else digests.streebog256(tbs)
    signature = gost3410.sign(signer_curve, signer_key, digest)
    encoded = der.sequence(tbs, signature_algorithm, der.bit_string(signature))
    return GostIdentity(key, read_certificate(encoded))


def _public_key_info(curve: Curve, curve_oid: str, point: gost3410.Point) -> bytes:
    if curve.size == 64:
        algorithm = der.sequence(der.oid(KEY_2012_512), der.sequence(der.oid(curve_oid)))
    else:
        algorithm = der.sequence(der.oid(KEY_2012_256), der.sequence(der.oid(curve_oid), der.oid(DIGEST_2012_256)))
    return der.sequence(algorithm, der.bit_string(der.octet_string(gost3410.encode_public_key(curve, point))))


def _extensions(ca: bool) -> list[bytes]:
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    constraints = x509.BasicConstraints(ca=ca, path_length=None)
    return [
        _extension(constraints.oid.dotted_string, constraints.public_bytes(), critical=True),
        _extension(usage.oid.dotted_string, usage.public_bytes(), critical=True),
    ]


def _extension(oid: str, value: bytes, *, critical: bool) -> bytes:
    return der.sequence(der.oid(oid), *([der.encode(0x01, b"\xff")] if critical else []), der.octet_string(value))
