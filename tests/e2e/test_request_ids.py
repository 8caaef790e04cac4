"""Structured logs with a request id, on both shapes: the id is the response's X-Request-ID on a
SOAP Fault and on every REST answer, the ``request_id`` of a problem+json body, and the
``request_id`` of the JSON log lines the request wrote."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from hub import logs
from testkit.answers import fault_code
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import get, token_for


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log record of the test process rendered as the hub renders it (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_a_soap_fault_carries_the_request_id(hut: HubUnderTest, log_lines: io.StringIO) -> None:
    answer = hut.post(b"<not-a-soap-envelope/>")
    assert answer.status_code == 500 and fault_code(answer.content).startswith("FMT")
    rid = answer.headers[logs.HEADER]
    assert len(rid) == 32
    # uvicorn serves in the test process on both shapes: its lines are in this process's log
    logged = [line for line in lines(log_lines) if line.get("request_id") == rid]
    assert any(line["event"] == "request" and line["status"] == 500 for line in logged), logged


def test_a_problem_carries_the_request_id_and_a_sane_client_id_is_kept(hut: HubUnderTest) -> None:
    answer = hut.client.get(hut.base_url + "/api/v1/houses", headers={logs.HEADER: "trace-42.a_b"})
    assert answer.status_code == 401
    assert answer.headers[logs.HEADER] == "trace-42.a_b" == answer.json()["request_id"]
    odd = hut.client.get(hut.base_url + "/api/v1/houses", headers={logs.HEADER: "x" * 65})
    assert odd.headers[logs.HEADER] != "x" * 65 and odd.json()["request_id"] == odd.headers[logs.HEADER]


def test_lines_written_while_serving_carry_the_request_id(hut: HubUnderTest, log_lines: io.StringIO) -> None:
    answer = get(hut, "/houses", token_for(hut, "a"))
    assert answer.status_code == 200
    rid = answer.headers[logs.HEADER]
    (line,) = [line for line in lines(log_lines) if line.get("request_id") == rid and line["event"] == "request"]
    assert line["path"] == "/api/v1/houses" and line["method"] == "GET" and line["level"] == "info"
    assert isinstance(line["ms"], float) and line["timestamp"]


def test_the_format_is_chosen_by_hub_log_format() -> None:
    from hub.config import load_settings

    assert load_settings({}).log_format == "json"
    assert load_settings({"HUB_LOG_FORMAT": "text"}).log_format == "text"
    with pytest.raises(ValueError, match="HUB_LOG_FORMAT"):
        load_settings({"HUB_LOG_FORMAT": "xml"})
    record = logging.LogRecord("hub.x", logging.INFO, __file__, 1, "привет %s", ("мир",), None)
    assert json.loads(logs.formatter("json").format(record))["event"] == "привет мир"
    assert "привет мир" in logs.formatter("text").format(record)
