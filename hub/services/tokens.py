"""API tokens: who calls the REST API and the operator page.

A token is 32 random bytes shown once (``hub token create``); the store keeps its SHA-256 only —
the secret has full entropy, so a fast hash is enough and a stolen table reveals no token. A token
speaks for one organization, or (``organization_id`` None) for the operator, who sees everything.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from hub.errors import E, HubError

#: the prefix makes a leaked token recognisable (secret scanners, logs)
PREFIX = "zhkh_"


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    organization_id: int | None
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def is_operator(self) -> bool:
        return self.organization_id is None


class TokenStore(Protocol):
    def add(self, organization_id: int | None, name: str, secret_hash: str) -> ApiToken: ...
    def by_hash(self, secret_hash: str) -> ApiToken | None:
        """The active (not revoked) token with this hash; marks it used."""
        ...

    def list(self, organization_id: int | None = None) -> list[ApiToken]: ...
    def revoke(self, token_id: int) -> bool: ...


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(store: TokenStore, organization_id: int | None, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret (the only time the secret exists outside the caller)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    return store.add(organization_id, name, secret_hash(secret)), secret


def authenticate(store: TokenStore, authorization: str | None) -> ApiToken:
    """The token of an ``Authorization: Bearer …`` header, or AUT900013."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise HubError(E.AUT900013, "Нужен заголовок Authorization: Bearer <токен>")
    token = store.by_hash(secret_hash(secret.strip()))
    if token is None:
        raise HubError(E.AUT900013, "Токен не найден или отозван")
    return token
