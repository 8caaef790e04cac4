"""The hub's own file format for a GOST R 34.10-2012 key, and the certificate beside it.

``cryptography`` cannot hold a GOST key and CryptoPro's containers are not an open format, so
an operator who wants the hub's responses GOST-signed (``HUB_SIGNING_KEY``) or ``hub send`` to
sign with GOST gives the private key as a PEM block of its own label — the scalar, big-endian,
32 or 64 bytes — and the certificate as an ordinary ``CERTIFICATE`` PEM. ``hub cert
new-hub-key --gost`` writes such a pair; the curve comes from the certificate.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from hub.contract.gost import gost3410
from hub.contract.gost.certificate import read_certificate
from hub.contract.gost.issuing import GostIdentity

KEY_LABEL = "GOST R 34.10-2012 PRIVATE KEY"
_BEGIN, _END = f"-----BEGIN {KEY_LABEL}-----", f"-----END {KEY_LABEL}-----"
_CERT_BEGIN, _CERT_END = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"


def is_gost_key(pem: bytes) -> bool:
    """True when ``pem`` is a key in this format (any other key goes to ``cryptography``)."""
    return _BEGIN.encode() in pem


def _block(text: str, begin: str, end: str) -> bytes:
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ValueError(f"no {begin.strip('-')} block")
    return base64.b64decode("".join(text[start + len(begin) : stop].split()), validate=True)


def read_identity(key_pem: bytes, cert_pem: bytes) -> GostIdentity:
    """The identity of a key file and its certificate; ``ValueError`` when they do not belong together."""
    scalar = _block(key_pem.decode("ascii"), _BEGIN, _END)
    cert_text = cert_pem.decode("ascii", errors="replace")
    certificate = read_certificate(_block(cert_text, _CERT_BEGIN, _CERT_END) if _CERT_BEGIN in cert_text else cert_pem)
    if len(scalar) != certificate.curve.size:
        raise ValueError(f"the key has {len(scalar)} bytes, the certificate's curve needs {certificate.curve.size}")
    identity = GostIdentity(int.from_bytes(scalar, "big"), certificate)
    if gost3410.public_key(identity.curve, identity.private_key) != certificate.public_key:
        raise ValueError("the key does not belong to the certificate")
    return identity


def read_identity_files(key_path: Path, cert_path: Path) -> GostIdentity:
    return read_identity(key_path.read_bytes(), cert_path.read_bytes())


def key_pem(identity: GostIdentity) -> bytes:
    scalar = identity.private_key.to_bytes(identity.curve.size, "big")
    body = base64.encodebytes(scalar).decode("ascii")
    return f"{_BEGIN}\n{body}{_END}\n".encode("ascii")


def write_identity_files(identity: GostIdentity, key_path: Path, cert_path: Path) -> None:
    """Write the pair; the key readable by its owner only."""
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key_pem(identity))
    cert_path.write_bytes(identity.certificate_pem)
