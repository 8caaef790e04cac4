"""The composition root: the one place that wires real technology to the services.

``build_hub(settings)`` makes the engine, the store's repositories, the broker, the schemas and
the hub's signing identity, then the pipeline's services over them (intake, state query,
processor, authenticator) and each registered operation's handler. Entry points take only the
narrow ports they need from the result (``hub.soap.handling.SoapPorts``, :func:`worker_ports`);
nothing is built at import time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dramatiq
from sqlalchemy import Engine

from hub.config import Settings
from hub.contract import pki
from hub.contract.gost import keyfile as gost_keyfile
from hub.contract.registry import Operation, Registry, registry
from hub.contract.results import failure_fragment
from hub.contract.schemas import Schemas
from hub.metrics import Metrics
from hub.queue.broker import DramatiqQueue, make_broker
from hub.queue.ports import WorkerPorts
from hub.services.handlers import HandlerSetup, build_handlers, provided_ports
from hub.services.identity import Authenticator, LoginThrottle, PasswordCache
from hub.services.intake import BacklogLimits, Intake
from hub.services.outages import Outage
from hub.services.processing import Failure, ProcessingPolicy, Processor
from hub.services.state import StateQuery
from hub.store import migrate
from hub.store.audit import SqlAudit
from hub.store.base import Store
from hub.store.db import is_transient, make_engine
from hub.store.directory import CachedDirectory
from hub.store.inbox import SqlInbox
from hub.store.nsi import SqlNsiCatalog

log = logging.getLogger(__name__)

HUB_KEY_FILE = "hub-signing.key"
HUB_CERT_FILE = "hub-signing.pem"

#: re-exported for the launchers: raised by :func:`build_hub` on an outdated production schema
SchemaOutdatedError = migrate.SchemaOutdatedError


class SetupError(RuntimeError):
    """Raised when the production shape lacks a setting it cannot run without."""


@dataclass
class Hub:
    """Everything one hub process built, owned here (``close`` releases it); no behaviour of its own."""

    settings: Settings
    engine: Engine
    store: Store
    inbox: SqlInbox
    directory: CachedDirectory
    audit: SqlAudit
    nsi: SqlNsiCatalog
    broker: dramatiq.Broker
    queue: DramatiqQueue
    schemas: Schemas
    identity: pki.AnyIdentity
    passwords: PasswordCache
    registry: Registry
    intake: Intake
    states: StateQuery
    processor: Processor
    authenticator: Authenticator
    database_outage: Outage
    metrics: Metrics

    def close(self) -> None:
        self.broker.close()
        self.engine.dispose()


def load_identity(key_path: Path, cert_path: Path) -> pki.AnyIdentity:
    """An RSA/ECDSA identity from PEM files, or a GOST one (``hub.contract.gost.keyfile`` format)."""
    if gost_keyfile.is_gost_key(key_path.read_bytes()):
        return gost_keyfile.read_identity_files(key_path, cert_path)
    return pki.SigningIdentity.from_pem_files(key_path, cert_path)


def existing_hub_identity(settings: Settings) -> pki.AnyIdentity | None:
    """The hub's signing identity where it is configured or was created; None, creating nothing."""
    if settings.signing_key_path and settings.signing_cert_path:
        return load_identity(settings.signing_key_path, settings.signing_cert_path)
    key_path = Path(settings.data_dir) / HUB_KEY_FILE
    cert_path = Path(settings.data_dir) / HUB_CERT_FILE
    if key_path.exists() and cert_path.exists():
        return load_identity(key_path, cert_path)
    return None


def hub_identity(settings: Settings) -> pki.AnyIdentity:
    """The hub's own signing key and certificate.

    Production: PEM files named by the operator (``HUB_SIGNING_KEY``/``HUB_SIGNING_CERT``).
    Embedded: created once in the data directory at first start, then reused, so clients
    that pinned the published certificate keep verifying responses.
    """
    if settings.signing_key_path and settings.signing_cert_path:
        return load_identity(settings.signing_key_path, settings.signing_cert_path)
    key_path, cert_path = make_identity_files(Path(settings.data_dir))
    return load_identity(key_path, cert_path)


