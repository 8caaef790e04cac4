"""The composition root: the one place that wires real technology to the services.

``build_hub(settings)`` makes the engine, repositories, broker, schemas and the hub's signing
identity, and the ``operation → handler`` map. Entry points (SOAP app, worker, CLI) call it;
nothing is built at import time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dramatiq
from sqlalchemy import Engine

from hub.areas.accounts import handlers as accounts
from hub.areas.accounts.store import account_export_view, account_import_store
from hub.areas.houses import handlers as houses
from hub.areas.houses.store import HouseImportSession, SqlHousingReader
from hub.config import Settings
from hub.contract import pki, responses
from hub.contract.operations import SERVICES
from hub.contract.results import failure_fragment
from hub.contract.schemas import Schemas
from hub.domain.messages import RequestState
from hub.queue.broker import DramatiqQueue, make_broker
from hub.services import processing
from hub.services.identity import LoginThrottle, PasswordCache
from hub.services.ports import InboxEntry
from hub.services.processing import Failure, Handler, ProcessingPolicy
from hub.store import migrate
from hub.store.audit import SqlAudit
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import CachedDirectory
from hub.store.imports import SqlImportStore
from hub.store.inbox import SqlInbox
from hub.store.nsi import SqlNsiCatalog

log = logging.getLogger(__name__)

HUB_KEY_FILE = "hub-signing.key"
HUB_CERT_FILE = "hub-signing.pem"


@dataclass
class Hub:
    """Everything one hub process uses, built once."""

    settings: Settings
    engine: Engine
    store: Store
    inbox: SqlInbox
    directory: CachedDirectory
    audit: SqlAudit
    broker: dramatiq.Broker
    queue: DramatiqQueue
    schemas: Schemas
    identity: pki.SigningIdentity
    passwords: PasswordCache
    handlers: dict[str, Handler]
    policy: ProcessingPolicy
    nsi: SqlNsiCatalog
    worker_name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    #: signed getState answers for unfinished requests, by (inbox id, state): a client polling
    #: every few ms would otherwise cost an XAdES signature per poll (see hub.soap.handling)
    pending_responses: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def process(self, entry_id: int) -> bool:
        """Process one inbox entry (what the dramatiq actor runs).

        The worker also builds and signs the final getStateResult, stored together with the
        result, so the HTTP processes only replay it (signing a 100-result answer is the costliest
        part of getState).
        """
        return processing.process(
            entry_id,
            inbox=self.inbox,
            handlers=self.handlers,
            encode_failure=encode_failure,
            worker=f"{self.worker_name}:{threading.get_ident()}",
            policy=self.policy,
            after_claim=_fault_injection(self.settings),
            respond=self.final_response,
        )

    def final_response(self, entry: InboxEntry, result: bytes) -> bytes | None:
        """The signed getStateResult (state 3) of a message about to be completed with ``result``.

        None when it cannot be built: getState then signs on demand (no stored response).
        """
        try:
            service = next(s for s in SERVICES if s.key == entry.service)
            return responses.signed_state_result(
                service_namespace=service.namespace,
                version=service.get_state_result_version,
                state=int(RequestState.PROCESSED),
                message_guid=entry.message_guid,
                result=result,
                requester_message_guid=entry.requester_message_guid,
                identity=self.identity,
            )
        except Exception:
            log.exception("could not pre-sign the response of inbox entry %s", entry.id)
            return None

    def progress(self, entry: InboxEntry) -> Callable[[], None]:
        """What an import handler calls after each committed chunk.

        Renews the processing lease once a third of it has passed (so a long message is not
        taken over while its worker is alive, and a short one costs no extra write) and, in tests
        only, pauses (``HUB_FAULT_PAUSE_AFTER_CHUNK``) so a kill can land between chunks.
        """
        pause = float(self.settings.extra.get("fault_pause_after_chunk", "0") or 0)
        every = self.settings.lease_seconds / 3
        last_beat = time.monotonic()

        def after_chunk() -> None:
            nonlocal last_beat
            if entry.claimed_by and time.monotonic() - last_beat >= every:
                self.inbox.heartbeat(entry.id, entry.claimed_by)
                last_beat = time.monotonic()
            if pause > 0:
                time.sleep(pause)

        return after_chunk

    def close(self) -> None:
        self.broker.close()
        self.engine.dispose()


def _fault_injection(settings: Settings) -> Callable[[InboxEntry], None] | None:
    """Test hook: ``HUB_FAULT_PAUSE_AFTER_CLAIM`` seconds of sleep between claim and work.

    Lets the crash-recovery test prove a SIGKILL landed mid-processing. Read from settings
    (``extra``), so it is off unless explicitly configured.
    """
    pause = float(settings.extra.get("fault_pause_after_claim", "0") or 0)
    if pause <= 0:
        return None

    def _pause(_entry: InboxEntry) -> None:
        time.sleep(pause)

    return _pause


def hub_identity(settings: Settings) -> pki.SigningIdentity:
    """The hub's own signing key and certificate.

    Production: PEM files named by the operator (``HUB_SIGNING_KEY``/``HUB_SIGNING_CERT``).
    Embedded: created once in the data directory at first start, then reused, so clients
    that pinned the published certificate keep verifying responses.
    """
    if settings.signing_key_path and settings.signing_cert_path:
        return pki.SigningIdentity.from_pem_files(settings.signing_key_path, settings.signing_cert_path)
    key_path = Path(settings.data_dir) / HUB_KEY_FILE
    cert_path = Path(settings.data_dir) / HUB_CERT_FILE
    if not (key_path.exists() and cert_path.exists()):
        ca = pki.create_ca("zhkh-hub embedded CA", validity=dt.timedelta(days=3650))
        identity = pki.issue_certificate(
            ca, common_name="zhkh-hub", organization="zhkh-hub", validity=dt.timedelta(days=3650)
        )
        tmp_key, tmp_cert = key_path.with_suffix(".tmp-key"), cert_path.with_suffix(".tmp-pem")
        pki.write_pem_files(identity, tmp_key, tmp_cert)
        tmp_key.replace(key_path)
        tmp_cert.replace(cert_path)
        log.info("created the hub signing identity in %s", settings.data_dir)
    return pki.SigningIdentity.from_pem_files(key_path, cert_path)


def build_handlers(hub: Hub) -> dict[str, Handler]:
    """The ``operation → handler`` map, over the hub's store, catalog and progress hook."""
    return {
        "importHouseUOData": houses.make_import_house_handler(
            import_store=SqlImportStore(hub.store, HouseImportSession),
            directory=hub.directory,
            catalog=hub.nsi,
            chunk_size=hub.settings.import_chunk,
            progress=hub.progress,
        ),
        "exportHouseData": houses.make_export_house_handler(reader=SqlHousingReader(hub.store)),
        "importAccountData": accounts.make_import_account_handler(
            imports=account_import_store(hub.store),
            nsi=hub.nsi,
            chunk_size=hub.settings.import_chunk,
            progress=hub.progress,
        ),
        "exportAccountData": accounts.make_export_account_handler(reading=account_export_view(hub.store)),
    }


