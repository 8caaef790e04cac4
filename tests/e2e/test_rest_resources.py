"""The read resources over REST on both shapes: houses with premises and rooms, accounts, NSI,
organizations — listed, filtered, paged and read with a token; another organization's token gets
404 for every object of the first; no token gets 401 problem+json."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub import ns
from testkit.accounts import Acc, import_request
from testkit.elements import guid
from testkit.houses import HouseShape, import_house_uo_apartment
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import API, get, token_for
from tests.houses.test_e2e import import_house, send

SEED = "rest-resources-house"
FIAS = guid(SEED + ":fias")


@dataclass
class Placed:
    premises: list[str]
    accounts: list[str]
    numbers: list[str]
    before: datetime


@pytest.fixture(scope="module")
def placed(hut: HubUnderTest, real_contract: Path) -> Placed:
    """Organization a's house (3 premises with a room each, 1 non-residential) and 3 accounts on its premises."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    shape = HouseShape(entrances=1, premises_per_entrance=3, rooms_per_premises=1, non_residential=1, lifts=0)
    results = import_house(hut, import_house_uo_apartment(shape=shape, seed=SEED), real_contract)
    assert all(r.ok for r in results)
    by_transport = {r.transport_guid: r.guid or "" for r in results}
    residential = [by_transport[guid(f"{SEED}:premises:{n}")] for n in (1, 2, 3)]
    numbers = [f"REST-{i}-{hut.shape}" for i in range(3)]
    accounts = [Acc(places=[("PremisesGUID", residential[i], "100")], number=numbers[i]) for i in range(3)]
    result = send(hut, import_request(accounts), "a", "importAccountData", real_contract)
    guids = [c.findtext(f"{{{ns.BASE}}}GUID") or "" for c in result.iter(f"{{{ns.HOUSE_MANAGEMENT}}}CommonResult")]
    assert len(guids) == 3, guids
    return Placed(residential, guids, numbers, before)


def test_no_token_is_401_problem_json_on_every_resource(hut: HubUnderTest) -> None:
    for path in ("/houses", f"/houses/{FIAS}", "/accounts", "/nsi", "/nsi/24/items", "/organizations"):
        answer = get(hut, path, None)
        assert answer.status_code == 401, path
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "AUT900013"


def test_the_manager_reads_its_house_with_premises_and_rooms(hut: HubUnderTest, placed: Placed) -> None:
    token = token_for(hut, "a")
    listed = get(hut, "/houses?kind=apartment&annulled=false", token).json()["items"]
    assert FIAS in {h["fias_house_guid"] for h in listed}
    house = get(hut, f"/houses/{FIAS}", token).json()
    assert house["kind"] == "apartment" and house["house_unique_number"]
    residential = [p for p in house["premises"] if p["kind"] == "residential"]
    assert len(residential) == 3 and len(house["premises"]) == 4
    assert all(len(p["rooms"]) == 1 for p in residential)
    assert get(hut, "/houses?kind=living", token).json()["items"] == [] or all(
        h["kind"] == "living" for h in get(hut, "/houses?kind=living", token).json()["items"]
    )


def test_accounts_filtered_by_house_number_state_and_modified_since(hut: HubUnderTest, placed: Placed) -> None:
    token = token_for(hut, "a")
    by_house = get(hut, f"/accounts?house={FIAS}", token).json()["items"]
    assert {a["account_guid"] for a in by_house} == set(placed.accounts)
    assert all(a["accommodations"][0]["fias_house_guid"] == FIAS for a in by_house)
    one = get(hut, f"/accounts?account_number={placed.numbers[1]}", token).json()["items"]
    assert [a["account_number"] for a in one] == [placed.numbers[1]]
    assert all(a["state"] == "open" for a in get(hut, f"/accounts?house={FIAS}&state=open", token).json()["items"])
    assert get(hut, f"/accounts?house={FIAS}&state=closed", token).json()["items"] == []
    since = placed.before.isoformat().replace("+00:00", "Z")
    assert len(get(hut, f"/accounts?house={FIAS}&modified_since={since}", token).json()["items"]) == 3
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert get(hut, f"/accounts?house={FIAS}&modified_since={future}", token).json()["items"] == []
    detail = get(hut, f"/accounts/{placed.accounts[0]}", token).json()
    assert detail["account_guid"] == placed.accounts[0] and detail["accommodations"][0]["target"] == "premises"


