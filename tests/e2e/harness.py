"""A running hub for end-to-end tests, in either deployment shape, over real HTTP.

embedded:   SQLite file + StubBroker + worker threads in the test process, uvicorn on loopback.
production: a fresh PostgreSQL database + Redis broker, uvicorn on loopback in the test
            process (HTTP only), and ``hub worker`` as a separate OS process.
Processes started here are killed at teardown; every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import uvicorn

from hub.composition import Hub, build_hub, make_identity_files, worker_ports
from hub.config import Settings, load_settings
from hub.contract import pki
from hub.contract.pki import SigningIdentity
from hub.queue.worker import RunningWorker, start
from hub.services.identity import hash_password
from hub.web import create_app
from testkit import databases
from testkit.messages import HM_PATH, get_state
from tests.servers import postgres_database, redis_url

#: The deployment shapes every end-to-end case runs in (the ids of the ``hut`` fixture's cases).
SHAPES = ("embedded", "production")
PASSWORD = "test-password"
HUB_BIN = Path(sys.executable).parent / "hub"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@dataclass
class Org:
    ppaguid: str
    identity: SigningIdentity
    id: int = 0

    @property
    def auth(self) -> tuple[str, str]:
        return (self.ppaguid, PASSWORD)


@dataclass
class HubUnderTest:
    shape: str
    settings: Settings
    hub: Hub
    base_url: str
    env: dict[str, str]
    client: httpx.Client
    orgs: dict[str, Org] = field(default_factory=dict)
    worker_process: subprocess.Popen[bytes] | None = None
    in_process: RunningWorker | None = None

    def post(
        self,
        body: bytes,
        *,
        auth: tuple[str, str] | None = None,
        soap_action: str | None = None,
        path: str = HM_PATH,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"Content-Type": "text/xml; charset=utf-8", **(headers or {})}
        if soap_action:
            all_headers["SOAPAction"] = soap_action
        return self.client.post(self.base_url + path, content=body, auth=auth, headers=all_headers)

    def poll(self, message_guid: str, org: Org, *, timeout: float = 30.0, path: str = HM_PATH) -> bytes:
        """getState until RequestState 3 (bounded); returns the last response body."""
        from testkit.answers import body_child

        deadline = time.monotonic() + timeout
        while True:
            request = get_state(message_guid, org.ppaguid)
            response = self.post(request, auth=org.auth, soap_action="urn:getState", path=path)
            assert response.status_code == 200, response.text[:1000]
            state = body_child(response.content).findtext(
                "{http://dom.gosuslugi.ru/schema/integration/base/}RequestState"
            )
            if state == "3" or time.monotonic() > deadline:
                return response.content
            time.sleep(0.05)

    def refused(self, body: bytes, code: str, **post_kw: object) -> str:
        """Post ``body``; assert a Fault with ``code`` and that nothing was stored; its message."""
        from testkit.answers import fault_code, fault_message

        before = self.inbox_count()
        response = self.post(body, **post_kw)  # type: ignore[arg-type]
        assert response.status_code == 500, response.text[:1000]
        assert response.headers["content-type"].startswith("text/xml")
        assert fault_code(response.content) == code, response.text[:2000]
        assert self.inbox_count() == before, "a refused request must not be stored"
        return fault_message(response.content)

    @contextmanager
    def trusting_proxies(self, *proxies: str) -> Iterator[None]:
        """This running hub with ``HUB_TRUSTED_PROXIES`` = ``proxies`` for the block (the SOAP app
        reads the hub's settings per request)."""
        before = self.hub.settings
        self.hub.settings = replace(before, trusted_proxies=proxies)
        try:
            yield
        finally:
            self.hub.settings = before

    def inbox_count(self) -> int:
        return sum(self.hub.inbox.counts().values())

    def start_worker(self, extra_env: dict[str, str] | None = None) -> None:
        if self.shape == "production":
            self.worker_process = spawn([str(HUB_BIN), "worker", "--threads", "2"], {**self.env, **(extra_env or {})})
        else:
            self.in_process = start(worker_ports(self.hub, threads=2))

    def stop_worker(self) -> None:
        if self.worker_process is not None:
            terminate(self.worker_process)
            self.worker_process = None
        if self.in_process is not None:
            self.in_process.stop()
            self.in_process = None


def spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def terminate(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def child_processes(pid: int) -> list[int]:
    """Linux: the processes ``pid`` started (its main thread's children)."""
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def server_processes(pid: int) -> list[int]:
    """Linux: the processes uvicorn started for ``hub serve``/``hub demo`` ``pid`` (its workers,
    not its helpers such as multiprocessing's resource tracker)."""
    found = []
    for child in child_processes(pid):
        with suppress(FileNotFoundError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    return found


@contextmanager
def running_hub(
    shape: str, tmp: Path, *, start_worker: bool = True, gost_hub_key: bool = False, **overrides: object
) -> Iterator[HubUnderTest]:
    """A hub of ``shape`` on loopback; ``gost_hub_key``: it signs its responses with GOST R 34.10-2012."""
    with _storage(shape, tmp) as (database_url, broker_url):
        env = {
            "HUB_DATA_DIR": str(tmp / "data"),
            "HUB_DATABASE_URL": database_url,
            "HUB_BROKER_URL": broker_url,
            "HUB_SWEEP_SECONDS": "0.5",
            "HUB_LEASE_SECONDS": "3",
        }
        if shape == "production" or gost_hub_key:  # every process signs with the one configured key
            key, cert = make_identity_files(tmp / "hub-key", gost=gost_hub_key)
            env.update({"HUB_SIGNING_KEY": str(key), "HUB_SIGNING_CERT": str(cert)})
        settings = load_settings(env, **overrides)
        hub = build_hub(settings)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(hub=hub),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                access_log=False,
                proxy_headers=False,
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        assert wait_for(lambda: server.started, 20), "uvicorn did not start"
        client = httpx.Client(timeout=30)
        hut = HubUnderTest(shape, settings, hub, f"http://127.0.0.1:{port}", env, client)
        try:
            register_orgs(hut)
            if start_worker:
                hut.start_worker()
            yield hut
        finally:
            hut.stop_worker()
            client.close()
            server.should_exit = True
            thread.join(10)
            hub.close()


@contextmanager
def _storage(shape: str, tmp: Path) -> Iterator[tuple[str, str]]:
    """(database URL, broker URL) of a fresh migrated database: embedded, the SQLite file at the
    data directory's default place ("" for both, as a user's embedded hub has them); production,
    a PostgreSQL database and this worker's flushed Redis database."""
    if shape == "embedded":
        databases.sqlite_database(tmp / "data" / "hub.sqlite3")
        yield "", ""
        return
    broker = redis_url()
    with postgres_database() as url:
        yield url, broker


def register_orgs(hut: HubUnderTest) -> None:
    from testkit.pki import DEMO_ORG, OTHER_ORG, OTHER_RSO_ORG, RSO_ORG, org_identity

    # "a", "b": management companies (УО); "rso", "rso2": resource-supply organizations (РСО)
    for key, name, role in (
        ("a", DEMO_ORG, "УО"),
        ("b", OTHER_ORG, "УО"),
        ("rso", RSO_ORG, "РСО"),
        ("rso2", OTHER_RSO_ORG, "РСО"),
    ):
        identity = org_identity(name)
        org = Org(str(uuid.uuid4()), identity)
        created = hut.hub.directory.add_organization(
            ppaguid=org.ppaguid,
            name=name,
            ogrn=f"10277000000{len(hut.orgs) + 1:02d}",
            inn=f"77000000{len(hut.orgs) + 1:02d}",
            kpp="770001001",
            roles=[role],
            password_hash=hash_password(PASSWORD),
            actor="test",
        )
        org.id = created.id
        register_certificate(hut, identity, created.id)
        hut.orgs[key] = org


def register_certificate(
    hut: HubUnderTest, identity: pki.AnyIdentity, org_id: int | None, *, operator_for: list[int] | None = None
) -> None:
    """What ``hub cert add`` does, for an RSA/ECDSA or a GOST identity (idempotent)."""
    cert = identity.certificate if isinstance(identity, SigningIdentity) else identity.certificate.certificate
    if hut.hub.directory.certificate(pki.fingerprint(cert)) is not None:
        return
    hut.hub.directory.add_certificate(
        fingerprint=pki.fingerprint(cert),
        organization_id=org_id,
        is_operator=operator_for is not None,
        subject=cert.subject.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        pem=identity.certificate_pem.decode(),
        operator_for=operator_for or [],
        actor="test",
    )