class SchemaOutdatedError(RuntimeError):
    """Raised when a production database is not at the schema this code needs."""


def build_hub(settings: Settings, *, upgrade_schema: bool | None = None) -> Hub:
    """Wire a hub.

    The embedded shape migrates its SQLite file on start (one process owns it). Production
    never migrates implicitly — N processes starting at once would race — and refuses to start
    on an outdated schema: the operator runs ``hub db upgrade`` once per release.
    """
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    if upgrade_schema if upgrade_schema is not None else settings.embedded:
        migrate.upgrade(engine)
    else:
        current, head = migrate.current_revision(engine), migrate.head_revision()
        if current != head:
            engine.dispose()
            raise SchemaOutdatedError(
                f"database schema is at {current or 'nothing'}, this hub needs {head}: run `hub db upgrade`"
            )
    store = Store(engine)
    broker = make_broker(settings.broker_url)
    hub = Hub(
        settings=settings,
        engine=engine,
        store=store,
        inbox=SqlInbox(store),
        directory=CachedDirectory(store, ttl=settings.directory_cache_seconds),
        audit=SqlAudit(store),
        broker=broker,
        queue=DramatiqQueue(broker),
        schemas=Schemas.load(),
        identity=hub_identity(settings),
        passwords=PasswordCache(
            throttle=LoginThrottle(max_failures=settings.login_failures, window_seconds=settings.login_window_seconds)
        ),
        handlers={},
        policy=ProcessingPolicy(lease_seconds=settings.lease_seconds),
        nsi=SqlNsiCatalog(store),
    )
    hub.handlers.update(build_handlers(hub))
    return hub


def encode_failure(failure: Failure) -> bytes:
    return failure_fragment(failure.code, failure.description)
