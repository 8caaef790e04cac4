"""SIGKILL in the middle of a 100-account import: after a restart, exactly 100 accounts.

The victim commits chunks of 10 and sleeps after each (``HUB_FAULT_PAUSE_AFTER_CHUNK``); it
is killed once some chunks — not all — are in the store. Its successor skips the committed
accounts (their outcomes were recorded with them) and applies the rest: no account twice,
one CommonResult per account, the ones from before the crash included.
"""

from __future__ import annotations

import signal
import uuid
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from hub.areas.accounts.tables import accounts
from hub.domain.messages import RequestState
from hub.store.imports import SqlImportSession, SqlImportStore
from testkit.accounts import Acc, import_request
from testkit.answers import ack_guids, body_child
from testkit.messages import signed
from testkit.seeds import add_house
from tests.accounts.results import HM, commons
from tests.e2e.harness import HUB_BIN, free_port, running_hub, spawn, terminate, wait_for

LAUNCHER = [str(HUB_BIN)]


def _processor(shape: str) -> list[str]:
    if shape == "production":
        return [*LAUNCHER, "worker", "--threads", "1"]
    return [*LAUNCHER, "serve", "--port", str(free_port())]


@pytest.mark.parametrize("shape", ["embedded", "production"])
def test_sigkill_mid_import_then_restart_gives_exactly_100_accounts(shape: str, tmp_path: Path) -> None:
    with running_hub(shape, tmp_path, start_worker=False) as hut:
        org = hut.orgs["a"]
        with hut.hub.store.writing() as conn:
            house = add_house(conn, org.id, premises_count=100, rooms=0)
        request = import_request(
            [Acc([("PremisesGUID", p, "100")], number=f"К-{i}") for i, p in enumerate(house.premises)]
        )
        body = etree.tostring(request, encoding="unicode")
        response = hut.post(signed(body, org.identity, org.ppaguid), soap_action="urn:importAccountData")
        hub_guid, _ = ack_guids(response.content)
        entry = hut.hub.inbox.find(hub_guid)
        assert entry is not None

        def recorded() -> int:
            return len(SqlImportStore(hut.hub.store, SqlImportSession).outcomes(entry.id))

        env = {**hut.env, "HUB_IMPORT_CHUNK": "10"}
        victim = spawn(_processor(shape), {**env, "HUB_FAULT_PAUSE_AFTER_CHUNK": "60"})
        try:
            assert wait_for(lambda: recorded() >= 10, 60), "the victim committed nothing"
        finally:
            terminate(victim, signal.SIGKILL)
        before = recorded()
        assert 10 <= before < 100, before
        assert hut.hub.inbox.get(entry.id).state == RequestState.PROCESSING  # type: ignore[union-attr]

        survivor = spawn(_processor(shape), env)
        try:
            done = wait_for(lambda: hut.hub.inbox.get(entry.id).state == RequestState.PROCESSED, 90)  # type: ignore[union-attr]
            assert done, "the import was not recovered"
        finally:
            terminate(survivor)

        with hut.hub.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(accounts)).scalar_one() == 100
            assert recorded() == 100
        final = body_child(hut.poll(hub_guid, org))
        import_result = final.find(f"{{{HM}}}ImportResult")
        assert import_result is not None
        got = commons(import_result)
        assert len(got) == 100 and all(c.ok for c in got)
        assert len({c.guid for c in got}) == 100 and len({c.els for c in got}) == 100
        assert all(uuid.UUID(c.guid or "").version == 7 for c in got)
