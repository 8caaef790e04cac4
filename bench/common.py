"""What every benchmark needs: a hub process on loopback, registered test organizations, timing."""

from __future__ import annotations

import base64
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from lxml import etree

from hub import ns
from hub.composition import make_identity_files
from hub.config import load_settings
from hub.contract import pki
from hub.contract.pki import SigningIdentity
from hub.contract.xmlparse import parse_xml
from hub.services.identity import hash_password
from hub.store import migrate
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import SqlDirectory
from testkit import databases
from testkit.accounts import Acc
from testkit.accounts import import_request as import_accounts
from testkit.messages import HM_PATH, get_state, signed

HUB_BIN = Path(sys.executable).parent / "hub"
PASSWORD = "bench-password"


RESULTS = Path(__file__).resolve().parent / "results"


def save_report(report: dict[str, object], prefix: str) -> Path:
    """Write ``report`` as JSON to ``bench/results/<prefix>-<time>.json``; the path written."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return out


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BenchOrg:
    ppaguid: str
    identity: SigningIdentity
    id: int = 0


def signed_request(org: BenchOrg, body: etree._Element) -> bytes:
    """A fresh envelope (new MessageGUID and Date) around ``body``, signed by ``org``."""
    return signed(body, org.identity, org.ppaguid)


def register_orgs(database_url: str, count: int) -> list[BenchOrg]:
    """Organizations with their own signing certificates (fresh keys; RSA-2048)."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    directory = SqlDirectory(Store(engine))
    ca = pki.create_ca("Bench CA")
    orgs = []
    for i in range(count):
        identity = pki.issue_certificate(ca, common_name=f"Bench {i}", organization=f"Bench org {i}")
        ppaguid = str(uuid.uuid4())
        org = directory.add_organization(
            ppaguid=ppaguid,
            name=f"Bench org {i}",
            ogrn=f"10277{i:08d}",
            inn=f"77{i:08d}",
            kpp="770001001",
            roles=["УО"],
            password_hash=hash_password(PASSWORD),
            actor="bench",
        )
        cert = identity.certificate
        directory.add_certificate(
            fingerprint=pki.fingerprint(cert),
            organization_id=org.id,
            is_operator=False,
            subject=cert.subject.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            pem=identity.certificate_pem.decode(),
            operator_for=[],
            actor="bench",
        )
        orgs.append(BenchOrg(ppaguid, identity, org.id))
    engine.dispose()
    return orgs


class Loopback:
    """One keep-alive HTTP/1.1 connection to the hub, for a bench client thread.

    The clients share the machine with the hub they measure, so their own CPU is taken from it:
    httpx spent 1-2 ms per request (and 15 ms building an SSL context per client) where the
    standard library's ``http.client`` spends ~0.1 ms. Clients on a real network run elsewhere.
    """

    #: uvicorn closes a keep-alive connection idle for 5 s (a client busy signing a long batch)
    IDLE_S = 3.0

    def __init__(self, base_url: str, *, user: str | None = None, password: str | None = None) -> None:
        self._used = time.monotonic()
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        self._headers = {"Content-Type": "text/xml; charset=utf-8"}
        if user is not None and password is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"

    def post(self, path: str, body: bytes, *, soap_action: str | None = None) -> tuple[int, bytes]:
        headers = self._headers if soap_action is None else {**self._headers, "SOAPAction": soap_action}
        if time.monotonic() - self._used > self.IDLE_S:
            self._connection.close()  # the server may have dropped it: reconnect rather than race it
        self._connection.request("POST", path, body=body, headers=headers)
        response = self._connection.getresponse()
        answer = response.read()
        self._used = time.monotonic()
        return response.status, answer

    def close(self) -> None:
        self._connection.close()


