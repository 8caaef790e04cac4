"""Meter readings end to end: signed 1000-reading messages from several clients, vs the raw limit.

set-up: per client an organization (УО) with ``houses`` houses of 1000 premises each, an account
      and a hot-water meter in each premises, placed over HTTP (10 + 10 messages of 100 a house).
hub:  the clients post, in parallel, fresh signed importMeteringDeviceValues messages of 1000
      readings (one per device of a house; the next month in each round) and poll getState every
      POLL_S (0.02 s) until every message is processed. Each client sends one message per house for a
      month, then waits for their results before the next month, as a client keeping each
      device's months in order must: with one house a client has one message in flight, with
      five it has five (what an РСО sending many houses does). Rate = readings with a good
      ImportResult / wall time from the first POST to the last result.
raw:  the same messages in one process, no HTTP, no queue, no rules: safe parse + strict
      signature verify + XSD validation + one batched insert of the message's 1000 rows into a
      readings-shaped table.
latency: one more 1000-reading message alone: Ack → RequestState 3 (getState polled every
      10 ms), beside the raw time of the same message.
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
    ack,
    good_results,
    hub_processes,
    place_accounts,
    post,
    raw_seconds,
    register_orgs,
    result,
    settings_env,
    signed_request,
    storage,
)
from hub import ns
from hub.store.db import make_engine
from testkit.devices import Dev, place_devices
from testkit.messages import HM_PATH
from testkit.readings import Dev as Values
from testkit.readings import Val, import_values
from testkit.seeds import add_house

DM_PATH = "/ext-bus-device-metering-service/services/DeviceMeteringAsync"
BASE, HM, DM = ns.BASE, ns.HOUSE_MANAGEMENT, ns.DEVICE_METERING
HOT_WATER = "2"
#: months in order from February 2024 (devices are commissioned in January 2024)
MONTHS = [(2024 + m // 12, m % 12 + 1) for m in range(1, 35)]


@dataclass
class ReadingsResult:
    shape: str
    clients: int
    houses: int
    messages: int
    readings: int
    message_bytes: int
    hub_readings_per_s: float
    raw_readings_per_s: float
    ack_to_done_s: float
    raw_message_s: float

    @property
    def ratio(self) -> float:
        return self.hub_readings_per_s / self.raw_readings_per_s

    @property
    def latency_ratio(self) -> float:
        return self.ack_to_done_s / self.raw_message_s


def _place(client: Loopback, org: BenchOrg, premises: list[str]) -> list[str]:
    """An account and a hot-water meter in every premises; the devices' root GUIDs."""
    accounts = place_accounts(client, org, premises)
    devices = [
        Dev("ResidentialPremiseDevice", [p], (HOT_WATER,), values=("1",), accounts=[a])
        for p, a in zip(premises, accounts, strict=True)
    ]
    roots: list[str] = []
    for request in place_devices(devices):
        state, _ = post(client, org, HM_PATH, "importMeteringDeviceData", request)
        roots += [
            c.findtext(f"{{{HM}}}importMeteringDevice/{{{HM}}}MeteringDeviceGUID") or ""
            for c in state.iter(f"{{{HM}}}CommonResult")
        ]
    if not all(roots) or len(roots) != len(premises):
        raise RuntimeError("devices were not placed")
    return roots


def _readings(roots: list[str], month: tuple[int, int]) -> etree._Element:
    """One reading per device for ``month``, growing month by month."""
    year, number = month
    value = f"{(year - 2023) * 12 + number}"
    values = [Values(root, values=(Val((value,), HOT_WATER, f"{year}-{number:02d}-20", month),)) for root in roots]
    return import_values(values, seed=f"bench-{uuid.uuid4()}")


def _raw_rows(request: etree._Element) -> list[dict[str, object]]:
    """What the raw limit inserts of a readings message: a row per device."""
    return [
        {
            "guid": str(uuid.uuid4()),
            "device": block.findtext(f"{{{DM}}}MeteringDeviceRootGUID"),
            "value": block.findtext(f".//{{{ns.METERING_DEVICE_BASE}}}MeteringValue"),
            "date": block.findtext(f".//{{{DM}}}DateValue"),
        }
        for block in request.iterchildren(f"{{{DM}}}MeteringDevicesValues")
    ]


