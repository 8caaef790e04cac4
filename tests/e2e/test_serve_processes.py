"""``hub serve --processes N`` (embedded): idle processes take waiting work; processes die with the parent.

The test-process hub (no worker of its own) accepts messages over HTTP and inspects the store;
``hub serve --processes 2`` runs as OS processes on the same SQLite file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from hub.domain.messages import RequestState
from hub.store.tables import inbox
from testkit.answers import ack_guids, body_child
from testkit.messages import BASE, export_house_body, signed
from tests.e2e.harness import (
    HUB_BIN,
    HubUnderTest,
    child_processes,
    free_port,
    running_hub,
    server_processes,
    spawn,
    terminate,
    wait_for,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; dies-with-parent is Linux")


def _serve(hut: HubUnderTest, port: int, processes: int = 2) -> subprocess.Popen[bytes]:
    # A sweep interval far beyond the test: only the idle poller can take the waiting messages.
    env = {**hut.env, "HUB_SWEEP_SECONDS": "600"}
    server = spawn([str(HUB_BIN), "serve", "--port", str(port), "--processes", str(processes)], env)
    assert wait_for(lambda: _healthy(port), 60), "hub serve --processes did not start"
    return server


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}  # exited; its reaper may not have collected it yet


def test_idle_processes_take_messages_another_process_accepted(tmp_path: Path) -> None:
    with running_hub("embedded", tmp_path, start_worker=False) as hut:
        org = hut.orgs["a"]
        posted = [hut.post(signed(export_house_body(), org.identity, org.ppaguid)) for _ in range(4)]
        guids = [ack_guids(answer.content)[0] for answer in posted]
        ids = [hut.hub.inbox.find(guid).id for guid in guids]  # type: ignore[union-attr]
        port = free_port()
        server = _serve(hut, port)
        try:
            children = child_processes(server.pid)

            def all_processed() -> bool:
                return all(hut.hub.inbox.get(i).state == RequestState.PROCESSED for i in ids)  # type: ignore[union-attr]

            assert wait_for(all_processed, 30), "the idle processes did not take the waiting messages"
            with hut.hub.engine.connect() as conn:
                claimed_by = conn.execute(select(inbox.c.claimed_by).where(inbox.c.id.in_(ids))).scalars().all()
            assert all(any(f":{child}:" in who for child in children) for who in claimed_by), (claimed_by, children)
            for guid in guids:
                assert [e.action for e in hut.hub.audit.events("inbox", guid)].count("processed") == 1
                result = body_child(hut.poll(guid, org))
                assert result.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"

            # The processes serve requests themselves, over several connections.
            own = []
            for _ in range(3):
                with httpx.Client(timeout=30) as client:
                    answer = client.post(
                        f"http://127.0.0.1:{port}/ext-bus-home-management-service/services/HomeManagementAsync",
                        content=signed(export_house_body(), org.identity, org.ppaguid),
                        headers={"Content-Type": "text/xml; charset=utf-8"},
                    )
                assert answer.status_code == 200, answer.text[:500]
                own.append(ack_guids(answer.content)[0])
            for guid in own:
                assert body_child(hut.poll(guid, org)).findtext(f"{{{BASE}}}RequestState") == "3"
        finally:
            terminate(server)


def test_processes_die_with_a_killed_parent(tmp_path: Path) -> None:
    with running_hub("embedded", tmp_path, start_worker=False) as hut:
        port = free_port()
        server = _serve(hut, port)
        try:
            assert len(server_processes(server.pid)) == 2
            children = child_processes(server.pid)  # the 2 server processes and uvicorn's helpers
            os.kill(server.pid, signal.SIGKILL)  # the parent alone, not its process group
            server.wait(10)
            assert wait_for(lambda: all(_gone(child) for child in children), 30), [c for c in children if not _gone(c)]
            assert not _healthy(port)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)  # whatever is left of the group if the test failed
