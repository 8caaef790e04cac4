"""Overload: past a bound on unfinished messages intake answers EXP002001 and stores nothing.

The review's attack: 20 clients for 60 s had 13 617 messages accepted while the workers
finished about 68 a second, and the last result came 3 141 s after the load stopped. Here the
workers are stopped, so every accepted message stays unfinished, and the bounds are small: one
organization's share (``SHARE``) and the whole hub's (``LIMIT``), larger than the share so that
a second organization meets the whole bound, not its own share.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from typer.testing import CliRunner

from hub import cli_client
from hub.client import ClientConfig, HubClient, HubFault
from hub.contract import pki, signature
from hub.errors import E, HubError
from hub.services.intake import BacklogLimits, accept
from hub.services.ports import NewInboxEntry
from hub.store.tables import audit_log, inbox
from testkit.answers import ack_guids, fault_code, fault_message
from testkit.houses import export_house
from testkit.messages import export_house_body, signed
from tests.e2e.harness import PASSWORD, SHAPES, HubUnderTest, Org, running_hub, wait_for
from tests.fakes import FakeInbox, FakeQueue

LIMIT, SHARE = 5, 3  # the whole hub's bound, one organization's share of it
OVERLOADED = "EXP002001"


@pytest.fixture(scope="module", params=SHAPES)
def small_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(
        request.param,
        tmp_path_factory.mktemp(request.param),
        start_worker=False,
        max_backlog=LIMIT,
        max_backlog_per_org=SHARE,
    ) as running:
        yield running


@pytest.fixture
def hut(small_hub: HubUnderTest) -> HubUnderTest:
    """The hub with nothing unfinished and its workers stopped: what it accepts, stays."""
    if _unfinished(small_hub):
        small_hub.start_worker()
        try:
            assert wait_for(lambda: _unfinished(small_hub) == 0, timeout=60), "the backlog did not drain"
        finally:
            small_hub.stop_worker()
    return small_hub


def _unfinished(hut: HubUnderTest) -> int:
    return hut.hub.inbox.backlog(None).total


def _stored(hut: HubUnderTest) -> tuple[int, int]:
    """Rows in the inbox and in the audit trail."""
    with hut.hub.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(inbox)).scalar_one(),
            conn.execute(select(func.count()).select_from(audit_log)).scalar_one(),
        )


def _request(org: Org, **header: object) -> bytes:
    return signed(export_house_body(), org.identity, org.ppaguid, **header)


def _accepted(hut: HubUnderTest, body: bytes) -> str:
    response = hut.post(body, soap_action="urn:exportHouseData")
    assert response.status_code == 200, response.text[:2000]
    return ack_guids(response.content)[0]


def _refused(hut: HubUnderTest, body: bytes) -> str:
    """The Fault's ErrorMessage; asserts EXP002001 and that nothing was stored."""
    before = _stored(hut)
    response = hut.post(body, soap_action="urn:exportHouseData")
    assert response.status_code == 500, response.text[:1000]
    assert fault_code(response.content) == OVERLOADED, response.text[:2000]
    assert _stored(hut) == before, "a refused request must leave no inbox or audit row"
    return fault_message(response.content)


def test_past_its_share_an_organization_is_refused_and_others_are_accepted_up_to_the_whole_bound(
    hut: HubUnderTest,
) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    for _ in range(SHARE):
        _accepted(hut, _request(a))

    message = _refused(hut, _request(a))
    assert message.startswith("Сервис перегружен, повторите запрос позже")
    assert f"доля необработанных сообщений вашей организации ({SHARE})" in message

    for _ in range(LIMIT - SHARE):
        _accepted(hut, _request(b))
    for org in (b, a):
        assert f"предел необработанных сообщений хаба ({LIMIT})" in _refused(hut, _request(org))

    health = hut.client.get(hut.base_url + "/health").json()
    assert health == {
        "status": "ok",
        "backlog": {"unfinished": LIMIT, "limit": LIMIT, "per_organization_limit": SHARE},
    }