def _raw(messages: list[bytes], scratch_db: Path) -> float:
    return raw_seconds(messages, scratch_db, ["guid", "device", "value", "date"], _raw_rows)


def run(
    *,
    shape: str = "embedded",
    clients: int = 2,
    houses: int = 1,
    months: int = 5,
    repeats: int = 2,
    processes: int | None = 1,
) -> ReadingsResult:
    """``houses``: per client (messages in flight per client); ``months``: rounds per repeat;
    ``processes``: of ``hub serve`` (None: its default, 2 on Linux with 2+ cores)."""
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp, storage(shape) as (db_url, broker_url):
        data_dir = Path(tmp) / "data"
        env = settings_env(data_dir, db_url, broker_url)
        url = db_url or f"sqlite:///{data_dir / 'hub.sqlite3'}"
        orgs = register_orgs(url, clients)
        engine = make_engine(url)
        with engine.begin() as conn:
            premises = [
                [add_house(conn, org.id, premises_count=1000, rooms=0).premises for _ in range(houses)] for org in orgs
            ]
        engine.dispose()
        with hub_processes(env, workers=2 if shape == "production" else 0, processes=processes) as base:
            connections = [Loopback(base, user=org.ppaguid, password=PASSWORD) for org in orgs]

            def place(i: int) -> list[list[str]]:
                return [_place(connections[i], orgs[i], house) for house in premises[i]]

            with ThreadPoolExecutor(clients) as pool:
                roots = list(pool.map(place, range(clients)))
            calendar = iter(MONTHS)
            hub_runs, raw_runs = [], []
            for run_no in range(repeats):
                batch = [next(calendar) for _ in range(months)]
                raw = [
                    signed_request(org, _readings(house, m))
                    for org, org_roots in zip(orgs, roots, strict=True)
                    for m in batch
                    for house in org_roots
                ]
                raw_runs.append(len(raw) * 1000 / _raw(raw, Path(tmp) / f"raw{run_no}.sqlite3"))

                # signed before the clock starts, as the raw limit's messages are: clients on a real
                # network sign on their own machines, not on the hub's cores
                signed = [
                    [[signed_request(org, _readings(house, m)) for house in org_roots] for m in batch]
                    for org, org_roots in zip(orgs, roots, strict=True)
                ]

                def client(i: int, signed: list[list[list[bytes]]] = signed) -> int:
                    good = 0
                    for month in signed[i]:
                        sent = [ack(connections[i], orgs[i], DM_PATH, "importMeteringDeviceValues", m) for m in month]
                        good += sum(good_results(result(connections[i], orgs[i], DM_PATH, guid), DM) for guid in sent)
                    return good

                started = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    good = sum(pool.map(client, range(clients)))
                elapsed = time.perf_counter() - started
                expected = clients * houses * months * 1000
                if good != expected:
                    raise RuntimeError(f"{expected - good} readings failed")
                hub_runs.append(good / elapsed)
            month = next(calendar)
            body = _readings(roots[0][0], month)
            one = signed_request(orgs[0], body)
            raw_one = _raw([one], Path(tmp) / "raw-one.sqlite3")
            # the same body in a fresh envelope (a resend of ``one`` would be a replay)
            state, ack_to_done = post(connections[0], orgs[0], DM_PATH, "importMeteringDeviceValues", body, poll=0.01)
            if good_results(state, DM) != 1000:
                raise RuntimeError("the timed message failed")
            for connection in connections:
                connection.close()
        return ReadingsResult(
            shape=shape,
            clients=clients,
            houses=houses,
            messages=clients * houses * months,
            readings=clients * houses * months * 1000,
            message_bytes=len(one),
            hub_readings_per_s=max(hub_runs),
            raw_readings_per_s=max(raw_runs),
            ack_to_done_s=ack_to_done,
            raw_message_s=raw_one,
        )
