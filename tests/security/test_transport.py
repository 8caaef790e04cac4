"""The HTTP layer under abuse: clients that drop the connection mid-body."""

from __future__ import annotations

import logging
import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import HubUnderTest, wait_for
from tests.messages import HM_PATH


def _drop_mid_body(base_url: str) -> None:
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=5) as sock:
        sock.sendall(
            f"POST {HM_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n".encode()
            + b"<soapenv:Envelope" * 100
        )
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
