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
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
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


class LoginThrottle:
    """Bounds failed password checks per organization and per client address.

    Each wrong password costs an scrypt (65–85 ms of CPU), so unbounded guessing is both a brute
    force and a way to burn the hub's CPU. After ``max_failures`` failures of one key within
    ``window_seconds``, further checks for that key are refused at once (``AUT900012``, no
    scrypt) until the oldest failure leaves the window. The bound is per process (two processes
    allow twice as many). A client whose password was already checked in this process is
    recognised by :class:`PasswordCache` before the throttle is asked, so an attacker guessing
    another organization's password does not lock out that organization's polling client.
    """

    def __init__(
        self,
        *,
        max_failures: int = 10,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        while times and now - times[0] >= self.window:
            times.popleft()
        if times is not None and not times:
            del self._failures[key]
            return None
        return times

    def refuse_if_blocked(self, keys: Sequence[str]) -> None:
        """Raise ``AUT900012`` when any key has used up its failures in the window."""
        if self.max_failures <= 0:
            return
        now = self._clock()
        with self._lock:
            waits = [
                times[0] + self.window - now
                for key in keys
                if (times := self._recent(key, now)) is not None and len(times) >= self.max_failures
            ]
        if waits:
            raise HubError(E.AUT900012, f"Следующая попытка возможна через {math.ceil(max(waits))} с")

    def record_failure(self, keys: Sequence[str]) -> None:
        if self.max_failures <= 0:
            return
        now = self._clock()
        with self._lock:
            if len(self._failures) >= self._max_keys:
                for key in list(self._failures):
                    self._recent(key, now)  # drops keys whose failures all left the window
                if len(self._failures) >= self._max_keys:
                    self._failures.pop(next(iter(self._failures)))
            for key in keys:
                times = self._failures.setdefault(key, deque())
                times.append(now)
                if len(times) > self.max_failures:
                    times.popleft()


class PasswordCache:
    """Remembers successful checks so a polling client does not cost an scrypt per request, and
    asks the :class:`LoginThrottle` before any check it cannot answer from memory.

    Keys are SHA-256 of (stored hash, password): the cache never holds a password.
    """

    def __init__(self, size: int = 4096, *, throttle: LoginThrottle | None = None) -> None:
        self._ok: dict[str, None] = {}
        self._size = size
        self._lock = threading.Lock()
        self.throttle = throttle or LoginThrottle()

    def check(self, password: str, stored: str, *, throttle_keys: Sequence[str] = ()) -> bool:
        key = hashlib.sha256(f"{stored}\0{password}".encode()).hexdigest()
        with self._lock:
            if key in self._ok:
                return True
        self.throttle.refuse_if_blocked(throttle_keys)
        if not _check_password(password, stored):
            self.throttle.record_failure(throttle_keys)
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
    #: the header names no organization (ISRequestHeader): the sender is the certificate's owner
    by_certificate_owner: bool = False


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
    if claims.by_certificate_owner and not claims.org_ppaguid:
        owner = directory.organization(cert.organization_id) if cert.organization_id is not None else None
        if owner is None:
            raise HubError(E.AUT900004, f"Владелец сертификата {cert.subject} не зарегистрирован")
        return owner
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


def check_signing_time(signing_time: datetime | None, *, now: datetime, skew_seconds: int) -> None:
    """The signed XAdES SigningTime lies in the same clock window as the header's Date.

    The header is not signed, so its Date proves nothing about when the message was made; the
    SigningTime is signed. An old captured message cannot be made fresh by a new header.
    A signature without XAdES properties has no SigningTime and is judged by its header Date
    (and the replay rule) alone.
    """
    if signing_time is None:
        return
    if abs(signing_time - now) > timedelta(seconds=skew_seconds):
        raise HubError(
            E.AUT900008,
            f"SigningTime {signing_time.isoformat()} отличается от времени хаба "
            f"{now.isoformat(timespec='seconds')} более чем на {skew_seconds} с",
            where="Signature/Object/QualifyingProperties/SignedProperties/SignedSignatureProperties/SigningTime",
        )


@dataclass(frozen=True, slots=True)
class TransportCredentials:
    """What the connection presented. ``certificate_fingerprint`` is set by the SOAP app only
    when the request came from a configured TLS-terminating proxy (``HUB_TRUSTED_PROXIES``);
    ``address`` is the client's address (the proxy's X-Forwarded-For entry behind one)."""

    basic_user: str | None = None
    basic_password: str | None = None
    certificate_fingerprint: str | None = None
    address: str | None = None

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
        if org is None or stored is None:
            raise HubError(E.AUT900009, "Неверный логин или пароль (HTTP Basic)")
        keys = [f"org:{org.id}"] + ([f"address:{credentials.address}"] if credentials.address else [])
        if not passwords.check(credentials.basic_password or "", stored, throttle_keys=keys):
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


class Authenticator:
    """The identity checks an entry point makes, over one directory and its settings."""

    def __init__(
        self, *, directory: Directory, passwords: PasswordCache, skew_seconds: int, transport_auth: bool = True
    ) -> None:
        self.directory = directory
        self.passwords = passwords
        self.skew_seconds = skew_seconds
        #: off only when the operator switched transport authentication off (documented risk)
        self.transport_auth = transport_auth

    def signer(self, claims: SignerClaims, *, now: datetime) -> Organization:
        """The organization whose registered certificate signed (before the cryptography runs)."""
        return authenticate_signer(self.directory, claims, now=now, skew_seconds=self.skew_seconds)

    def signing_time(self, signing_time: datetime | None, *, now: datetime) -> None:
        check_signing_time(signing_time, now=now, skew_seconds=self.skew_seconds)

    def transport(self, credentials: TransportCredentials) -> Organization | None:
        """The organization the connection's credentials name; None when it presented none."""
        if not credentials.present:
            return None
        return authenticate_transport(self.directory, credentials, self.passwords)

    def state_caller(self, credentials: TransportCredentials, header_org_ppaguid: str | None) -> Organization:
        """Who asks getState: the connection's credentials, or (transport auth off) the header."""
        if self.transport_auth:
            return authenticate_transport(self.directory, credentials, self.passwords)
        org = self.directory.organization_by_ppaguid(header_org_ppaguid or "")
        if org is None:
            raise HubError(E.AUT011002, where="RequestHeader/orgPPAGUID")
        return org
