"""The whole pipe, over real HTTP, on both shapes: signed request → Ack → worker → getState."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from lxml import etree

from hub.contract import pki, signature
from testkit.answers import ack_guids, body_child, fault_code, fault_message
from testkit.messages import BASE, export_house_body, get_state, signed
from tests.e2e.harness import HubUnderTest


def _assert_real_xsd(element: etree._Element, real_contract: Path | None) -> None:
    if real_contract is None:
        return
    from tests.real_contract import assert_valid_under_real_xsd

    assert_valid_under_real_xsd(element, real_contract)


def test_export_of_unknown_house_goes_through_the_whole_pipe(hut: HubUnderTest, real_contract: Path) -> None:
    org = hut.orgs["a"]
    client_guid = str(uuid.uuid4())
    request = signed(export_house_body(), org.identity, org.ppaguid, message_guid=client_guid)
    response = hut.post(request, soap_action="urn:exportHouseData")
    assert response.status_code == 200, response.text[:2000]
    ack = body_child(response.content)
    _assert_real_xsd(ack, real_contract)
    hub_guid, requester_guid = ack_guids(response.content)
    assert requester_guid == client_guid
    assert uuid.UUID(hub_guid).version == 4 and hub_guid != client_guid

    final = hut.poll(hub_guid, org)
    result = body_child(final)
    assert result.findtext(f"{{{BASE}}}RequestState") == "3"
    assert result.findtext(f"{{{BASE}}}MessageGUID") == hub_guid
    assert result.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"
    # ResultHeader/MessageGUID echoes the client's original MessageGUID, as GIS does.
    header_guid = etree.fromstring(final).findtext(f".//{{{BASE}}}ResultHeader/{{{BASE}}}MessageGUID")
    assert header_guid == client_guid
    _assert_real_xsd(result, real_contract)

    # The result is signed by the hub with the certificate it publishes.
    published = httpx.get(hut.base_url + "/hub/certificate.pem").content
    verified = signature.verify_envelope(etree.fromstring(final))
    assert verified.fingerprint == pki.fingerprint(pki.load_certificate(published))


def test_state_is_reported_while_not_processed(hut: HubUnderTest) -> None:
    hut.stop_worker()
    try:
        org = hut.orgs["a"]
        response = hut.post(signed(export_house_body(), org.identity, org.ppaguid))
        hub_guid, _ = ack_guids(response.content)
        state = hut.post(get_state(hub_guid, org.ppaguid), auth=org.auth)
        result = body_child(state.content)
        assert result.findtext(f"{{{BASE}}}RequestState") == "1"
        assert result.find(f"{{{BASE}}}ErrorMessage") is None
        signature.verify_envelope(etree.fromstring(state.content))
    finally:
        hut.start_worker()
    assert body_child(hut.poll(hub_guid, org)).findtext(f"{{{BASE}}}RequestState") == "3"


def test_resend_with_same_content_returns_the_original_ack(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    client_guid = str(uuid.uuid4())
    body = export_house_body()
    first = hut.post(signed(body, org.identity, org.ppaguid, message_guid=client_guid))
    before = hut.inbox_count()
    # Re-signed (new SigningTime, new Date): same content.
    second = hut.post(signed(body, org.identity, org.ppaguid, message_guid=client_guid))
    assert second.status_code == 200
    assert ack_guids(second.content) == ack_guids(first.content)
    assert hut.inbox_count() == before


def test_resend_with_different_content_is_refused(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    client_guid = str(uuid.uuid4())
    hut.post(signed(export_house_body(), org.identity, org.ppaguid, message_guid=client_guid))
    before = hut.inbox_count()
    other = hut.post(signed(export_house_body(), org.identity, org.ppaguid, message_guid=client_guid))
    assert other.status_code == 500
    assert fault_code(other.content) == "INT900001"
    assert hut.inbox_count() == before


def test_get_state_of_unknown_message_is_int002013(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    response = hut.post(get_state(str(uuid.uuid4()), org.ppaguid), auth=org.auth)
    assert fault_code(response.content) == "INT002013"


def test_get_state_by_another_organization_is_not_found(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    hub_guid, _ = ack_guids(hut.post(signed(export_house_body(), a.identity, a.ppaguid)).content)
    # b's own credentials, and even a's orgPPAGUID in the header, do not reach a's results, and
    # the answer is the one for a GUID that does not exist (no existence oracle).
    foreign = hut.post(get_state(hub_guid, a.ppaguid), auth=b.auth)
    unknown_guid = str(uuid.uuid4())
    unknown = hut.post(get_state(unknown_guid, b.ppaguid), auth=b.auth)
    assert fault_code(foreign.content) == fault_code(unknown.content) == "INT002013"
    assert foreign.status_code == unknown.status_code
    assert fault_message(foreign.content).replace(hub_guid, "X") == fault_message(unknown.content).replace(
        unknown_guid, "X"
    )


def test_get_state_without_transport_credentials_is_refused(hut: HubUnderTest) -> None:
    a = hut.orgs["a"]
    hub_guid, _ = ack_guids(hut.post(signed(export_house_body(), a.identity, a.ppaguid)).content)
    assert fault_code(hut.post(get_state(hub_guid, a.ppaguid)).content) == "AUT900009"
    assert fault_code(hut.post(get_state(hub_guid, a.ppaguid), auth=(a.ppaguid, "wrong")).content) == "AUT900009"


def test_inbox_keeps_the_request_bytes_exactly_and_the_result_is_presigned(hut: HubUnderTest) -> None:
    from sqlalchemy import select

    from hub.store.tables import inbox, inbox_payloads

    org = hut.orgs["a"]
    request = signed(export_house_body(), org.identity, org.ppaguid)
    hub_guid, _ = ack_guids(hut.post(request).content)
    hut.poll(hub_guid, org)
    with hut.hub.engine.connect() as conn:
        raw, response = conn.execute(
            select(inbox_payloads.c.raw, inbox.c.response)
            .join(inbox, inbox.c.id == inbox_payloads.c.inbox_id)
            .where(inbox.c.message_guid == hub_guid)
        ).one()
    assert bytes(raw) == request
    assert response is not None  # signed once by the worker (or the first poll), replayed after


def test_get_state_signs_on_demand_when_no_presigned_response_was_stored(hut: HubUnderTest) -> None:
    """The worker pre-signs the result; if that failed, the first poll signs and stores it."""
    from sqlalchemy import select, update

    from hub.store.tables import inbox

    org = hut.orgs["a"]
    hub_guid, _ = ack_guids(hut.post(signed(export_house_body(), org.identity, org.ppaguid)).content)
    hut.poll(hub_guid, org)
    with hut.hub.store.writing() as conn:
        conn.execute(update(inbox).where(inbox.c.message_guid == hub_guid).values(response=None))
    answer = hut.poll(hub_guid, org)
    assert body_child(answer).findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"
    signature.verify_envelope(etree.fromstring(answer))
    with hut.hub.engine.connect() as conn:
        stored = conn.execute(select(inbox.c.response).where(inbox.c.message_guid == hub_guid)).scalar_one()
    assert stored is not None
