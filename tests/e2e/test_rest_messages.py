"""The message log over REST on both shapes: tokens, the sender's own messages only, problem+json."""

from __future__ import annotations

import pytest

from testkit.answers import ack_guids
from testkit.messages import export_house_body, signed
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import API, get, token_for


@pytest.fixture(scope="module")
def processed(hut: HubUnderTest) -> str:
    org = hut.orgs["a"]
    response = hut.post(signed(export_house_body(), org.identity, org.ppaguid))
    guid, _ = ack_guids(response.content)
    hut.poll(guid, org)
    return guid


def test_no_or_a_wrong_token_is_401_problem_json(hut: HubUnderTest) -> None:
    for token in (None, "zhkh_not-a-token"):
        answer = get(hut, "/messages", token)
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith("application/problem+json")
        body = answer.json()
        assert body["code"] == "AUT900013" and body["status"] == 401 and body["title"]


def test_the_sender_lists_and_reads_its_message_with_results(hut: HubUnderTest, processed: str) -> None:
    token = token_for(hut, "a")
    page = get(hut, "/messages?operation=exportHouseData&state=3", token).json()
    listed = {item["message_guid"]: item for item in page["items"]}
    assert processed in listed
    assert listed[processed]["source"] == "soap" and listed[processed]["authenticated_by"] == "signature"
    detail = get(hut, f"/messages/{processed}", token).json()
    assert detail["state_label"] == "processed" and detail["error"]["code"] == "INT002012"
    raw = get(hut, f"/messages/{processed}/request", token)
    assert raw.status_code == 200 and b"exportHouseRequest" in raw.content and b"SignatureValue" in raw.content
    response = get(hut, f"/messages/{processed}/response", token)
    assert response.status_code == 200 and b"getStateResult" in response.content


def test_another_organizations_token_sees_nothing_of_it(hut: HubUnderTest, processed: str) -> None:
    token = token_for(hut, "b")
    assert processed not in {i["message_guid"] for i in get(hut, "/messages", token).json()["items"]}
    for path in (f"/messages/{processed}", f"/messages/{processed}/request", f"/messages/{processed}/response"):
        answer = get(hut, path, token)
        assert answer.status_code == 404 and answer.json()["code"] == "INT002013", path
    missing = get(hut, "/messages/00000000-0000-4000-8000-000000000000", token)
    assert missing.json()["title"] == answer.json()["title"]  # not found and not yours look the same


def test_the_operator_token_sees_every_organization(hut: HubUnderTest, processed: str) -> None:
    assert get(hut, f"/messages/{processed}", token_for(hut, None)).status_code == 200


def test_pages_follow_the_cursor_without_overlap(hut: HubUnderTest, processed: str) -> None:
    org = hut.orgs["a"]
    for _ in range(3):
        hut.post(signed(export_house_body(), org.identity, org.ppaguid))
    token = token_for(hut, "a")
    first = get(hut, "/messages?limit=2", token).json()
    second = get(hut, f"/messages?limit=2&cursor={first['next_cursor']}", token).json()
    guids = [i["message_guid"] for i in first["items"] + second["items"]]
    assert len(guids) == len(set(guids)) == 4
    bad = get(hut, "/messages?limit=0", token)
    assert bad.status_code == 400 and bad.json()["code"] == "FMT001300"


def test_the_openapi_document_is_served(hut: HubUnderTest) -> None:
    schema = hut.client.get(hut.base_url + API + "/openapi.json").json()
    assert "/messages" in schema["paths"] and "/messages/{message_guid}" in schema["paths"]
