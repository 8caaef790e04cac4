"""Overload: more clients than the workers can serve, against ``hub serve`` as shipped.

``python -m bench.overload [--seconds 60] [--clients 20] [--orgs 4] [--pause 0.5] [--env K=V …]``

Reproduces the security review's load, bounded: ``hub serve`` (embedded, its default number of
processes, a fresh data directory, loopback only) and ``clients`` threads posting fresh signed
100-account importAccountData messages for ``seconds``. A message refused with EXP002001 is sent
again as it is after ``pause`` seconds (nothing was stored: the "try again" of GIS clients); an
Ack makes the client build a fresh one. Then the load stops and the bench waits (at most
``--drain-limit`` seconds) until ``/health`` shows no unfinished message and the last accepted
one answers RequestState 3.

Prints accepted per second, refusals, the largest backlog ``/health`` showed and the drain time.
``--env HUB_MAX_BACKLOG=0`` turns admission control off: the review's hub.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from lxml import etree

from bench.common import PASSWORD, BenchOrg, Loopback, hub_processes, register_orgs, settings_env, signed_request
from hub import ns
from hub.config import default_processes
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from hub.store.db import make_engine
from testkit.accounts import Acc, import_request
from testkit.messages import HM_PATH, get_state
from testkit.seeds import add_house

BASE = ns.BASE
OVERLOADED = "EXP002001"
#: per client: more posts than ``seconds`` could ever allow, so the deadline is what stops it
MAX_POSTS = 1_000_000
HEALTH_EVERY = 0.5


@dataclass
class Tally:
    """What the clients saw; updated under ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: int = 0
    refusals: int = 0
    other: int = 0
    other_samples: list[str] = field(default_factory=list)
    last_ack: tuple[float, str, BenchOrg] | None = None
    max_backlog: int = 0


@dataclass
class OverloadResult:
    seconds: float
    clients: int
    acks: int
    refusals: int
    other: int
    max_backlog: int
    drain_seconds: float | None  # None: not drained within the limit
    processes: int

    @property
    def acks_per_s(self) -> float:
        return self.acks / self.seconds


def _template(premises: list[str]) -> etree._Element:
    """One 100-account body; ``_fresh`` copies it with new numbers (building one costs ~23 ms)."""
    return import_request([Acc(places=[("PremisesGUID", guid, None)], number="x") for guid in premises])


_NUMBER = ns.qname(ns.ACCOUNT_BASE, "AccountNumber")
_TRANSPORT = ns.qname(BASE, "TransportGUID")


def _fresh(template: etree._Element) -> etree._Element:
    body = copy.deepcopy(template)
    for element in body.iter(_NUMBER, _TRANSPORT):
        element.text = uuid.uuid4().hex[:20] if element.tag == _NUMBER else str(uuid.uuid4())
    return body


def _client(base: str, org: BenchOrg, template: etree._Element, deadline: float, pause: float, tally: Tally) -> None:
    connection = Loopback(base, user=org.ppaguid, password=PASSWORD)
    pending: bytes | None = None
    try:
        for _ in range(MAX_POSTS):
            if time.monotonic() >= deadline:
                return
            if pending is None:
                pending = signed_request(org, _fresh(template))
            status, answer = connection.post(HM_PATH, pending, soap_action="urn:importAccountData")
            try:
                root = parse_xml(answer)
            except HubError:
                root = etree.Element("not-xml")
            if status == 200:
                guid = root.findtext(f".//{{{BASE}}}Ack/{{{BASE}}}MessageGUID") or ""
                with tally.lock:
                    tally.acks += 1
                    tally.last_ack = (time.monotonic(), guid, org)
                pending = None
                continue
            code = root.findtext(f".//{{{BASE}}}Fault/{{{BASE}}}ErrorCode")
            with tally.lock:
                if code == OVERLOADED:
                    tally.refusals += 1
                else:
                    tally.other += 1
                    if len(tally.other_samples) < 5:
                        tally.other_samples.append(f"HTTP {status} {code}")
            if code == OVERLOADED:
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            else:
                pending = None
    finally:
        connection.close()


