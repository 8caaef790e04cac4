"""/healthz, /readyz and /metrics: what a load balancer and Prometheus read."""

from __future__ import annotations

import re

import httpx

from testkit.answers import ack_guids, fault_code
from testkit.messages import export_house_body, signed
from tests.e2e.harness import HubUnderTest
from tests.e2e.test_outage import database_away


def _metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}\{{([^}}]*)\}} (\S+)$"
    for match in re.finditer(pattern, text, re.M):
        if all(f'{k}="{v}"' in match[1] for k, v in labels.items()):
            return float(match[2])
    raise AssertionError(f"{name}{{{wanted}}} not in /metrics")


def test_health_and_readiness(hut: HubUnderTest) -> None:
    assert httpx.get(hut.base_url + "/healthz").json()["status"] == "ok"
    assert httpx.get(hut.base_url + "/health").json()["status"] == "ok"
    ready = httpx.get(hut.base_url + "/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_metrics_change_as_messages_are_processed(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    before = httpx.get(hut.base_url + "/metrics").text
    try:
        sent = _metric(before, "hub_soap_requests_total", operation="exportHouseData", code="OK")
    except AssertionError:
        sent = 0.0
    processed_before = _metric(before, "hub_messages", state="processed")
    response = hut.post(signed(export_house_body(), org.identity, org.ppaguid))
    guid, _ = ack_guids(response.content)
    hut.poll(guid, org)
    refused = hut.post(signed(export_house_body(), org.identity, None))  # no orgPPAGUID: refused
    code = fault_code(refused.content)
    after = httpx.get(hut.base_url + "/metrics").text
    assert _metric(after, "hub_soap_requests_total", operation="exportHouseData", code="OK") == sent + 1
    assert _metric(after, "hub_messages", state="processed") == processed_before + 1
    assert _metric(after, "hub_soap_requests_total", operation="exportHouseData", code=code) >= 1
    if hut.shape == "embedded":  # the in-process worker reports its processing here
        assert _metric(after, "hub_processing_seconds_count", operation="exportHouseData") >= 1


def test_readiness_turns_503_while_the_database_is_away(hut: HubUnderTest) -> None:
    if hut.shape != "production":
        return  # embedded: the SQLite file is the process's own
    with database_away(hut.settings.effective_database_url):
        away = httpx.get(hut.base_url + "/readyz")
    assert away.status_code == 503 and away.json()["database"] != "ok" and away.json()["queue"] == "ok"
    assert httpx.get(hut.base_url + "/readyz").status_code == 200
