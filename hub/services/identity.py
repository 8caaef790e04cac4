"""Who is speaking: the signer of a message, or the system behind a transport connection.

A signature proves the sender; the header's orgPPAGUID is not signed, so it must name the
signer's organization (or one an operator certificate may sign for, with IsOperatorSignature).
getState is unsigned in GIS, so the calling system is identified at the transport level:
HTTP Basic (user = orgPPAGUID, password from ``hub org add``) or the client-certificate
fingerprint a TLS-terminating proxy forwards.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.errors import E, HubError
from hub.services.ports import Directory, Organization

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_password(password: str) -> str:
    """scrypt with a random salt, as ``scrypt$<salt hex>$<hash hex>``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def generate_password() -> str:
    return secrets.token_urlsafe(18)


class PasswordCache:
    """Remembers successful checks so a polling client does not cost an scrypt per request.

    Keys are SHA-256 of (stored hash, password): the cache never holds a password.
    """

    def __init__(self, size: int = 4096) -> None:
        self._ok: dict[str, None] = {}
        self._size = size
        self._lock = threading.Lock()

    def check(self, password: str, stored: str) -> bool:
        key = hashlib.sha256(f"{stored}\0{password}".encode()).hexdigest()
        with self._lock:
            if key in self._ok:
                return True
        if not _check_password(password, stored):
            return False
        with self._lock:
            if len(self._ok) >= self._size:
                self._ok.pop(next(iter(self._ok)))
            self._ok[key] = None
        return True


@dataclass(frozen=True, slots=True)
class SignerClaims:
    """What the message says about its sender (header) and what the signature proved."""

    fingerprint: str
    org_ppaguid: str | None
    is_operator_signature: bool
    header_date: datetime


def authenticate_signer(
    directory: Directory, claims: SignerClaims, *, now: datetime, skew_seconds: int
) -> Organization:
    """The organization on whose behalf a signed message was sent, or a catalogued refusal."""
    cert = directory.certificate(claims.fingerprint)
    if cert is None:
        raise HubError(E.AUT900004, f"Отпечаток SHA-256: {claims.fingerprint}")
    if cert.revoked_at is not None:
        raise HubError(E.AUT900006, f"Отозван {cert.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
    if not cert.not_before <= now <= cert.not_after:
        raise HubError(
            E.AUT900005,
            f"Сертификат действителен с {cert.not_before:%Y-%m-%d} по {cert.not_after:%Y-%m-%d}",
        )
    skew = timedelta(seconds=skew_seconds)
    if abs(claims.header_date - now) > skew:
        raise HubError(
            E.AUT900008,
            f"Date {claims.header_date.isoformat()} отличается от времени хаба "
            f"{now.isoformat(timespec='seconds')} более чем на {skew_seconds} с",
            where="RequestHeader/Date",
        )
    if not claims.org_ppaguid:
        raise HubError(E.AUT900007, "В заголовке не указан orgPPAGUID", where="RequestHeader")
    org = directory.organization_by_ppaguid(claims.org_ppaguid)
    if org is None:
        raise HubError(E.AUT011002, f"orgPPAGUID {claims.org_ppaguid}", where="RequestHeader/orgPPAGUID")
    if cert.organization_id == org.id:
        return org
    if cert.is_operator and org.id in cert.operator_for:
        if not claims.is_operator_signature:
            raise HubError(
                E.AUT900007,
                "Сертификат оператора ИС принимается только с IsOperatorSignature=true",
                where="RequestHeader/IsOperatorSignature",
            )
        return org
    raise HubError(
        E.AUT900007,
        f"orgPPAGUID {claims.org_ppaguid} не принадлежит владельцу сертификата {cert.subject}",
        where="RequestHeader/orgPPAGUID",
    )


@dataclass(frozen=True, slots=True)
class TransportCredentials:
    basic_user: str | None = None
    basic_password: str | None = None
    certificate_fingerprint: str | None = None

    @property
    def present(self) -> bool:
        return bool(self.basic_user or self.certificate_fingerprint)


def authenticate_transport(
    directory: Directory, credentials: TransportCredentials, passwords: PasswordCache
) -> Organization:
    """The organization behind the connection (HTTP Basic or a proxy's client certificate)."""
    if credentials.basic_user is not None:
        org = directory.organization_by_ppaguid(credentials.basic_user)
        stored = directory.password_hash(org.id) if org else None
        if org is None or stored is None or not passwords.check(credentials.basic_password or "", stored):
            raise HubError(E.AUT900009, "Неверный логин или пароль (HTTP Basic)")
        return org
    if credentials.certificate_fingerprint:
        cert = directory.certificate(credentials.certificate_fingerprint.replace(":", "").lower())
        if cert is None or cert.revoked_at is not None or cert.organization_id is None:
            raise HubError(E.AUT900009, "Сертификат клиента не зарегистрирован или отозван")
        org = directory.organization(cert.organization_id)
        if org is None:  # pragma: no cover - foreign key
            raise HubError(E.AUT900009)
        return org
    raise HubError(E.AUT900009, "Требуется HTTP Basic (orgPPAGUID и пароль) или сертификат клиента")
