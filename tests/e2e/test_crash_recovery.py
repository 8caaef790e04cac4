"""SIGKILL of the processing process mid-message: after a restart it completes exactly once.

production: the killed process is a ``hub worker``; embedded: the whole ``hub serve`` — its
process group, every process it runs (by default 2 on Linux with 2+ cores; worker threads live
inside each), killed at once as by a crash of the machine or container. The test-process hub
only accepts HTTP and inspects the store. A fault-injection pause after the claim
(``HUB_FAULT_PAUSE_AFTER_CLAIM``) holds the worker inside processing, and the test checks the
store shows the claim before killing.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.domain.messages import RequestState
from hub.store.tables import inbox
from testkit.answers import ack_guids, body_child
from testkit.messages import BASE, export_house_body, signed
from tests.e2e.harness import HUB_BIN, free_port, running_hub, spawn, terminate, wait_for


def _processor(shape: str, processes: str | None) -> list[str]:
    if shape == "production":
        return [str(HUB_BIN), "worker", "--threads", "1"]
    return [str(HUB_BIN), "serve", "--port", str(free_port()), *(["--processes", processes] if processes else [])]


@pytest.mark.parametrize(
    ("shape", "processes"),
    [("embedded", None), ("embedded", "1"), ("production", None)],
    ids=["embedded-default-processes", "embedded-one-process", "production"],
)
def test_sigkill_mid_processing_then_restart_completes_exactly_once(
    shape: str, processes: str | None, tmp_path: Path
) -> None:
    with running_hub(shape, tmp_path, start_worker=False) as hut:
        org = hut.orgs["a"]
        hub_guid, _ = ack_guids(hut.post(signed(export_house_body(), org.identity, org.ppaguid)).content)
        entry = hut.hub.inbox.find(hub_guid)
        assert entry is not None and entry.state == RequestState.RECEIVED

        victim = spawn(_processor(shape, processes), {**hut.env, "HUB_FAULT_PAUSE_AFTER_CLAIM": "60"})
        try:
            claimed = wait_for(lambda: hut.hub.inbox.get(entry.id).state == RequestState.PROCESSING, 30)  # type: ignore[union-attr]
            assert claimed, "the worker never claimed the message"
            with hut.hub.engine.connect() as conn:
                claimed_by = conn.execute(select(inbox.c.claimed_by).where(inbox.c.id == entry.id)).scalar_one()
            # the claim is held by the victim: its own process or one of those it started
            claimer = int(claimed_by.split(":")[1])
            assert claimer == victim.pid or os.getpgid(claimer) == victim.pid, claimed_by
        finally:
            terminate(victim, signal.SIGKILL)
        assert victim.returncode == -signal.SIGKILL
        # The kill landed mid-processing: claimed, not completed.
        events = [e.action for e in hut.hub.audit.events("inbox", str(entry.id))]
        assert events == ["claimed"]
        assert hut.hub.inbox.get(entry.id).state == RequestState.PROCESSING  # type: ignore[union-attr]

        survivor = spawn(_processor(shape, processes), hut.env)
        try:
            done = wait_for(lambda: hut.hub.inbox.get(entry.id).state == RequestState.PROCESSED, 60)  # type: ignore[union-attr]
            assert done, "the message was not recovered"
        finally:
            terminate(survivor)

        final = hut.hub.inbox.get(entry.id)
        assert final is not None and final.attempts == 2
        claims = [e for e in hut.hub.audit.events("inbox", str(entry.id)) if e.action == "claimed"]
        assert len(claims) == 2 and claims[0].actor != claims[1].actor
        processed = [e for e in hut.hub.audit.events("inbox", hub_guid) if e.action == "processed"]
        assert len(processed) == 1
        result = body_child(hut.poll(hub_guid, org))
        assert result.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"
