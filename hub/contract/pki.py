"""Keys and X.509 certificates: loading signing identities, fingerprints, a small test CA.

Why this module exists:

* The hub identifies a certificate by the SHA-256 of its DER encoding (:func:`fingerprint`),
  never by issuer/serial or subject: two different certificates cannot share it, and a client
  cannot choose it.
* Loading an RSA-2048 private key from PEM costs ~30 ms (key validation), too much per signed
  response. :meth:`SigningIdentity.from_pem_files` caches the loaded identity keyed by path and
  modification time, so replacing the files on disk takes effect without a restart.
* Demo and test PKIs are built here (``samples/make_demo_pki.py``, ``tests/pki_factory.py``)
  with the same code, so what the tests sign with is what the demo signs with. There is no
  certificate chain validation here: the hub trusts a certificate because it is registered to
  an organization (DESIGN §4), not because some CA issued it.

Supported key types: RSA (2048 bits by default) and ECDSA on NIST P-256 or larger curves. GOST
keys come in a later issue.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
KeyKind = Literal["rsa", "ec"]

#: Default validity of issued certificates when the caller gives no window.
DEFAULT_VALIDITY = dt.timedelta(days=365)
#: Leeway before "now" for ``not_before`` so a freshly issued certificate is valid on a clock
#: that is slightly behind.
_BACKDATE = dt.timedelta(minutes=5)


if TYPE_CHECKING:
    from hub.contract.gost.issuing import GostIdentity

#: an identity that signs: RSA/ECDSA (:class:`SigningIdentity`) or GOST R 34.10-2012
#: (``hub.contract.gost``; the hub's responses with ``HUB_SIGNING_KEY``, ``hub send --key``)
AnyIdentity: TypeAlias = "SigningIdentity | GostIdentity"


@dataclass(frozen=True)
class SigningIdentity:
    """A private key with its certificate: what the hub or a test client signs with."""

    private_key: PrivateKey
    certificate: x509.Certificate
    certificate_pem: bytes

    @classmethod
    def from_key_and_certificate(cls, key: PrivateKey, certificate: x509.Certificate) -> SigningIdentity:
        return cls(key, certificate, certificate.public_bytes(serialization.Encoding.PEM))

    @classmethod
    def from_pem(cls, key_pem: bytes, cert_pem: bytes) -> SigningIdentity:
        """Build from PEM bytes (unencrypted PKCS#8 or traditional key)."""
        key = serialization.load_pem_private_key(key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"unsupported private key type {type(key).__name__}: use RSA or ECDSA")
        certificate = load_certificate(cert_pem)
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        if certificate.public_key().public_bytes(der, spki) != key.public_key().public_bytes(der, spki):
            raise ValueError("the certificate does not belong to the private key")
        return cls(key, certificate, certificate.public_bytes(serialization.Encoding.PEM))

    @classmethod
    def from_pem_files(cls, key_path: str | os.PathLike[str], cert_path: str | os.PathLike[str]) -> SigningIdentity:
        """Load (cached by path and modification time: a replaced file is reloaded)."""
        key_file, cert_file = Path(key_path).resolve(), Path(cert_path).resolve()
        return _load_identity(str(key_file), key_file.stat().st_mtime_ns, str(cert_file), cert_file.stat().st_mtime_ns)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def private_key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


@functools.lru_cache(maxsize=32)
def _load_identity(key_path: str, _key_mtime: int, cert_path: str, _cert_mtime: int) -> SigningIdentity:
    return SigningIdentity.from_pem(Path(key_path).read_bytes(), Path(cert_path).read_bytes())


def fingerprint(certificate: x509.Certificate) -> str:
    """Lowercase hex SHA-256 of the certificate's DER: how the hub names a certificate."""
    return certificate.fingerprint(hashes.SHA256()).hex()


#: the weakest keys the hub accepts signatures from (signature verification and ``hub cert add``)
MIN_RSA_BITS = 2048
EC_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1"})


def key_profile(certificate: x509.Certificate) -> tuple[str, int, str]:
    """("rsa"|"ec"|another key type's name, size in bits, curve name) of the public key."""
    try:
        key = certificate.public_key()
    except (UnsupportedAlgorithm, ValueError):
        return ("unknown", 0, "")
    if isinstance(key, rsa.RSAPublicKey):
        return ("rsa", key.key_size, "")
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ("ec", key.key_size, key.curve.name)
    return (type(key).__name__, 0, "")


def key_weakness(certificate: x509.Certificate) -> str | None:
    """Why signatures made with this certificate's key would be refused (Russian), or None."""
    # Imported here: the gost package reuses hub.contract.signature, which imports this module.
    from hub.contract.gost.certificate import is_gost_key, read_certificate

    if is_gost_key(certificate):
        try:
            read_certificate(certificate.public_bytes(serialization.Encoding.DER))
        except ValueError as exc:
            return f"Ключ ГОСТ Р 34.10-2012 не читается: {exc}"
        return None
    kind, size, curve = key_profile(certificate)
    if kind == "rsa":
        return f"Ключ RSA длиной {size} бит, требуется не менее {MIN_RSA_BITS}" if size < MIN_RSA_BITS else None
    if kind == "ec":
        return None if curve in EC_CURVES else f"Кривая ECDSA {curve} не поддерживается (допустимы P-256, P-384, P-521)"
    return f"Тип ключа сертификата ({kind}) не поддерживается: нужен ГОСТ Р 34.10-2012, RSA или ECDSA"


def load_certificate(pem_or_der: bytes) -> x509.Certificate:
    """One certificate from PEM (or DER, when the bytes are not PEM)."""
    if b"-----BEGIN" in pem_or_der:
        return x509.load_pem_x509_certificate(pem_or_der)
    return x509.load_der_x509_certificate(pem_or_der)


def generate_private_key(kind: KeyKind = "rsa", *, rsa_key_size: int = 2048) -> PrivateKey:
    """A fresh key: RSA (``rsa_key_size`` bits) or ECDSA P-256. RSA generation takes 50–300 ms."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=rsa_key_size)
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str, organization: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "RU")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _window(
    not_before: dt.datetime | None, not_after: dt.datetime | None, validity: dt.timedelta
) -> tuple[dt.datetime, dt.datetime]:
    start = not_before or dt.datetime.now(dt.UTC) - _BACKDATE
    return start, not_after or start + validity


def create_ca(
    common_name: str = "Тестовый УЦ zhkh-hub (ТОЛЬКО ДЛЯ ТЕСТОВ)",
    *,
    organization: str | None = None,
    key: PrivateKey | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    validity: dt.timedelta = DEFAULT_VALIDITY,
) -> SigningIdentity:
    """A self-signed CA certificate with its key (for demo and test PKIs only)."""
    key = key or generate_private_key("rsa")
    start, end = _window(not_before, not_after, validity)
    name = _name(common_name, organization)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return SigningIdentity.from_key_and_certificate(key, certificate)


def issue_certificate(
    ca: SigningIdentity,
    *,
    common_name: str,
    organization: str | None = None,
    kind: KeyKind = "rsa",
    rsa_key_size: int = 2048,
    key: PrivateKey | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    validity: dt.timedelta = DEFAULT_VALIDITY,
) -> SigningIdentity:
    """An end-entity signing certificate issued by ``ca`` (pass ``key`` to reuse a key).

    ``not_before``/``not_after`` set the window exactly, so tests can issue expired or
    not-yet-valid certificates.
    """
    key = key or generate_private_key(kind, rsa_key_size=rsa_key_size)
    start, end = _window(not_before, not_after, validity)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    return SigningIdentity.from_key_and_certificate(key, certificate)


def write_pem_files(
    identity: SigningIdentity, key_path: str | os.PathLike[str], cert_path: str | os.PathLike[str]
) -> None:
    """Write the key (PKCS#8, unencrypted, mode 0600) and the certificate as PEM files."""
    key_file, cert_file = Path(key_path), Path(cert_path)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    cert_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(identity.private_key_pem)
    key_file.chmod(0o600)
    cert_file.write_bytes(identity.certificate_pem)
