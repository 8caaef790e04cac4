"""PostgreSQL away for a moment: "try again" (EXP002001) instead of an internal error, two log
lines instead of thousands, and every message acknowledged before the outage still processed."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from testkit.answers import ack_guids, body_child, fault_code
from testkit.messages import export_house_body, signed
from tests.e2e.harness import HubUnderTest, running_hub


@contextmanager
def database_away(database_url: str) -> Iterator[None]:
    """No new connections to the hub's database, and its open ones cut, until the block ends."""
    name = make_url(database_url).database
    admin = create_engine(os.environ["HUB_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub("production", tmp_path_factory.mktemp("outage")) as hut:
        yield hut


def test_a_database_outage_is_try_again_logged_twice_and_loses_nothing(
    production: HubUnderTest, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    hut, org = production, production.orgs["a"]
    accepted = hut.post(signed(export_house_body(), org.identity, org.ppaguid))
    assert accepted.status_code == 200, accepted.text[:500]
    guid, _ = ack_guids(accepted.content)
    with caplog.at_level(logging.INFO), database_away(hut.settings.effective_database_url):
        refused = [hut.post(signed(export_house_body(), org.identity, org.ppaguid)) for _ in range(5)]
    assert [fault_code(r.content) for r in refused] == ["EXP002001"] * 5
    assert all(r.status_code == 500 for r in refused)
    # after the outage: a new message is accepted, and the one acknowledged before it is processed
    deadline = time.monotonic() + 30
    while (after := hut.post(signed(export_house_body(), org.identity, org.ppaguid))).status_code != 200:
        assert time.monotonic() < deadline, after.text[:500]
        time.sleep(0.2)
    state = body_child(hut.poll(guid, org)).findtext("{http://dom.gosuslugi.ru/schema/integration/base/}RequestState")
    assert state == "3"
    outage_lines = [r for r in caplog.records if r.name == "hub.outages"]
    assert [r.levelno for r in outage_lines] == [logging.ERROR, logging.WARNING], [r.getMessage() for r in outage_lines]
    assert "back after" in outage_lines[1].getMessage()
    tracebacks = [r for r in caplog.records if r.exc_info and r.name.startswith("hub.soap")]
    assert tracebacks == []