def test_a_full_hub_refuses_before_verifying_the_signature(hut: HubUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    for org, count in ((a, SHARE), (b, LIMIT - SHARE)):
        for _ in range(count):
            _accepted(hut, _request(org))
    verified: list[str] = []
    original = signature.verify_claim

    def counting(claim: signature.SignatureClaim, **kw: object) -> signature.VerifiedBody:
        verified.append(claim.fingerprint)
        return original(claim, **kw)

    monkeypatch.setattr(signature, "verify_claim", counting)
    _refused(hut, _request(b))
    assert verified == []  # the whole-hub bound is checked before the cryptography


def test_a_resend_of_an_accepted_message_gets_its_original_ack_over_the_bound(hut: HubUnderTest) -> None:
    a = hut.orgs["a"]
    client_guid = str(uuid.uuid4())
    first = _request(a, message_guid=client_guid)
    hub_guid = _accepted(hut, first)
    for _ in range(SHARE - 1):
        _accepted(hut, _request(a))
    _refused(hut, _request(a))
    before = _stored(hut)

    assert _accepted(hut, first) == hub_guid
    # The same MessageGUID with other content is still the dedup path's refusal, not overload.
    reused = hut.post(_request(a, message_guid=client_guid), soap_action="urn:exportHouseData")
    assert fault_code(reused.content) == "INT900001"
    assert _stored(hut) == before


def test_once_the_backlog_drains_messages_are_accepted_again(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    for org, count in ((a, SHARE), (b, LIMIT - SHARE)):
        for _ in range(count):
            _accepted(hut, _request(org))
    _refused(hut, _request(b))

    hut.start_worker()
    try:
        assert wait_for(lambda: _unfinished(hut) == 0, timeout=60), "the backlog did not drain"
    finally:
        hut.stop_worker()

    assert hut.client.get(hut.base_url + "/health").json()["backlog"]["unfinished"] == 0
    for org in (a, b):
        _accepted(hut, _request(org))


def _fill_share(hut: HubUnderTest, org: Org) -> None:
    for _ in range(SHARE):
        _accepted(hut, _request(org))


def test_the_client_retries_an_overloaded_send_a_bounded_number_of_times(hut: HubUnderTest) -> None:
    a = hut.orgs["a"]
    _fill_share(hut, a)
    pauses: list[float] = []
    told: list[tuple[str, float, int, int]] = []

    def tell(fault: HubFault, pause: float, next_try: int, tries: int) -> None:
        told.append((fault.code, pause, next_try, tries))

    config = ClientConfig(base_url=hut.base_url, org_ppaguid=a.ppaguid, identity=a.identity, password=PASSWORD)
    client = HubClient(config, sleep=pauses.append, on_overload=tell)
    with client, pytest.raises(HubFault) as caught:
        client.send("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    assert caught.value.code == OVERLOADED
    assert pauses == [0.5, 1.0, 2.0, 4.0]  # five tries, doubling pauses, capped
    assert told == [(OVERLOADED, 0.5, 2, 5), (OVERLOADED, 1.0, 3, 5), (OVERLOADED, 2.0, 4, 5), (OVERLOADED, 4.0, 5, 5)]


def test_hub_send_retries_exp002001_and_says_so(
    hut: HubUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = hut.orgs["a"]
    _fill_share(hut, a)
    pki.write_pem_files(a.identity, tmp_path / "org.key", tmp_path / "org.pem")
    payload = tmp_path / "export.xml"
    payload.write_bytes(etree.tostring(export_house(fias_house_guid=str(uuid.uuid4()))))
    pauses: list[float] = []

    def drain_while_paused(seconds: float) -> None:
        pauses.append(seconds)
        hut.start_worker()
        try:
            assert wait_for(lambda: _unfinished(hut) == 0, timeout=60), "the backlog did not drain"
        finally:
            hut.stop_worker()

    monkeypatch.setattr(cli_client, "HubClient", functools.partial(HubClient, sleep=drain_while_paused))
    result = CliRunner().invoke(
        cli_client.client_app,
        [
            "send",
            "exportHouseData",
            str(payload),
            "--cert",
            str(tmp_path / "org.pem"),
            "--key",
            str(tmp_path / "org.key"),
            "--org",
            a.ppaguid,
            "--url",
            hut.base_url,
            "--no-wait",
        ],
        env={"HUB_CLIENT_PASSWORD": PASSWORD, "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert pauses == [0.5]
    assert "hub overloaded (EXP002001): повтор через / retrying in 0.5 s (2/5)" in result.output
    assert "Ack: MessageGUID" in result.output


# --- intake alone, over the in-memory fakes ------------------------------------------------------


def _entry(sender: int, requester_guid: str | None = None, digest: str = "d") -> NewInboxEntry:
    return NewInboxEntry(
        message_guid=str(uuid.uuid4()),
        requester_message_guid=requester_guid or str(uuid.uuid4()),
        sender_id=sender,
        service="home-management",
        operation="exportHouseData",
        version="15.10.0.0",
        digest=digest,
        raw=b"<raw/>",
        payload=b"<signed/>",
        certificate_fingerprint=None,
    )


def test_intake_checks_the_bounds_before_it_stores_anything() -> None:
    inbox, queue = FakeInbox(), FakeQueue()
    admit = functools.partial(
        accept, inbox=inbox, queue=queue, actor="t", limits=BacklogLimits(whole=3, per_organization=2)
    )
    first = _entry(1)
    acks = [admit(first), admit(_entry(1))]

    with pytest.raises(HubError) as share:
        admit(_entry(1))
    admit(_entry(2))
    with pytest.raises(HubError) as whole:
        admit(_entry(2))

    assert share.value.spec is E.EXP002001 and "вашей организации (2)" in share.value.message
    assert whole.value.spec is E.EXP002001 and "хаба (3)" in whole.value.message
    assert len(inbox.entries) == len(inbox.audit) == len(queue.enqueued) == 3
    resent = admit(_entry(1, first.requester_message_guid))
    assert (resent.message_guid, resent.duplicate) == (acks[0].message_guid, True)
    with pytest.raises(HubError) as reused:
        admit(_entry(1, first.requester_message_guid, digest="other"))
    assert reused.value.spec is E.INT900001

    claimed = inbox.claim(1, "w", 10)
    assert claimed is not None and inbox.complete(1, "w", b"", inbox.audit[0])
    assert admit(_entry(2)).duplicate is False  # a finished message frees its place
    assert len(inbox.entries) == 4


def test_intake_without_bounds_never_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = FakeInbox()

    def count(sender_id: int | None) -> None:
        raise AssertionError("counted with no bound set")

    monkeypatch.setattr(inbox, "backlog", count)
    for _ in range(3):
        accept(_entry(1), inbox=inbox, queue=FakeQueue(), actor="t", limits=BacklogLimits())
    assert len(inbox.entries) == 3
