"""The client against a running hub over real HTTP, on both deployment shapes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from hub.client import (
    HubFault,
    RequestState,
    ResponseSignatureError,
    TransportError,
    WaitTimeoutError,
)
from hub.client.core import Polling, Retries
from hub.contract import pki
from testkit.houses import export_house
from testkit.pki import org_identity
from tests.client.clients import ClientFactory
from tests.e2e.harness import HubUnderTest


def test_send_wait_gives_int002012_for_an_unknown_house(make_client: ClientFactory) -> None:
    client = make_client()
    ack = client.send("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    assert uuid.UUID(ack.message_guid) and ack.message_guid != ack.requester_message_guid
    seen: list[RequestState] = []
    result = client.wait(ack.message_guid, on_state=lambda s: seen.append(s.request_state))
    assert result.request_state is RequestState.PROCESSED and seen[-1] is RequestState.PROCESSED
    assert result.message_guid == ack.message_guid
    assert result.error is not None and result.error.code == "INT002012"
    assert result.done and not result.ok
    published = pki.load_certificate(httpx.get(client.config.base_url + "/hub/certificate.pem").content)
    assert result.signer_fingerprint == pki.fingerprint(published)


def test_state_of_an_unknown_message_is_a_fault_with_its_code(make_client: ClientFactory) -> None:
    with pytest.raises(HubFault) as caught:
        make_client().state(str(uuid.uuid4()))
    assert caught.value.code == "INT002013"
    assert caught.value.message.startswith("Запрос не найден")
    assert caught.value.faultstring and caught.value.faultstring.startswith("INT002013: ")
    assert caught.value.status == 500


def test_wrong_transport_password_is_a_fault(make_client: ClientFactory) -> None:
    with pytest.raises(HubFault) as caught:
        make_client(password="wrong").state(str(uuid.uuid4()))
    assert caught.value.code == "AUT900009"


def test_a_signer_not_registered_for_the_organization_is_a_fault(make_client: ClientFactory, hut: HubUnderTest) -> None:
    stranger = org_identity("ООО «Незнакомая»")
    with pytest.raises(HubFault) as caught:
        make_client(identity=stranger, password=None).send("exportHouseData", export_house())
    assert caught.value.code.startswith("AUT")


def test_client_certificate_header_authenticates_get_state_behind_a_trusted_proxy(
    make_client: ClientFactory, hut: HubUnderTest
) -> None:
    org = hut.orgs["a"]
    client = make_client(password=None, client_cert_fingerprint=org.identity.fingerprint)
    ack = client.send("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    with pytest.raises(HubFault) as caught:  # from any client the header is ignored
        client.wait(ack.message_guid)
    assert caught.value.code == "AUT900009"
    with hut.trusting_proxies("127.0.0.1"):  # as if the client's TLS proxy ran on this machine
        assert client.wait(ack.message_guid).error is not None


class _Tamper(httpx.BaseTransport):
    """Forwards to the real hub; rewrites getStateResult answers with ``edit``."""

    def __init__(self, edit: Callable[[bytes], bytes]) -> None:
        self._inner = httpx.HTTPTransport()
        self._edit = edit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        content = response.read()
        if b"getStateResult" in content:
            content = self._edit(content)
        return httpx.Response(response.status_code, headers=response.headers, content=content)


def test_a_tampered_get_state_result_is_rejected(make_client: ClientFactory) -> None:
    sender = make_client()
    ack = sender.send("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    assert sender.wait(ack.message_guid).error is not None  # genuine answer verifies

    forged = httpx.Client(transport=_Tamper(lambda b: b.replace(b"INT002012", b"INT002000")))
    with pytest.raises(ResponseSignatureError, match="does not verify") as caught:
        make_client(http=forged).state(ack.message_guid)
    assert caught.value.code == "AUT900002"
    forged.close()

    unsigned = httpx.Client(
        transport=_Tamper(lambda b: b[: b.index(b"<ds:Signature")] + b[b.index(b"</ds:Signature>") + 15 :])
    )
    with pytest.raises(ResponseSignatureError):
        make_client(http=unsigned).state(ack.message_guid)
    unsigned.close()


def test_a_result_signed_by_another_certificate_than_the_pinned_one_is_rejected(
    make_client: ClientFactory,
) -> None:
    client = make_client(hub_certificate=org_identity("ООО «Не хаб»").certificate_pem)
    ack = client.send("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    with pytest.raises(ResponseSignatureError, match="not by the hub's"):
        client.state(ack.message_guid)


class _Flaky(httpx.BaseTransport):
    """Answers the first ``failures`` POSTs with ``status`` (or a connection error), then forwards."""

    def __init__(self, failures: int, status: int | None) -> None:
        self._inner = httpx.HTTPTransport()
        self.failures = failures
        self.status = status
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.posts += 1
            if self.posts <= self.failures:
                if self.status is None:
                    raise httpx.ConnectError("connection reset by peer", request=request)
                return httpx.Response(self.status, text="Истекло время ожидания шлюза")
        return self._inner.handle_request(request)


@pytest.mark.parametrize("status", [502, 503, 504, None])
def test_transient_failures_are_retried_with_the_same_bytes(make_client: ClientFactory, status: int | None) -> None:
    flaky = _Flaky(failures=2, status=status)
    pauses: list[float] = []
    with httpx.Client(transport=flaky) as http:
        client = make_client(http=http, sleep=pauses.append, retries=Retries(attempts=3, backoff=(0.1, 0.2)))
        ack = client.send("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    assert flaky.posts == 3 and pauses == [0.1, 0.2]
    assert ack.message_guid


def test_retries_are_bounded(make_client: ClientFactory) -> None:
    flaky = _Flaky(failures=10, status=503)
    with httpx.Client(transport=flaky) as http:
        client = make_client(http=http, sleep=lambda _: None, retries=Retries(attempts=2, backoff=(0.0,)))
        with pytest.raises(TransportError) as caught:
            client.send("exportHouseData", export_house())
    assert flaky.posts == 2 and caught.value.status == 503


def test_resending_after_a_lost_answer_gives_the_original_ack(make_client: ClientFactory, hut: HubUnderTest) -> None:
    client = make_client()
    request = client.prepare("exportHouseData", export_house(fias_house_guid=str(uuid.uuid4())))
    first = client.send_prepared(request)
    before = hut.inbox_count()
    assert client.send_prepared(request) == first
    assert hut.inbox_count() == before


def test_wait_gives_up_after_its_timeout(make_client: ClientFactory, hut: HubUnderTest) -> None:
    hut.stop_worker()
    try:
        client = make_client(polling=Polling(delays=(0.05,), timeout=0.3))
        ack = client.send("exportHouseData", export_house())
        with pytest.raises(WaitTimeoutError) as caught:
            client.wait(ack.message_guid)
        assert caught.value.last is not None
    finally:
        hut.start_worker()
