"""``python -m bench [intake|accounts|readings|bills|upload|all]``: run benchmarks, print a table, save JSON."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict

from bench import accounts, bills, intake, readings, upload
from bench.common import machine, save_report


def shapes() -> list[str]:
    """Embedded always; production when PostgreSQL and Redis are given."""
    has_servers = (os.environ.get("HUB_BENCH_POSTGRES_URL") or os.environ.get("HUB_TEST_POSTGRES_URL")) and (
        os.environ.get("HUB_BENCH_REDIS_URL") or os.environ.get("HUB_TEST_REDIS_URL")
    )
    return ["embedded", "production"] if has_servers else ["embedded"]


def readings_table() -> list[dict[str, object]]:
    """Readings end to end on every shape, printed as a table; the rows for the report."""
    print("\nReadings end to end: signed 1000-reading messages, 2 clients, each with 1 or 4 houses (messages")
    print("in flight), to the last result; latency: one 1000-reading message alone, Ack → RequestState 3")
    print(f"{'shape':11} {'houses':>6} {'readings':>8} {'bytes':>7} {'hub r/s':>8} {'raw r/s':>8} {'ratio':>6}", end="")
    print(f" {'Ack→3 s':>8} {'raw s':>6} {'×':>5}")
    table: list[dict[str, object]] = []
    for shape in shapes():
        for houses, months in ((1, 5), (4, 3)):
            r = readings.run(shape=shape, houses=houses, months=months, processes=None)
            table.append(asdict(r) | {"ratio": r.ratio, "latency_ratio": r.latency_ratio})
            print(f"{r.shape:11} {r.houses:6} {r.readings:8} {r.message_bytes:7} {r.hub_readings_per_s:8.0f}", end="")
            print(f" {r.raw_readings_per_s:8.0f} {r.ratio:6.2f} {r.ack_to_done_s:8.3f} {r.raw_message_s:6.3f}", end="")
            print(f" {r.latency_ratio:5.1f}")
    return table


def bills_table() -> list[dict[str, object]]:
    """Payment documents end to end on every shape, printed as a table; the rows for the report."""
    print("\nPayment documents end to end: signed 500-document messages, 2 clients, to the last result")
    print(f"{'shape':11} {'documents':>9} {'bytes':>7} {'hub d/s':>8} {'raw d/s':>8} {'ratio':>6}")
    table: list[dict[str, object]] = []
    for shape in shapes():
        r = bills.run(shape=shape)
        table.append(asdict(r) | {"ratio": r.ratio})
        print(f"{r.shape:11} {r.documents:9} {r.message_bytes:7} {r.hub_documents_per_s:8.0f}", end="")
        print(f" {r.raw_documents_per_s:8.0f} {r.ratio:6.2f}")
    return table


def upload_table() -> list[dict[str, object]]:
    """A 100 000-row readings workbook end to end on every shape, beside the raw limit."""
    print("\nExcel upload end to end: a 100 000-row readings workbook, POST → every row's outcome → result file;")
    print("raw: calamine read + request XML + XSD + batched insert + result workbook, one process")
    print("monthly: one reading of each of 100 000 meters; history: 34 months of 3000 meters (one worker thread)")
    print(f"{'shape':11} {'file':8} {'rows':>7} {'MB':>5} {'hub s':>7} {'hub r/s':>8}", end="")
    print(f" {'raw s':>6} {'raw r/s':>8} {'×':>5}", end="")
    print(f" {'POST s':>6} {'serve MB':>8} {'before':>6} {'at POST':>7} {'worker MB':>9}", end="")
    print(f" {'result MB':>9} {'raw MB':>7}")
    table: list[dict[str, object]] = []
    for shape, scenario in ((shape, scenario) for shape in shapes() for scenario in upload.SCENARIOS):
        u = upload.run(shape=shape, scenario=scenario)
        table.append(
            asdict(u) | {"ratio": u.ratio, "hub_rows_per_s": u.hub_rows_per_s, "raw_rows_per_s": u.raw_rows_per_s}
        )
        worker = f"{u.worker_peak_rss_mb:9.0f}" if u.worker_peak_rss_mb is not None else f"{'-':>9}"
        child = f"{u.result_peak_rss_mb:9.0f}" if u.result_peak_rss_mb is not None else f"{'-':>9}"
        print(
            f"{u.shape:11} {u.scenario:8} {u.rows:7} {u.file_bytes / 2**20:5.1f} {u.hub_seconds:7.1f}"
            f" {u.hub_rows_per_s:8.0f}",
            end="",
        )
        print(f" {u.raw_seconds:6.1f} {u.raw_rows_per_s:8.0f} {u.ratio:5.2f} {u.post_seconds:6.1f}", end="")
        print(f" {u.serve_peak_rss_mb:8.0f} {u.serve_rss_before_mb:6.0f}", end="")
        print(f" {u.serve_rss_after_post_mb:7.0f} {worker} {child}", end="")
        print(f" {u.raw_peak_rss_mb:7.0f}")
    return table


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "all"
    report: dict[str, object] = {"machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"machine: {report['machine']}")
    if which in {"intake", "all"}:
        for shape in shapes():
            rows = intake.run(shape=shape)
            report[f"intake-{shape}"] = [asdict(r) | {"ratio": r.ratio} for r in rows]
            print(f"\nIntake ({shape}): fresh signed messages accepted per second, HTTP, 8 client threads")
            print(f"{'message':36} {'bytes':>8} {'hub msg/s':>10} {'raw msg/s':>10} {'ratio':>6}")
            for r in rows:
                print(f"{r.kind:36} {r.size_bytes:8} {r.hub_per_s:10.1f} {r.raw_per_s:10.1f} {r.ratio:6.2f}")
    if which in {"accounts", "all"}:
        print("\nAccounts end to end: fresh signed 100-account messages, 4 clients, to the last result")
        print(f"{'shape':14} {'accounts':>8} {'msg bytes':>9} {'hub acc/s':>10} {'raw acc/s':>10} {'ratio':>6}")
        runs: list[dict[str, object]] = []
        report["accounts"] = runs
        for shape in shapes():
            for processes in (1, 2) if shape == "embedded" else (1,):
                a = accounts.run(shape=shape, processes=processes)
                runs.append(asdict(a) | {"ratio": a.ratio})
                label = f"{a.shape} ×{processes}" if shape == "embedded" else a.shape
                print(
                    f"{label:14} {a.accounts:8} {a.message_bytes:9} {a.hub_accounts_per_s:10.1f}"
                    f" {a.raw_accounts_per_s:10.1f} {a.ratio:6.2f}"
                )
    if which in {"readings", "all"}:
        report["readings"] = readings_table()
    if which in {"bills", "all"}:
        report["bills"] = bills_table()
    if which in {"upload", "all"}:
        report["upload"] = upload_table()
    print(f"\nsaved {save_report(report, 'bench')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
