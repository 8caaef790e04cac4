"""The HTTP layer under abuse: clients that drop the connection mid-body, large bodies at once."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from hub.soap.inflight import InflightBudget
from testkit.messages import HM_PATH, export_house_body, signed
from tests.e2e.harness import SHAPES, HubUnderTest, running_hub, wait_for

MIB = 1024 * 1024


def _start_upload(base_url: str, declared: int, first: bytes) -> socket.socket:
    """A POST that declares ``declared`` body bytes and sends only ``first`` of them."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=5)
    head = f"POST {HM_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {declared}\r\n\r\n"
    sock.sendall(head.encode() + first)
    return sock


def _drop_mid_body(base_url: str) -> None:
    with _start_upload(base_url, 100_000, b"<soapenv:Envelope" * 100):
        time.sleep(0.1)


def test_a_client_dropping_the_connection_mid_body_logs_one_line(
    hut: HubUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = hut.inbox_count()
    for _ in range(3):
        _drop_mid_body(hut.base_url)
    assert wait_for(lambda: sum("disconnected before" in r.getMessage() for r in caplog.records) == 3, 5)
    assert not [r for r in caplog.records if r.exc_info or "Exception in ASGI" in r.getMessage()]
    assert hut.inbox_count() == before


@pytest.fixture(scope="module", params=SHAPES)
def small_budget(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(request.param, tmp_path_factory.mktemp("budget"), max_inflight_bytes=4 * MIB) as running:
        yield running


def test_large_bodies_in_flight_are_bounded_per_process(small_budget: HubUnderTest) -> None:
    hut = small_budget
    a = hut.orgs["a"]
    # A slow sender declares 5 MiB and keeps sending: it holds the budget (one request of any
    # allowed size always fits).
    with _start_upload(hut.base_url, 5 * MIB, b" " * 1000):
        time.sleep(0.2)
        refused = hut.refused(signed(export_house_body(), a.identity, a.ppaguid), "EXP002001")
        assert "одновременно" in refused
    # The slow sender gone, its reservation is released.
    assert wait_for(lambda: hut.post(signed(export_house_body(), a.identity, a.ppaguid)).status_code == 200, 5)


def test_inflight_budget_lets_one_request_of_any_size_in() -> None:
    budget = InflightBudget(10)
    assert budget.reserve(50)  # alone: always fits
    assert not budget.reserve(1)
    budget.release(50)
    assert budget.reserve(6) and budget.reserve(4) and not budget.reserve(1)
    budget.release(10)
    assert budget.used == 0
