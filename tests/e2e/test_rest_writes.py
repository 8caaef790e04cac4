"""JSON writes over REST on both shapes: the same import as JSON and as signed SOAP gives the same
stored objects and the same per-object results (getState's); the message log shows both sources;
bad documents are refused with a coded problem and nothing stored."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from hub import ns
from hub.contract import json_payload
from hub.contract.result_view import read_result
from testkit.accounts import Acc, import_request
from testkit.answers import body_child
from testkit.elements import guid
from testkit.houses import HouseShape, import_house_uo_apartment
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import API, get, token_for
from tests.houses.test_e2e import import_house

SHAPE = HouseShape(entrances=1, premises_per_entrance=3, rooms_per_premises=1, non_residential=1, lifts=1)


def as_json(request: etree._Element) -> dict[str, Any]:
    """What a REST client sends for the request a SOAP client signs."""
    document = json_payload.document(request)
    document.pop("@Id", None)
    return document


def post(hut: HubUnderTest, path: str, token: str | None, body: object, **headers: str) -> httpx.Response:
    sent = {"Authorization": f"Bearer {token}"} if token else {}
    content = body if isinstance(body, bytes) else httpx.Request("POST", "/", json=body).content
    return hut.client.post(
        hut.base_url + API + path, content=content, headers={**sent, **headers, "Content-Type": "application/json"}
    )


def processed(hut: HubUnderTest, token: str, message_guid: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        detail = get(hut, f"/messages/{message_guid}", token).json()
        if detail["state"] == 3 or time.monotonic() > deadline:
            assert detail["state"] == 3, detail
            return detail
        time.sleep(0.05)


def comparable(view: Any) -> Any:
    """A REST view without what differs between two equal imports: GUIDs, numbers, times."""
    if isinstance(view, dict):
        return {
            k: comparable(v)
            for k, v in view.items()
            if not (k.endswith("guid") or "unique_number" in k or k.endswith("_at") or k == "cadastral_number")
        }
    if isinstance(view, list):
        return [comparable(v) for v in view]
    return view


def test_a_json_import_and_the_soap_import_store_the_same_and_answer_the_same(
    hut: HubUnderTest, real_contract: Path
) -> None:
    token = token_for(hut, "a")
    soap_seed, json_seed = f"rest-soap-{hut.shape}", f"rest-json-{hut.shape}"
    soap_results = import_house(hut, import_house_uo_apartment(shape=SHAPE, seed=soap_seed), real_contract)
    assert all(r.ok for r in soap_results)

    json_request = import_house_uo_apartment(shape=SHAPE, seed=json_seed)
    accepted = post(hut, "/houses", token, as_json(json_request))
    assert accepted.status_code == 202, accepted.text
    ack = accepted.json()
    assert ack["status_url"] == f"/api/v1/messages/{ack['message_guid']}" and not ack["duplicate"]
    detail = processed(hut, token, ack["message_guid"])
    assert detail["source"] == "rest" and detail["authenticated_by"] == "token"
    assert detail["operation"] == "importHouseUOData" and detail["error"] is None
    objects = detail["objects"]
    assert len(objects) == len(soap_results) and all(not o["errors"] for o in objects)
    assert [o["transport_guid"] for o in objects] == [
        el.text for el in json_request.iter(f"{{{ns.BASE}}}TransportGUID")
    ]

    # the same results getState gives the sender for this message
    state = body_child(hut.poll(ack["message_guid"], hut.orgs["a"]))
    assert state.findtext(f"{{{ns.BASE}}}RequestState") == "3"
    from_state = [{**asdict(o), "errors": list(o.errors)} for o in read_result(etree.tostring(state)).objects]
    assert from_state == objects

    soap_house = get(hut, f"/houses/{guid(soap_seed + ':fias')}", token).json()
    json_house = get(hut, f"/houses/{guid(json_seed + ':fias')}", token).json()
    assert comparable(json_house) == comparable(soap_house)

    # both in the message log, each with its source
    rest_log = {m["message_guid"] for m in get(hut, "/messages?source=rest&limit=200", token).json()["items"]}
    soap_log = get(hut, "/messages?source=soap&operation=importHouseUOData&limit=200", token).json()["items"]
    assert ack["message_guid"] in rest_log
    assert soap_log and all(m["authenticated_by"] == "signature" for m in soap_log)


def test_json_accounts_are_placed_on_the_json_house(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    seed = f"rest-json-accounts-{hut.shape}"
    accepted = post(hut, "/houses", token, as_json(import_house_uo_apartment(shape=SHAPE, seed=seed)))
    house = processed(hut, token, accepted.json()["message_guid"])
    by_transport = {o["transport_guid"]: o["guid"] for o in house["objects"]}
    premises = [by_transport[guid(f"{seed}:premises:{n}")] for n in (1, 2)]
    numbers = [f"JSON-{n}-{uuid.uuid4().hex[:6]}" for n in (1, 2)]
    accounts = import_request(
        [Acc(places=[("PremisesGUID", g, "100")], number=n) for g, n in zip(premises, numbers, strict=True)]
    )
    message_guid = str(uuid.uuid4())
    answer = post(hut, "/accounts", token, as_json(accounts), **{"X-Message-GUID": message_guid})
    assert answer.status_code == 202, answer.text
    result = processed(hut, token, answer.json()["message_guid"])
    assert len(result["objects"]) == 2 and all(o["guid"] and not o["errors"] for o in result["objects"])
    placed = get(hut, f"/accounts?house={guid(seed + ':fias')}", token).json()["items"]
    assert sorted(a["account_number"] for a in placed) == sorted(numbers)

    again = post(hut, "/accounts", token, as_json(accounts), **{"X-Message-GUID": message_guid})
    assert again.status_code == 202 and again.json()["duplicate"]
    assert again.json()["message_guid"] == answer.json()["message_guid"]


@pytest.mark.parametrize(
    ("body", "code", "where"),
    [
        (b"{not json", "FMT914001", None),
        (b"[1, 2]", "FMT914001", "/"),
        ({"Account": [{"NoSuchElement": "x"}]}, "FMT914001", "/Account/0/NoSuchElement"),
        ({"Account": "text where an object belongs"}, "FMT914001", "/Account"),
        ({"Account": [{"AccountNumber": "1"}]}, "FMT001300", None),  # the XSD: required elements missing
    ],
)
def test_bad_documents_are_refused_with_a_code_and_nothing_stored(
    hut: HubUnderTest, body: object, code: str, where: str | None
) -> None:
    before = hut.inbox_count()
    answer = post(hut, "/accounts", token_for(hut, "a"), body)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == code, problem
    if where:
        assert problem["where"] == where
    assert hut.inbox_count() == before


def test_writes_need_an_organizations_token(hut: HubUnderTest) -> None:
    document = as_json(import_request([Acc(places=[("PremisesGUID", str(uuid.uuid4()), "100")])]))
    assert post(hut, "/accounts", None, document).status_code == 401
    operator = post(hut, "/accounts", token_for(hut, None), document)
    assert operator.status_code == 403 and operator.json()["code"] == "INT914001"