def make_identity_files(directory: Path, *, gost: bool = False) -> tuple[Path, Path]:
    """``hub-signing.key``/``hub-signing.pem`` in ``directory``, made once (a key valid ten years,
    its certificate issued by a throw-away CA; ``gost``: GOST R 34.10-2012, the CryptoPro-A
    curve); the paths. ``hub cert new-hub-key`` for production."""
    key_path, cert_path = directory / HUB_KEY_FILE, directory / HUB_CERT_FILE
    if not (key_path.exists() and cert_path.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        tmp_key, tmp_cert = key_path.with_suffix(".tmp-key"), cert_path.with_suffix(".tmp-pem")
        ten_years = dt.timedelta(days=3650)
        if gost:
            from hub.contract.gost import issuing

            gost_ca = issuing.create_ca("zhkh-hub embedded CA", validity=ten_years)
            gost_identity = issuing.issue_certificate(
                gost_ca, common_name="zhkh-hub", organization="zhkh-hub", validity=ten_years
            )
            gost_keyfile.write_identity_files(gost_identity, tmp_key, tmp_cert)
        else:
            ca = pki.create_ca("zhkh-hub embedded CA", validity=ten_years)
            identity = pki.issue_certificate(ca, common_name="zhkh-hub", organization="zhkh-hub", validity=ten_years)
            pki.write_pem_files(identity, tmp_key, tmp_cert)
        tmp_key.replace(key_path)
        tmp_cert.replace(cert_path)
        log.info("created the hub signing identity in %s", directory)
    return key_path, cert_path


def open_store(settings: Settings, *, upgrade_schema: bool | None = None) -> Store:
    """The store at the schema this code needs: the embedded shape migrates its SQLite file on
    start (one process owns it); production refuses an outdated schema (``hub db upgrade``)."""
    engine = make_engine(settings.effective_database_url)  # SQLite: makes its file's directory
    try:
        migrate.ensure_schema(
            engine, upgrade_schema=upgrade_schema if upgrade_schema is not None else settings.embedded
        )
    except migrate.SchemaOutdatedError:
        engine.dispose()
        raise
    return Store(engine)


def check_setup(settings: Settings) -> None:
    """Production needs the hub's signing identity configured: a key made by each process in its
    own working directory would sign results with keys the clients do not trust."""
    if not settings.embedded and not (settings.signing_key_path and settings.signing_cert_path):
        raise SetupError(
            "HUB_DATABASE_URL is set (production) but HUB_SIGNING_KEY/HUB_SIGNING_CERT are not: every"
            " hub serve and hub worker must sign with the one key clients trust; set both to its PEM files"
        )


def build_hub(settings: Settings, *, upgrade_schema: bool | None = None) -> Hub:
    """Wire a hub: the store, the pipeline's services and every registered operation's handler.

    Refuses what :func:`check_setup` refuses.
    """
    check_setup(settings)
    store = open_store(settings, upgrade_schema=upgrade_schema)
    broker = make_broker(settings.broker_url)
    queue = DramatiqQueue(broker)
    inbox = SqlInbox(store)
    directory = CachedDirectory(store, ttl=settings.directory_cache_seconds)
    schemas = Schemas.load()
    identity = hub_identity(settings)
    found = registry()
    states = StateQuery(inbox=inbox, identity=identity, registry=found, processed=inbox)
    passwords = PasswordCache(
        throttle=LoginThrottle(max_failures=settings.login_failures, window_seconds=settings.login_window_seconds)
    )
    metrics = Metrics(message_counts=inbox.counts)
    processor = Processor(
        inbox=inbox,
        encode_failure=encode_failure,
        worker_name=f"{socket.gethostname()}:{os.getpid()}",
        policy=ProcessingPolicy(lease_seconds=settings.lease_seconds),
        respond=states.final_response,
        pause_after_claim=float(settings.extra.get("fault_pause_after_claim", "0") or 0),
        pause_after_chunk=float(settings.extra.get("fault_pause_after_chunk", "0") or 0),
        transient=is_transient,
        observe=metrics.processed,
    )
    hub = Hub(
        settings=settings,
        engine=store.engine,
        store=store,
        inbox=inbox,
        directory=directory,
        audit=SqlAudit(store),
        nsi=SqlNsiCatalog(store),
        broker=broker,
        queue=queue,
        schemas=schemas,
        identity=identity,
        passwords=passwords,
        registry=found,
        intake=Intake(
            inbox=inbox,
            queue=queue,
            schemas=schemas,
            limits=BacklogLimits(whole=settings.max_backlog, per_organization=settings.effective_max_backlog_per_org),
        ),
        states=states,
        processor=processor,
        authenticator=Authenticator(
            directory=directory,
            passwords=passwords,
            skew_seconds=settings.clock_skew_seconds,
            transport_auth=settings.transport_auth,
        ),
        database_outage=Outage("database"),
        metrics=metrics,
    )
    ports = {"store": store, **provided_ports(found)}

    def setup(operation: Operation) -> HandlerSetup:
        return HandlerSetup(
            operation=operation,
            nsi=hub.nsi,
            directory=directory,
            chunk_size=settings.import_chunk,
            progress=processor.progress,
            ports=ports,
        )

    processor.handlers.update(build_handlers(found, setup))
    return hub


def readiness(hub: Hub) -> dict[str, str]:
    """``{"database": "ok"|reason, "queue": "ok"|reason}``: what ``/readyz`` reports."""
    checks: dict[str, str] = {}
    try:
        with hub.store.reading() as conn:
            conn.exec_driver_sql("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure is "not ready"; the type says which
        checks["database"] = type(exc).__name__
    checks["queue"] = hub.queue.reachable()
    return checks


def worker_ports(hub: Hub, *, threads: int | None = None) -> WorkerPorts:
    """What the worker, sweeper and idle poller of this process use."""
    settings = hub.settings
    return WorkerPorts(
        process=hub.processor.process,
        broker=hub.broker,
        queue=hub.queue,
        inbox=hub.inbox,
        name=hub.processor.worker_name,
        threads=threads or settings.effective_worker_threads,
        sweep_seconds=settings.sweep_seconds,
        lease_seconds=settings.lease_seconds,
        idle_wait_ms=settings.worker_idle_ms,
        # ``processes`` as set, not the default: `hub serve` sets it in each process it starts, so
        # more than 1 means this process is one of several (a single process has nobody to help)
        idle_polling=settings.embedded and settings.processes > 1,
    )


def encode_failure(failure: Failure) -> bytes:
    return failure_fragment(failure.code, failure.description)
