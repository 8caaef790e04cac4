"""Intake throughput: fresh signed messages accepted per second, vs the raw limit of the same work.

hub:  ``hub serve --processes 1`` (embedded: SQLite + in-process worker) on loopback; N distinct, freshly
      signed messages (new MessageGUID and content each: never the dedup path) posted by
      ``concurrency`` client threads; rate = N / wall time until the last Ack.
raw:  the same messages in one process, no HTTP: safe parse + strict signature verify + XSD
      validation of the signed element + ONE batched insert of all rows into an inbox-shaped
      SQLite table. That is the floor of the work the hub must do per message.
Reported per message size, so how cost grows with size is visible.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, insert

from bench.common import BenchOrg, Loopback, hub_processes, register_orgs, settings_env, signed_request, storage
from hub.contract import signature
from hub.contract.schemas import Schemas
from hub.contract.xmlparse import parse_xml
from hub.store.db import make_engine
from testkit.accounts import import_account
from testkit.houses import export_house
from testkit.messages import HM_PATH

Builder = Callable[[int], etree._Element]

KINDS: dict[str, Builder] = {
    "exportHouseData (1 house)": lambda i: export_house(),
    "importAccountData (10 accounts)": lambda i: import_account(count=10, seed=f"b{i}-{uuid.uuid4()}"),
    "importAccountData (100 accounts)": lambda i: import_account(count=100, seed=f"b{i}-{uuid.uuid4()}"),
}
ACTIONS = {"exportHouseData": "urn:exportHouseData", "importAccountData": "urn:importAccountData"}


@dataclass
class IntakeResult:
    kind: str
    size_bytes: int
    messages: int
    hub_per_s: float
    raw_per_s: float

    @property
    def ratio(self) -> float:
        return self.hub_per_s / self.raw_per_s


def _messages(kind: str, orgs: list[BenchOrg], count: int) -> list[bytes]:
    build = KINDS[kind]
    out = []
    for i in range(count):
        org = orgs[i % len(orgs)]
        out.append(signed_request(org, build(i)))
    return out


def raw_rate(messages: list[bytes], scratch_db: Path) -> float:
    schemas = Schemas.load()
    engine = make_engine(f"sqlite:///{scratch_db}")
    table = Table(
        "inbox_raw",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("guid", String(36)),
        Column("raw", LargeBinary),
        Column("signed", LargeBinary),
    )
    table.metadata.create_all(engine)
    started = time.perf_counter()
    rows = []
    for data in messages:
        verified = signature.verify_envelope(parse_xml(data))
        schemas.validate(verified.element)
        rows.append({"guid": str(uuid.uuid4()), "raw": data, "signed": etree.tostring(verified.element)})
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return len(messages) / elapsed


def hub_rate(base_url: str, messages: list[bytes], action: str, concurrency: int) -> float:
    local = threading.local()
    connections: list[Loopback] = []

    def post(data: bytes) -> int:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = Loopback(base_url)
            connections.append(connection)
        status, _answer = connection.post(HM_PATH, data, soap_action=action)
        return status

    post(messages[0])  # warm-up (schema compile, first connection)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        codes = list(pool.map(post, messages[1:]))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    bad = [c for c in codes if c != 200]
    if bad:
        raise RuntimeError(f"{len(bad)} requests failed: {bad[:5]}")
    return (len(messages) - 1) / elapsed


def run(*, count: int = 300, concurrency: int = 8, repeats: int = 1, shape: str = "embedded") -> list[IntakeResult]:
    """Embedded: one ``hub serve`` (worker threads inside). Production: ``hub serve`` + 2 ``hub
    worker`` processes on PostgreSQL + Redis (``HUB_BENCH_POSTGRES_URL``/``HUB_BENCH_REDIS_URL``)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, storage(shape) as (db_url, broker_url):
        data_dir = Path(tmp) / "data"
        env = settings_env(data_dir, db_url, broker_url)
        orgs = register_orgs(db_url or f"sqlite:///{data_dir / 'hub.sqlite3'}", 4)
        with hub_processes(env, workers=2 if shape == "production" else 0) as base:
            for kind in KINDS:
                n = count if "100" not in kind else max(count // 5, 20)
                hub_runs, raw_runs = [], []
                for r in range(repeats):
                    messages = _messages(kind, orgs, n)
                    raw_runs.append(raw_rate(messages, Path(tmp) / f"raw-{kind[:8]}-{r}.sqlite3"))
                    messages = _messages(kind, orgs, n)  # fresh again: the hub must never see a resend
                    action = ACTIONS[kind.split(" ")[0]]
                    hub_runs.append(hub_rate(base, messages, action, concurrency))
                results.append(
                    IntakeResult(kind, len(messages[0]), n, statistics.median(hub_runs), statistics.median(raw_runs))
                )
    return results