def test_pages_follow_the_cursor_in_a_stable_order(hut: HubUnderTest, placed: Placed) -> None:
    token = token_for(hut, "a")
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = f"/accounts?house={FIAS}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = get(hut, query, token).json()
        seen += [a["account_guid"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == placed.accounts  # id order, no overlap, nothing missed
    bad = get(hut, "/accounts?cursor=-1", token)
    assert bad.status_code == 400 and bad.json()["code"] == "FMT001300"
    assert get(hut, "/accounts?state=half-open", token).status_code == 400


def test_another_organization_gets_404_for_every_object_of_the_first(hut: HubUnderTest, placed: Placed) -> None:
    token = token_for(hut, "b")
    missing = get(hut, "/houses/00000000-0000-4000-8000-000000000000", token).json()
    for path in (
        f"/houses/{FIAS}",
        *(f"/accounts/{g}" for g in placed.accounts),
        f"/organizations/{hut.orgs['a'].ppaguid}",
    ):
        answer = get(hut, path, token)
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "INT002013" and answer.json()["title"] == missing["title"]
    assert FIAS not in {h["fias_house_guid"] for h in get(hut, "/houses", token).json()["items"]}
    assert get(hut, f"/accounts?house={FIAS}", token).json()["items"] == []
    assert [o["org_ppa_guid"] for o in get(hut, "/organizations", token).json()["items"]] == [hut.orgs["b"].ppaguid]


def test_the_operator_sees_every_organization(hut: HubUnderTest, placed: Placed) -> None:
    token = token_for(hut, None)
    assert get(hut, f"/houses/{FIAS}", token).status_code == 200
    assert get(hut, f"/accounts/{placed.accounts[2]}", token).status_code == 200
    orgs = {o["org_ppa_guid"] for o in get(hut, "/organizations?limit=200", token).json()["items"]}
    assert {hut.orgs["a"].ppaguid, hut.orgs["b"].ppaguid} <= orgs


def test_nsi_books_and_items_with_delta(hut: HubUnderTest) -> None:
    token = token_for(hut, "b")
    books = get(hut, "/nsi?limit=200", token).json()["items"]
    assert 24 in {b["registry_number"] for b in books}
    book = get(hut, "/nsi/24", token).json()
    assert book["items"] > 0
    items = get(hut, "/nsi/24/items?limit=2", token).json()
    assert len(items["items"]) == 2 and items["next_cursor"]
    rest = get(hut, f"/nsi/24/items?limit=200&cursor={items['next_cursor']}", token).json()["items"]
    assert len(rest) == book["items"] - 2
    assert not {i["code"] for i in items["items"]} & {i["code"] for i in rest}
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert get(hut, f"/nsi/24/items?modified_since={future}", token).json()["items"] == []
    assert get(hut, "/nsi/999999/items", token).status_code == 404
    assert get(hut, "/nsi/abc", token).status_code == 404


def test_every_resource_is_in_the_openapi_document(hut: HubUnderTest) -> None:
    paths = hut.client.get(hut.base_url + API + "/openapi.json").json()["paths"]
    for name in ("houses", "accounts", "nsi", "organizations"):
        assert f"/{name}" in paths and f"/{name}/{{key}}" in paths
    assert {"house", "account_number", "state", "modified_since", "cursor", "limit"} <= {
        p["name"] for p in paths["/accounts"]["get"]["parameters"]
    }
