"""Signed requests: the registry before the cryptography, replays, SigningTime.

Attacks of the security review: a large import signed by a key nobody registered was verified in
full before the registry refused it (4.25 s and ~0.5 GB each for 15 MB); a captured message
resent with a new, unsigned MessageGUID and Date was processed again; a SigningTime of 2001 was
accepted with a current header Date.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest
from lxml import etree

from hub import ns
from hub.contract import signature
from testkit.answers import ack_guids, fault_code
from testkit.messages import export_house_body, now_text, signed
from testkit.pki import DEMO_ORG, expired_identity, org_identity
from tests.e2e.harness import HubUnderTest, register_certificate

_MESSAGE_GUID = ns.qname(ns.BASE, "MessageGUID")
_DATE = ns.qname(ns.BASE, "Date")


def _refused(hut: HubUnderTest, body: bytes, code: str) -> str:
    return hut.refused(body, code)


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Counts the cryptographic verifications the hub runs (the SOAP app runs in this process on
    both shapes; only the production worker is another process)."""
    calls: list[str] = []
    original: Callable[..., signature.VerifiedBody] = signature.verify_claim

    def counting(claim: signature.SignatureClaim, **kw: object) -> signature.VerifiedBody:
        calls.append(claim.fingerprint)
        return original(claim, **kw)

    monkeypatch.setattr(signature, "verify_claim", counting)
    yield calls


def _big_export(size: int) -> str:
    """An export request padded to ``size`` bytes inside the signed element (1 MiB text nodes:
    libxml2 refuses longer ones without XML_PARSE_HUGE)."""
    chunk = "<hm:Pad>" + " " * (1024 * 1024) + "</hm:Pad>"
    body = export_house_body()
    return body.replace("</hm:exportHouseRequest>", chunk * (size // len(chunk)) + "</hm:exportHouseRequest>")


def test_unregistered_key_is_refused_before_any_verification(hut: HubUnderTest, verifications: list[str]) -> None:
    stranger = org_identity("Неизвестная организация (атака)")
    a = hut.orgs["a"]
    _refused(hut, signed(export_house_body(), stranger, a.ppaguid), "AUT900004")
    # 15 MB like the review's attack: still the registry's answer, not the signature's.
    _refused(hut, signed(_big_export(15 * 1024 * 1024), stranger, a.ppaguid), "AUT900004")
    assert verifications == []


def test_expired_revoked_and_foreign_keys_are_refused_before_verification(
    hut: HubUnderTest, verifications: list[str]
) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    expired = expired_identity(DEMO_ORG)
    register_certificate(hut, expired, a.id)
    _refused(hut, signed(export_house_body(), expired, a.ppaguid), "AUT900005")
    # b's registered key, a's orgPPAGUID in the unsigned header.
    _refused(hut, signed(export_house_body(), b.identity, a.ppaguid), "AUT900007")
    revoked = org_identity("Отозванный ключ (атака)")
    register_certificate(hut, revoked, a.id)
    hut.hub.directory.revoke_certificate(revoked.fingerprint, "test")
    _refused(hut, signed(export_house_body(), revoked, a.ppaguid), "AUT900006")
    assert verifications == []


def test_registered_key_is_verified_once(hut: HubUnderTest, verifications: list[str]) -> None:
    a = hut.orgs["a"]
    response = hut.post(signed(export_house_body(), a.identity, a.ppaguid))
    assert response.status_code == 200, response.text[:1000]
    assert verifications == [a.identity.fingerprint]


def _with_new_header(message: bytes) -> bytes:
    """The captured message with a fresh MessageGUID and Date: the header is not signed, so the
    signature still verifies."""
    root = etree.fromstring(message)
    guid = root.find(f".//{_MESSAGE_GUID}")
    date = root.find(f".//{_DATE}")
    assert guid is not None and date is not None
    guid.text = str(uuid.uuid4())
    date.text = now_text()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_captured_message_resent_under_a_new_message_guid_is_a_replay(hut: HubUnderTest) -> None:
    a = hut.orgs["a"]
    captured = signed(export_house_body(), a.identity, a.ppaguid)
    first = hut.post(captured)
    assert first.status_code == 200, first.text[:1000]
    replayed = _with_new_header(captured)
    assert signature.verify_envelope(etree.fromstring(replayed))  # the signature is intact
    message = _refused(hut, replayed, "AUT900011")
    assert ack_guids(first.content)[0] not in message  # the replayer learns nothing of the original
    # The sender's own resend with the same MessageGUID still gets its original Ack.
    again = hut.post(captured)
    assert again.status_code == 200 and ack_guids(again.content) == ack_guids(first.content)


def test_two_replays_racing_are_refused_as_one(hut: HubUnderTest) -> None:
    from concurrent.futures import ThreadPoolExecutor

    a = hut.orgs["a"]
    captured = signed(export_house_body(), a.identity, a.ppaguid)
    copies = [_with_new_header(captured) for _ in range(6)]
    before = hut.inbox_count()
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(hut.post, copies))
    accepted = [r for r in answers if r.status_code == 200]
    assert len(accepted) == 1, [r.text[:300] for r in answers]
    assert {fault_code(r.content) for r in answers if r.status_code != 200} == {"AUT900011"}
    assert hut.inbox_count() == before + 1


@pytest.mark.parametrize(
    "signing_time",
    [
        dt.datetime(2001, 1, 1, tzinfo=dt.UTC),
        dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
        dt.datetime.now(dt.UTC) + dt.timedelta(days=3),
    ],
    ids=["2001", "three-days-old", "three-days-ahead"],
)
def test_signing_time_is_held_to_the_clock_window(hut: HubUnderTest, signing_time: dt.datetime) -> None:

    a = hut.orgs["a"]
    message = signed(export_house_body(), a.identity, a.ppaguid, signing_time=signing_time)  # a current header Date
    text = _refused(hut, message, "AUT900008")
    assert "SigningTime" in text
