"""Accounts end to end: fresh signed 100-account messages from several clients, vs the raw limit.

hub:  several client threads (one per organization, each with its own house) post fresh signed
      importAccountData messages of 100 accounts and poll getState until every message is
      processed; rate = accounts with a good CommonResult / wall time from the first POST to
      the last result. Embedded: ``hub serve`` (the worker a thread inside), as one process
      (×1) and as ``--processes 2`` (×2, the default on Linux with 2+ cores; each process with
      its in-process worker). Production: ``hub serve --processes 1`` + 2 ``hub worker``
      processes on PostgreSQL + Redis.
      20 messages per client: with 5, a run lasted 0.5–1 s and the clients' last poll interval
      (up to ``POLL_SECONDS``) was 10–20 % of it (production measured 0.45–0.53 with 5, 0.58–0.61
      with 20, same minutes).
raw:  the same kind of messages in one process, no HTTP, no queue, no rules: safe parse +
      strict signature verify + XSD validation + one batched insert of the message's 100
      account rows into an accounts-shaped table.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bench.common import (
    PASSWORD,
    BenchOrg,
    Loopback,
    hub_processes,
    raw_seconds,
    register_orgs,
    settings_env,
    signed_request,
    storage,
)
from hub import ns
from hub.contract.xmlparse import parse_xml
from hub.store.db import make_engine
from testkit.accounts import Acc, import_request
from testkit.messages import HM_PATH, get_state
from testkit.seeds import add_house

BASE = ns.BASE
#: getState polling interval of the bench clients: far below GIS's 10 s minimum, yet not so
#: tight that polling itself eats the CPU the hub processes with.
POLL_SECONDS = 0.1


@dataclass
class AccountsResult:
    shape: str
    processes: int
    clients: int
    messages: int
    accounts: int
    message_bytes: int
    hub_accounts_per_s: float
    raw_accounts_per_s: float

    @property
    def ratio(self) -> float:
        return self.hub_accounts_per_s / self.raw_accounts_per_s


def _messages(org: BenchOrg, premises: list[str], count: int, per_message: int, tag: str) -> list[bytes]:
    out = []
    for m in range(count):
        accounts = [
            Acc(
                places=[("PremisesGUID", premises[(m * per_message + i) % len(premises)], None)],
                number=f"{tag}-{m}-{i}-{uuid.uuid4().hex[:6]}",
            )
            for i in range(per_message)
        ]
        out.append(signed_request(org, import_request(accounts)))
    return out


def raw_rate(messages: list[bytes], scratch_db: Path) -> float:
    """Accounts per second at the raw limit (``bench.common.raw_seconds``)."""

    def rows(request: etree._Element) -> list[dict[str, object]]:
        return [
            {
                "guid": str(uuid.uuid4()),
                "number": account.findtext(f"{{{ns.HOUSE_MANAGEMENT}}}AccountNumber"),
                "payload": etree.tostring(account).decode(),
            }
            for account in request.iterchildren(f"{{{ns.HOUSE_MANAGEMENT}}}Account")
        ]

    count = sum(1 for m in messages for _ in parse_xml(m).iter(f"{{{ns.HOUSE_MANAGEMENT}}}Account"))
    return count / raw_seconds(messages, scratch_db, ["guid", "number", "payload"], rows)


def _client(client: Loopback, org: BenchOrg, messages: list[bytes]) -> int:
    """Post this organization's messages, then poll each to state 3; the good CommonResults."""
    guids = []
    for data in messages:
        status, answer = client.post(HM_PATH, data, soap_action="urn:importAccountData")
        if status != 200:
            raise RuntimeError(answer[:500].decode(errors="replace"))
        guids.append(parse_xml(answer).findtext(f".//{{{BASE}}}Ack/{{{BASE}}}MessageGUID") or "")
    good = 0
    for guid in guids:
        while True:
            _status, answer = client.post(HM_PATH, get_state(guid, org.ppaguid))
            result = parse_xml(answer)
            if result.findtext(f".//{{{BASE}}}RequestState") == "3":
                break
            time.sleep(POLL_SECONDS)
        results = result.findall(f".//{{{ns.HOUSE_MANAGEMENT}}}CommonResult")
        good += sum(1 for r in results if r.find(f"{{{BASE}}}Error") is None)
    return good


def run(
    *,
    shape: str = "embedded",
    processes: int = 1,
    clients: int = 4,
    messages_per_client: int = 20,
    per_message: int = 100,
    repeats: int = 3,
) -> AccountsResult:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, storage(shape) as (db_url, broker_url):
        data_dir = Path(tmp) / "data"
        env = settings_env(data_dir, db_url, broker_url)
        url = db_url or f"sqlite:///{data_dir / 'hub.sqlite3'}"
        orgs = register_orgs(url, clients)  # migrates the embedded shape's file
        engine = make_engine(url)
        houses = []
        with engine.begin() as conn:
            for org in orgs:
                houses.append(add_house(conn, org.id, premises_count=per_message, rooms=0))
        engine.dispose()

        raw_runs, hub_runs = [], []
        expected = clients * messages_per_client * per_message
        with hub_processes(env, workers=2 if shape == "production" else 0, processes=processes) as base:
            for run_no in range(repeats):  # best of N for both: this VM's speed wanders between runs
                raw_messages = [
                    m for org, house in zip(orgs, houses, strict=True)
                    for m in _messages(org, house.premises, messages_per_client, per_message, f"raw{run_no}")
                ]  # fmt: skip
                raw_runs.append(raw_rate(raw_messages, Path(tmp) / f"raw{run_no}.sqlite3"))
                batches = [
                    _messages(org, house.premises, messages_per_client, per_message, f"hub{run_no}")
                    for org, house in zip(orgs, houses, strict=True)
                ]
                connections = [Loopback(base, user=org.ppaguid, password=PASSWORD) for org in orgs]
                started = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    good = sum(pool.map(_client, connections, orgs, batches))
                elapsed = time.perf_counter() - started
                for connection in connections:
                    connection.close()
                if good != expected:
                    raise RuntimeError(f"{expected - good} accounts failed")
                hub_runs.append(good / elapsed)
        return AccountsResult(
            shape=shape,
            processes=processes,
            clients=clients,
            messages=clients * messages_per_client,
            accounts=expected,
            message_bytes=len(batches[0][0]),
            hub_accounts_per_s=max(hub_runs),
            raw_accounts_per_s=max(raw_runs),
        )
