"""``python -m bench.rest_accounts [--accounts N] [--per-house N]``: ``GET /api/v1/accounts?house=…``
on a large embedded store, over real HTTP.

Generates ``N`` accounts (default 1 000 000) of one organization, ``per-house`` (1000) in each
house, with one accommodation each, straight into a migrated SQLite store (the import pipeline
would take hours for a million; what is measured is the read). Then serves the hub on loopback and
times, for random houses, one page of 200 and the whole walk of the house's 1000 accounts (5
pages by cursor). Goal (issue 19): p50 < 200 ms for the page on the embedded default.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn

from bench.common import free_port, machine, save_report
from hub.composition import open_store
from hub.config import load_settings
from hub.services import tokens
from hub.store.base import Store
from hub.store.tokens import SqlTokens
from hub.web import create_app

BATCH = 50_000


def generate(store: Store, accounts: int, per_house: int) -> list[str]:
    """``accounts`` accounts of one new organization; the FIAS GUIDs of their houses."""
    now = datetime.now(UTC).isoformat(sep=" ")
    houses = [str(uuid.uuid4()) for _ in range(max(1, accounts // per_house))]
    with store.writing() as conn:
        conn.exec_driver_sql(
            "INSERT INTO organizations (ppaguid, name, ogrn, inn, kpp, roles, created_at)"
            " VALUES (?, 'Bench УО', '1027700000001', '7700000001', '770001001', 'UO', ?)",
            (str(uuid.uuid4()), now),
        )
        org_id = conn.exec_driver_sql("SELECT max(id) FROM organizations").scalar_one()
    for start in range(0, accounts, BATCH):
        rows = range(start, min(start + BATCH, accounts))
        with store.writing() as conn:
            conn.exec_driver_sql(
                "INSERT INTO accounts (id, guid, org_id, kind, account_number, unique_number, unified_number,"
                " service_counter, payer_is_renter, payer_accounts_divided, created_at, updated_at)"
                " VALUES (?, ?, ?, 'isUOAccount', ?, ?, ?, 1, 0, 0, ?, ?)",
                [(i + 1, str(uuid.uuid4()), org_id, f"B-{i}", f"B{i:012d}", f"{i:010d}", now, now) for i in rows],
            )
            conn.exec_driver_sql(
                "INSERT INTO account_accommodations (account_id, ordinal, target, object_guid, house_guid, share,"
                " service_id) VALUES (?, 1, 'premises', ?, ?, '100', ?)",
                [(i + 1, str(uuid.uuid4()), houses[(i * 7919) % len(houses)], f"S{i:012d}") for i in rows],
            )
        print(f"  {rows.stop:,} accounts", flush=True)
    return houses


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(accounts: int, per_house: int, samples: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="hub-bench-rest-") as tmp:
        settings = load_settings({}, data_dir=Path(tmp))
        store = open_store(settings)
        started = time.perf_counter()
        houses = generate(store, accounts, per_house)
        generated = time.perf_counter() - started
        org_id = store.engine.connect().exec_driver_sql("SELECT max(id) FROM organizations").scalar_one()
        _token, secret = tokens.issue(SqlTokens(store, actor="bench"), org_id, "bench")
        store.engine.dispose()

        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}/api/v1/accounts"
        headers = {"Authorization": f"Bearer {secret}"}
        try:
            with httpx.Client(timeout=60) as client:
                while not server.started:
                    time.sleep(0.05)
                pages: list[float] = []
                walks: list[float] = []
                chooser = random.Random(19)
                for _ in range(samples):
                    house = chooser.choice(houses)
                    began = time.perf_counter()
                    first = client.get(base, params={"house": house, "limit": 200}, headers=headers)
                    pages.append((time.perf_counter() - began) * 1000)
                    assert first.status_code == 200 and len(first.json()["items"]) == 200, first.text[:300]
                    seen, cursor = len(first.json()["items"]), first.json()["next_cursor"]
                    while cursor is not None:
                        page = client.get(
                            base, params={"house": house, "limit": 200, "cursor": cursor}, headers=headers
                        )
                        seen += len(page.json()["items"])
                        cursor = page.json()["next_cursor"]
                    walks.append((time.perf_counter() - began) * 1000)
                    assert seen == per_house, seen
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    return {
        "machine": machine(),
        "accounts": accounts,
        "per_house": per_house,
        "samples": samples,
        "generate_s": round(generated, 1),
        "page_200_ms": {"p50": round(statistics.median(pages), 1), "p95": round(percentile(pages, 0.95), 1)},
        "house_walk_ms": {"p50": round(statistics.median(walks), 1), "p95": round(percentile(walks, 0.95), 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--per-house", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    report = run(args.accounts, args.per_house, args.samples)
    print(report)
    print("saved", save_report(report, "rest-accounts"))


if __name__ == "__main__":
    main()
