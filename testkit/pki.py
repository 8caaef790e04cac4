"""Test PKI: one CA and a few signing identities per process (a test session, a benchmark).

Generating an RSA-2048 key costs 50–300 ms, so every identity here is made once per process
(``functools.cache``) and shared by all tests and benchmarks; anything a test changes about a
certificate (validity window, key size) gets its own cached entry.
"""

from __future__ import annotations

import datetime as dt
import functools

from hub.contract import pki
from hub.contract.pki import KeyKind, SigningIdentity

DEMO_ORG = "ООО «Демо УК» (тест)"
OTHER_ORG = "ООО «Другая УК» (тест)"
#: resource-supply organizations (РСО) of the metering and payment tests
RSO_ORG = "АО «Демо Водоканал» (тест)"
OTHER_RSO_ORG = "АО «Другая РСО» (тест)"


@functools.cache
def session_ca() -> SigningIdentity:
    """The session's CA (RSA-2048, valid a year)."""
    return pki.create_ca("Тестовый УЦ (pytest)")


def org_identity(organization: str = DEMO_ORG, kind: KeyKind = "rsa", *, rsa_key_size: int = 2048) -> SigningIdentity:
    """A signing identity of ``organization``, issued by :func:`session_ca`; cached per arguments."""
    return _org_identity(organization, kind, rsa_key_size)


@functools.cache
def _org_identity(organization: str, kind: KeyKind, rsa_key_size: int) -> SigningIdentity:
    return pki.issue_certificate(
        session_ca(),
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
        session_ca(),
        common_name="Тестовый подписант (истек)",
        organization=organization,
        key=org_identity(organization).private_key,
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=1),
    )