def _unfinished(base: str) -> int | None:
    try:
        value = httpx.get(base + "/health", timeout=5).json()["backlog"]["unfinished"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None
    return int(value) if value is not None else None


def _watch_health(base: str, until: threading.Event, tally: Tally, limit_s: float) -> None:
    started = time.monotonic()
    while not until.wait(HEALTH_EVERY) and time.monotonic() - started < limit_s:
        unfinished = _unfinished(base)
        if unfinished is not None:
            with tally.lock:
                tally.max_backlog = max(tally.max_backlog, unfinished)


def _state(base: str, guid: str, org: BenchOrg) -> str | None:
    connection = Loopback(base, user=org.ppaguid, password=PASSWORD)
    try:
        _status, answer = connection.post(HM_PATH, get_state(guid, org.ppaguid))
        return parse_xml(answer).findtext(f".//{{{BASE}}}RequestState")
    finally:
        connection.close()


def run(
    *,
    seconds: float = 60.0,
    clients: int = 20,
    orgs: int = 4,
    pause: float = 0.5,
    drain_limit: float = 1800.0,
    env_overrides: dict[str, str] | None = None,
) -> tuple[OverloadResult, Tally]:
    with tempfile.TemporaryDirectory(prefix="hub-bench-overload-") as tmp:
        data_dir = Path(tmp) / "data"
        env = settings_env(data_dir) | (env_overrides or {})
        url = f"sqlite:///{data_dir / 'hub.sqlite3'}"
        members = register_orgs(url, orgs)
        engine = make_engine(url)
        with engine.begin() as conn:
            templates = [_template(add_house(conn, org.id, premises_count=100, rooms=0).premises) for org in members]
        engine.dispose()
        tally = Tally()
        with hub_processes(env, processes=None) as base:
            stop_watch = threading.Event()
            watcher = threading.Thread(
                target=_watch_health, args=(base, stop_watch, tally, seconds + drain_limit + 60), daemon=True
            )
            watcher.start()
            started = time.monotonic()
            deadline = started + seconds
            threads = [
                threading.Thread(
                    target=_client,
                    args=(base, members[i % orgs], templates[i % orgs], deadline, pause, tally),
                    daemon=True,
                )
                for i in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(seconds + 300)  # a post in flight at the deadline still finishes
            stopped = time.monotonic()
            drained = None
            while time.monotonic() - stopped < drain_limit:
                if _unfinished(base) == 0 and (tally.last_ack is None or _state(base, *tally.last_ack[1:]) == "3"):
                    drained = time.monotonic() - stopped
                    break
                time.sleep(HEALTH_EVERY)
            stop_watch.set()
            watcher.join(10)
        result = OverloadResult(
            seconds=stopped - started,
            clients=clients,
            acks=tally.acks,
            refusals=tally.refusals,
            other=tally.other,
            max_backlog=tally.max_backlog,
            drain_seconds=drained,
            processes=int(env.get("HUB_PROCESSES") or default_processes()),
        )
        return result, tally


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.overload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients post (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="client threads (default 20)")
    parser.add_argument("--orgs", type=int, default=4, help="organizations the clients send for (default 4)")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds before re-sending a refused message")
    parser.add_argument("--drain-limit", type=float, default=1800.0, help="longest wait for the backlog to drain")
    parser.add_argument("--env", action="append", default=[], metavar="HUB_X=V", help="setting for hub serve")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.env)
    result, tally = run(
        seconds=args.seconds,
        clients=args.clients,
        orgs=args.orgs,
        pause=args.pause,
        drain_limit=args.drain_limit,
        env_overrides=overrides,
    )
    drain = f"{result.drain_seconds:.1f} s" if result.drain_seconds is not None else f"> {args.drain_limit:.0f} s"
    print(f"hub serve (embedded, {result.processes} processes) {' '.join(args.env) or 'as shipped'}")
    print(f"{result.clients} clients × {result.seconds:.1f} s of fresh signed 100-account importAccountData")
    print(f"accepted   {result.acks:7}  ({result.acks_per_s:.1f} msg/s)")
    print(f"refused    {result.refusals:7}  (EXP002001)")
    if result.other:
        print(f"other      {result.other:7}  {tally.other_samples}")
    print(f"max backlog {result.max_backlog:6}  (unfinished, /health every {HEALTH_EVERY} s)")
    print(f"drain time {drain:>7}  (load stopped → nothing unfinished, last Ack in RequestState 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
