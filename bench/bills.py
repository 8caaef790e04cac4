"""Payment documents end to end: signed 500-document messages from several clients, vs the raw limit.

set-up: per client an organization (УО) with its own house of 500 premises and an account in
      each, placed over HTTP (5 messages of 100).
hub:  the clients post, in parallel, fresh signed importPaymentDocumentData messages of 500
      documents (one per account, two charges each: maintenance, NSI 50, and a second housing
      service; every sum adds up; a new month in each message), signed before the clock starts;
      each client posts its months one after another, then polls getState until every message
      is processed. Rate = documents with a good
      ImportResult / wall time from the first POST to the last result.
raw:  the same signed messages in one process, no HTTP, no queue, no rules: safe parse + strict
      signature verify + XSD validation + one batched insert of the message's 500 rows into a
      documents-shaped table.
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
    Loopback,
    ack,
    good_results,
    hub_processes,
    place_accounts,
    raw_seconds,
    register_orgs,
    result,
    settings_env,
    signed_request,
    storage,
)
from hub import ns
from hub.store.db import make_engine
from testkit.bills import HOUSING, Doc, Svc, import_documents
from testkit.seeds import add_house

BILLS_PATH = "/ext-bus-bills-service/services/BillsAsync"
BASE, HM, B, AB = ns.BASE, ns.HOUSE_MANAGEMENT, ns.BILLS, ns.ACCOUNT_BASE
DOCUMENTS = 500
#: one month per message, from January 2020 (the hub takes periods from 01.2016)
MONTHS = [(2020 + m // 12, m % 12 + 1) for m in range(72)]


@dataclass
class BillsResult:
    shape: str
    clients: int
    messages: int
    documents: int
    message_bytes: int
    hub_documents_per_s: float
    raw_documents_per_s: float

    @property
    def ratio(self) -> float:
        return self.hub_documents_per_s / self.raw_documents_per_s


SERVICES = (Svc(HOUSING, "1", "25.50", "1275.00"), Svc(HOUSING, "2", "3.10", "155.00", recalculation="-5.00"))


def _documents(accounts: list[str], month: tuple[int, int]) -> etree._Element:
    docs = [Doc(a, SERVICES, number=str(i), debt="100.00") for i, a in enumerate(accounts)]
    return import_documents(docs, *month, seed=f"bench-{uuid.uuid4()}")


def _raw_rows(request: etree._Element) -> list[dict[str, object]]:
    """What the raw limit inserts of a documents message: a row per document."""
    return [
        {
            "guid": str(uuid.uuid4()),
            "account": doc.findtext(f"{{{AB}}}AccountGuid"),
            "total": doc.findtext(f"{{{B}}}TotalPayableByChargeInfo"),
            "transport": doc.findtext(f"{{{BASE}}}TransportGUID"),
        }
        for doc in request.iterchildren(f"{{{B}}}PaymentDocument")
    ]


def run(*, shape: str = "embedded", clients: int = 2, messages_per_client: int = 4, repeats: int = 2) -> BillsResult:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, storage(shape) as (db_url, broker_url):
        data_dir = Path(tmp) / "data"
        env = settings_env(data_dir, db_url, broker_url)
        url = db_url or f"sqlite:///{data_dir / 'hub.sqlite3'}"
        orgs = register_orgs(url, clients)
        engine = make_engine(url)
        with engine.begin() as conn:
            houses = [add_house(conn, org.id, premises_count=DOCUMENTS, rooms=0) for org in orgs]
        engine.dispose()
        with hub_processes(env, workers=2 if shape == "production" else 0, processes=1) as base:
            connections = [Loopback(base, user=org.ppaguid, password=PASSWORD) for org in orgs]
            with ThreadPoolExecutor(clients) as pool:
                accounts = list(pool.map(place_accounts, connections, orgs, [h.premises for h in houses]))
            months = iter(MONTHS)
            hub_runs, raw_runs = [], []
            size = 0
            for run_no in range(repeats):
                batch = [next(months) for _ in range(messages_per_client)]
                # signed before the clock starts (the hub does not build them), posted to the hub
                # as they are: the raw limit reads the same bytes, in a scratch database
                signed = [[signed_request(orgs[i], _documents(accounts[i], m)) for m in batch] for i in range(clients)]
                raw = [message for messages in signed for message in messages]
                size = len(raw[0])
                columns = ["guid", "account", "total", "transport"]
                seconds = raw_seconds(raw, Path(tmp) / f"raw{run_no}.sqlite3", columns, _raw_rows)
                raw_runs.append(len(raw) * DOCUMENTS / seconds)

                def client(i: int, signed: list[list[bytes]] = signed) -> int:
                    # months are independent: a client sends them all, then collects the results
                    c, o, action = connections[i], orgs[i], "importPaymentDocumentData"
                    guids = [ack(c, o, BILLS_PATH, action, m) for m in signed[i]]
                    return sum(good_results(result(c, o, BILLS_PATH, g), B) for g in guids)

                started = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    good = sum(pool.map(client, range(clients)))
                elapsed = time.perf_counter() - started
                expected = clients * messages_per_client * DOCUMENTS
                if good != expected:
                    raise RuntimeError(f"{expected - good} documents failed")
                hub_runs.append(good / elapsed)
            for connection in connections:
                connection.close()
        return BillsResult(
            shape=shape,
            clients=clients,
            messages=clients * messages_per_client,
            documents=clients * messages_per_client * DOCUMENTS,
            message_bytes=size,
            hub_documents_per_s=max(hub_runs),
            raw_documents_per_s=max(raw_runs),
        )