@contextmanager
def hub_processes(
    env: dict[str, str],
    *,
    workers: int = 0,
    serve: bool = True,
    processes: int | None = 1,
    started: list[int] | None = None,
) -> Iterator[str]:
    """``hub serve --processes N`` (None: its default) and ``hub worker`` × workers as OS
    processes; yields the base URL. ``started`` gets their pids (serve first), for measuring them."""
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    full_env = {**os.environ, **env}
    try:
        if serve:
            procs.append(
                subprocess.Popen(
                    [str(HUB_BIN), "serve", "--port", str(port)]
                    + (["--processes", str(processes)] if processes is not None else []),
                    env=full_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        for _ in range(workers):
            procs.append(
                subprocess.Popen(
                    [str(HUB_BIN), "worker"],
                    env=full_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        if started is not None:
            started.extend(proc.pid for proc in procs)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while serve:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("hub did not start")
            time.sleep(0.1)
        yield base
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def settings_env(data_dir: Path, database_url: str = "", broker_url: str = "") -> dict[str, str]:
    env = {"HUB_DATA_DIR": str(data_dir), "HUB_DATABASE_URL": database_url, "HUB_BROKER_URL": broker_url}
    if database_url:  # production: every process signs with the one configured key
        key, cert = make_identity_files(data_dir / "hub-key")
        env.update({"HUB_SIGNING_KEY": str(key), "HUB_SIGNING_CERT": str(cert)})
    load_settings(env)  # validates
    return env


@contextmanager
def storage(shape: str) -> Iterator[tuple[str, str]]:
    """("", "") for embedded; a fresh migrated PostgreSQL database (``testkit.databases``) and a flushed
    Redis db for production."""
    if shape == "embedded":
        yield "", ""
        return
    admin_url = os.environ.get("HUB_BENCH_POSTGRES_URL") or os.environ.get("HUB_TEST_POSTGRES_URL", "")
    redis_url = os.environ.get("HUB_BENCH_REDIS_URL") or os.environ.get("HUB_TEST_REDIS_URL", "")
    if not (admin_url and redis_url):
        raise RuntimeError("production shape needs HUB_BENCH_POSTGRES_URL and HUB_BENCH_REDIS_URL")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with databases.postgres_database(admin_url, prefix="hub_bench") as url:
        yield url, redis_url


def raw_seconds(
    messages: list[bytes],
    scratch_db: Path,
    columns: list[str],
    rows: Callable[[etree._Element], list[dict[str, object]]],
) -> float:
    """The raw limit of an import: seconds to safe-parse, strictly verify, XSD-validate
    ``messages`` and insert each one's ``rows`` (of its verified request element) in one batch
    into a scratch SQLite table of text ``columns`` — no HTTP, queue or rules."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, insert

    from hub.contract import signature
    from hub.contract.schemas import Schemas

    schemas = Schemas.load()
    engine = make_engine(f"sqlite:///{scratch_db}")
    table = Table("raw", MetaData(), Column("id", Integer, primary_key=True), *(Column(c, String) for c in columns))
    table.metadata.create_all(engine)
    started = time.perf_counter()
    for data in messages:
        verified = signature.verify_envelope(parse_xml(data))
        schemas.validate(verified.element)
        with engine.begin() as conn:
            conn.execute(insert(table), rows(verified.element))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


#: how often a bench client asks getState (s): short, so a result is seen soon after it is ready;
#: each poll is a signed answer the hub pays for, as with any client
POLL_S = 0.02


def ack(client: Loopback, org: BenchOrg, path: str, action: str, body: etree._Element | bytes) -> str:
    """Post a message (signing a body element first): the Ack's MessageGUID."""
    message = body if isinstance(body, bytes) else signed_request(org, body)
    status, answer = client.post(path, message, soap_action=f"urn:{action}")
    if status != 200:
        raise RuntimeError(answer[:500].decode(errors="replace"))
    return parse_xml(answer).findtext(f".//{{{ns.BASE}}}Ack/{{{ns.BASE}}}MessageGUID") or ""


def result(client: Loopback, org: BenchOrg, path: str, guid: str, poll: float = POLL_S) -> etree._Element:
    """getState polled until RequestState 3: the getStateResult."""
    while True:
        _status, answer = client.post(path, get_state(guid, org.ppaguid))
        state = parse_xml(answer)
        if state.findtext(f".//{{{ns.BASE}}}RequestState") == "3":
            return state
        time.sleep(poll)


def good_results(result: etree._Element, namespace: str) -> int:
    """How many ``ImportResult`` (of the service's ``namespace``) in a getStateResult carry no error."""
    error = f"{{{ns.BASE}}}Error"
    return sum(1 for r in result.iter(f"{{{namespace}}}ImportResult") if r.find(error) is None)


def post(
    client: Loopback, org: BenchOrg, path: str, action: str, body: etree._Element | bytes, poll: float = POLL_S
) -> tuple[etree._Element, float]:
    """Post and poll to RequestState 3: the getStateResult and the seconds from Ack to state 3."""
    guid = ack(client, org, path, action, body)
    acked = time.perf_counter()
    state = result(client, org, path, guid, poll)
    return state, time.perf_counter() - acked


def place_accounts(client: Loopback, org: BenchOrg, premises: list[str]) -> list[str]:
    """An account in every premises (messages of 100): their GUIDs, in the premises' order."""
    accounts: list[str] = []
    for start in range(0, len(premises), 100):
        batch = [
            Acc([("PremisesGUID", p, None)], number=f"b{uuid.uuid4().hex[:10]}") for p in premises[start : start + 100]
        ]
        state, _ = post(client, org, HM_PATH, "importAccountData", import_accounts(batch))
        accounts += [
            c.findtext(f"{{{ns.BASE}}}GUID") or "" for c in state.iter(f"{{{ns.HOUSE_MANAGEMENT}}}CommonResult")
        ]
    if not all(accounts) or len(accounts) != len(premises):
        raise RuntimeError("accounts were not placed")
    return accounts
