"""GOST certificates: the public key and curve for verification, the facts the hub registers.

``cryptography`` reads everything in a GOST certificate but its key (see :mod:`.der`), so a
:class:`GostCertificate` carries both: ``cryptography``'s ``x509.Certificate`` for the subject,
issuer, serial number and validity window – the same object the RSA/ECDSA path hands on, so the
registry and ``hub cert add`` treat both alike – and the GOST key read from the DER here. Its
fingerprint is the hub's usual name for a certificate: the lowercase hex SHA-256 of the DER
(:func:`hub.contract.pki.fingerprint`).

Accepted keys: GOST R 34.10-2012 256-bit (1.2.643.7.1.1.1.1) and 512-bit (1.2.643.7.1.1.1.2) on a
curve of :data:`~hub.contract.gost.gost3410.CURVES_BY_OID`. GOST R 34.10-2001 keys are refused:
certificates for them have not been issued since 2019.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Final

from cryptography import x509

from hub.contract.gost import der, digests, gost3410
from hub.contract.gost.gost3410 import Curve, Point

KEY_2012_256: Final = "1.2.643.7.1.1.1.1"
KEY_2012_512: Final = "1.2.643.7.1.1.1.2"
SIGN_2012_256: Final = "1.2.643.7.1.1.3.2"  # GOST R 34.10-2012 with Streebog-256
SIGN_2012_512: Final = "1.2.643.7.1.1.3.3"
DIGEST_2012_256: Final = "1.2.643.7.1.1.2.2"
DIGEST_2012_512: Final = "1.2.643.7.1.1.2.3"
_KEY_SIZES: Final = {KEY_2012_256: 32, KEY_2012_512: 64}


@dataclass(frozen=True)
class GostCertificate:
    """A parsed GOST certificate. Build with :func:`read_certificate`."""

    der: bytes
    certificate: x509.Certificate
    fingerprint: str
    key_algorithm: str
    curve_oid: str
    digest_oid: str | None
    curve: Curve
    public_key: Point
    tbs: bytes
    signature_algorithm: str
    signature: bytes

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        return self.certificate.issuer.rfc4514_string()

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number

    @property
    def not_valid_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_valid_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.not_valid_before <= moment <= self.not_valid_after

    def signed_by(self, issuer: GostCertificate) -> bool:
        """Whether ``issuer``'s key made this certificate's signature (the test CA's chains)."""
        digest = {SIGN_2012_256: digests.streebog256, SIGN_2012_512: digests.streebog512}.get(self.signature_algorithm)
        if digest is None:
            return False
        return gost3410.verify(issuer.curve, issuer.public_key, digest(self.tbs), self.signature)


def is_gost_key(certificate: x509.Certificate) -> bool:
    """Whether the certificate's key is a GOST R 34.10-2012 one (``cryptography`` cannot load it)."""
    return certificate.public_key_algorithm_oid.dotted_string in _KEY_SIZES


def read_certificate(encoded: bytes) -> GostCertificate:
    """Parse a DER certificate with a GOST R 34.10-2012 key; ``ValueError`` says why it is not one."""
    try:
        return _read(bytes(encoded))
    except IndexError as exc:  # a SEQUENCE with fewer elements than the structure has
        raise ValueError("the certificate's GOST structure is incomplete") from exc


@functools.lru_cache(maxsize=256)
def _read(encoded: bytes) -> GostCertificate:
    certificate = x509.load_der_x509_certificate(encoded)  # ValueError when it is no certificate
    top = der.read(encoded).children()
    if len(top) != 3:
        raise ValueError("a certificate is a SEQUENCE of three elements")
    tbs, algorithm, signature = top
    fields = tbs.children()
    if fields and fields[0].tag == 0xA0:  # [0] version
        fields = fields[1:]
    if len(fields) < 6:
        raise ValueError("TBSCertificate is too short")
    key_algorithm, curve_oid, digest_oid, raw_key = _public_key_info(fields[5])
    size = _KEY_SIZES[key_algorithm]
    curve = gost3410.CURVES_BY_OID.get(curve_oid)
    if curve is None:
        raise ValueError(f"unknown GOST curve {curve_oid}")
    if curve.size != size:
        raise ValueError(f"the curve {curve_oid} does not fit the key algorithm {key_algorithm}")
    return GostCertificate(
        der=encoded,
        certificate=certificate,
        fingerprint=hashlib.sha256(encoded).hexdigest(),
        key_algorithm=key_algorithm,
        curve_oid=curve_oid,
        digest_oid=digest_oid,
        curve=curve,
        public_key=gost3410.decode_public_key(curve, raw_key),
        tbs=tbs.encoded,
        signature_algorithm=algorithm.children()[0].oid(),
        signature=signature.bit_string_bytes(),
    )


def _public_key_info(spki: der.Tlv) -> tuple[str, str, str | None, bytes]:
    """(key algorithm, curve, digest or None, X‖Y) of SEQUENCE{SEQUENCE{oid, SEQUENCE{curve,
    digest?}}, BIT STRING{OCTET STRING}} – R 1323565.1.023, RFC 4491 §2.3."""
    algorithm, key = spki.children()
    algorithm_fields = algorithm.children()
    key_algorithm = algorithm_fields[0].oid()
    if key_algorithm not in _KEY_SIZES:
        raise ValueError(f"the key algorithm {key_algorithm} is not GOST R 34.10-2012")
    if len(algorithm_fields) != 2:
        raise ValueError("GOST key parameters are missing")
    parameters = algorithm_fields[1].children()
    digest_oid = parameters[1].oid() if len(parameters) > 1 else None
    octets = der.read(key.bit_string_bytes())
    if octets.tag != der.OCTET_STRING:
        raise ValueError("the GOST public key is not an OCTET STRING")
    return key_algorithm, parameters[0].oid(), digest_oid, octets.content
