"""Transport credentials: the certificate header, failed passwords, the getState oracle.

Each case is an attack the security review ran without any key: getState with nothing but the
public SHA-256 of an organization's certificate in ``X-Client-Cert-Fingerprint``; unbounded
password guessing at 65–85 ms of scrypt each; telling another organization's MessageGUID from
an unknown one by the fault code.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from hub.services.identity import LoginThrottle, PasswordCache
from testkit.answers import ack_guids, body_child, fault_code, fault_message
from testkit.messages import SOAP, export_house_body, get_state, signed
from tests.e2e.harness import HubUnderTest, Org

HEADER = "X-Client-Cert-Fingerprint"


def _sent(hut: HubUnderTest, org: Org) -> str:
    response = hut.post(signed(export_house_body(), org.identity, org.ppaguid))
    assert response.status_code == 200, response.text[:1000]
    return ack_guids(response.content)[0]


def _outcome(response: httpx.Response) -> str:
    """ "ok" for an answer, else the fault code."""
    if body_child(response.content).tag != f"{{{SOAP}}}Fault":
        assert response.status_code == 200
        return "ok"
    return fault_code(response.content)


def _state_with_fingerprint(hut: HubUnderTest, guid: str, org: Org) -> str:
    return _outcome(hut.post(get_state(guid, org.ppaguid), headers={HEADER: org.identity.fingerprint}))


def test_certificate_header_is_ignored_from_any_client(hut: HubUnderTest) -> None:
    a = hut.orgs["a"]
    guid = _sent(hut, a)
    # Default: no proxy is trusted, so the header is a claim anybody can make: AUT900009.
    assert _state_with_fingerprint(hut, guid, a) == "AUT900009"
    # A proxy is configured, but the request does not come from it.
    with hut.trusting_proxies("10.9.9.9", "192.0.2.0/24"):
        assert _state_with_fingerprint(hut, guid, a) == "AUT900009"


def test_certificate_header_is_believed_from_a_trusted_proxy(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    guid = _sent(hut, a)
    with hut.trusting_proxies("127.0.0.0/8"):
        assert _state_with_fingerprint(hut, guid, a) == "ok"
        # The proxy vouches for b's certificate: b does not see a's request.
        assert _state_with_fingerprint(hut, guid, b) == "INT002013"


def test_another_organizations_message_is_not_found_like_an_unknown_one(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    guid = _sent(hut, a)
    unknown = str(uuid.uuid4())
    foreign = hut.post(get_state(guid, b.ppaguid), auth=b.auth)
    missing = hut.post(get_state(unknown, b.ppaguid), auth=b.auth)
    assert (foreign.status_code, fault_code(foreign.content)) == (missing.status_code, fault_code(missing.content))
    assert fault_code(foreign.content) == "INT002013"
    assert fault_message(foreign.content).replace(guid, "G") == fault_message(missing.content).replace(unknown, "G")


@contextmanager
def _throttled(hut: HubUnderTest, max_failures: int) -> Iterator[None]:
    before = hut.hub.authenticator.passwords
    hut.hub.authenticator.passwords = PasswordCache(
        throttle=LoginThrottle(max_failures=max_failures, window_seconds=60)
    )
    try:
        yield
    finally:
        hut.hub.authenticator.passwords = before


def test_failed_passwords_are_bounded_without_locking_out_the_client(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    guid = _sent(hut, a)
    with _throttled(hut, max_failures=3):
        # a's system polls first: its password is checked once and remembered in this process.
        assert _outcome(hut.post(get_state(guid, a.ppaguid), auth=a.auth)) == "ok"
        wrong = (a.ppaguid, "guess")
        codes = [fault_code(hut.post(get_state(guid, a.ppaguid), auth=wrong).content) for _ in range(3)]
        assert codes == ["AUT900009"] * 3
        started = time.perf_counter()
        blocked = hut.post(get_state(guid, a.ppaguid), auth=wrong)
        elapsed = time.perf_counter() - started
        assert fault_code(blocked.content) == "AUT900012", blocked.text[:1000]
        assert "Следующая попытка возможна через" in fault_message(blocked.content)
        assert elapsed < 0.5  # answered without an scrypt (the throttle is asked first)
        # The right password of a client already checked still works while the guesser is blocked.
        assert _outcome(hut.post(get_state(guid, a.ppaguid), auth=a.auth)) == "ok"
        # The same address guessing for another organization is blocked as well.
        other = hut.post(get_state(guid, b.ppaguid), auth=(b.ppaguid, "guess"))
        assert fault_code(other.content) == "AUT900012"
