"""Test PKI: one CA and a few signing identities per test session.

Generating an RSA-2048 key costs 50–300 ms, so every identity here is made once per process
(``functools.cache``) and shared by all tests; anything a test changes about a certificate
(validity window, key size) gets its own cached entry. Use the functions directly, or the
fixtures (import them into a ``conftest.py`` or a test module).
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from hub.contract import pki
from hub.contract.pki import KeyKind, SigningIdentity

DEMO_ORG = "ООО «Демо УК» (тест)"
OTHER_ORG = "ООО «Другая УК» (тест)"


@functools.cache
def test_ca() -> SigningIdentity:
    """The session's CA (RSA-2048, valid a year)."""
    return pki.create_ca("Тестовый УЦ (pytest)")


def org_identity(organization: str = DEMO_ORG, kind: KeyKind = "rsa", *, rsa_key_size: int = 2048) -> SigningIdentity:
    """A signing identity of ``organization``, issued by :func:`test_ca`; cached per arguments."""
    return _org_identity(organization, kind, rsa_key_size)


@functools.cache
def _org_identity(organization: str, kind: KeyKind, rsa_key_size: int) -> SigningIdentity:
    return pki.issue_certificate(
        test_ca(),
        common_name="Тестовый подписант",
        organization=organization,
        kind=kind,
        rsa_key_size=rsa_key_size,
    )


@functools.cache
def expired_identity(organization: str = DEMO_ORG) -> SigningIdentity:
    """Same key as :func:`org_identity`, certificate expired a day ago (no new key generated)."""
    now = dt.datetime.now(dt.UTC)
    return pki.issue_certificate(
        test_ca(),
        common_name="Тестовый подписант (истек)",
        organization=organization,
        key=org_identity(organization).private_key,
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=1),
    )


@pytest.fixture(scope="session")
def ca() -> SigningIdentity:
    return test_ca()


@pytest.fixture(scope="session")
def org_rsa() -> SigningIdentity:
    return org_identity()


@pytest.fixture(scope="session")
def org_ec() -> SigningIdentity:
    return org_identity(kind="ec")


@pytest.fixture(scope="session")
def other_org() -> SigningIdentity:
    return org_identity(OTHER_ORG)
