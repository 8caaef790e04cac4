"""Configuration: the only module that reads the environment.

Everything is keyword-only with documented defaults, frozen after load (signxml's habit of a
frozen configuration object with secure defaults). ``load_settings()`` is called by the entry
points once; nothing else looks at ``os.environ``.

Environment variables (all optional):

``HUB_DATA_DIR``            where the embedded shape keeps its SQLite file and the hub key
                            (default ``./hub-data``)
``HUB_DATABASE_URL``        SQLAlchemy URL (default ``sqlite:///<data dir>/hub.sqlite3``)
``HUB_BROKER_URL``          ``redis://…`` for the production shape; empty = in-process worker
``HUB_MAX_BODY_BYTES``      largest accepted HTTP body (default 16 MiB)
``HUB_MAX_XML_DEPTH``       deepest accepted element nesting (default 256)
``HUB_MAX_INFLIGHT_BYTES``  request bytes one process works on at once; past it a request is
                            refused before its body is read with EXP002001 (default 64 MiB:
                            four requests of the largest size; one of the largest size always
                            fits)
``HUB_CLOCK_SKEW_SECONDS``  allowed distance of RequestHeader/Date from now (default 24 h)
``HUB_TRANSPORT_AUTH``      ``on``/``off``: require per-organization transport credentials on
                            getState (default on)
``HUB_CLIENT_CERT_HEADER``  header a TLS-terminating proxy sets with the client certificate's
                            SHA-256 fingerprint (default ``X-Client-Cert-Fingerprint``); read
                            only from the peers in ``HUB_TRUSTED_PROXIES``
``HUB_TRUSTED_PROXIES``     comma-separated addresses or networks (``10.0.0.5,10.1.0.0/16``) of
                            TLS-terminating proxies whose client-certificate header and
                            X-Forwarded-For the hub believes (default empty: believes no one, the
                            header is ignored — any client could send it)
``HUB_LOGIN_FAILURES``      failed HTTP Basic checks allowed per organization and per client
                            address within ``HUB_LOGIN_WINDOW_SECONDS``, after which checks are
                            refused with AUT900012 without the scrypt (default 10; 0 = no bound)
``HUB_LOGIN_WINDOW_SECONDS`` the window of that bound (default 300)
``HUB_SIGNING_KEY`` / ``HUB_SIGNING_CERT``  PEM files of the hub's own signing key and
                            certificate (production); embedded: created in the data dir
``HUB_SWEEP_SECONDS``       how often unfinished inbox entries are re-enqueued (default 5)
``HUB_LEASE_SECONDS``        how long a worker's claim lasts without a heartbeat; a dead worker's
                            message is taken over after this (default 10)
``HUB_WORKER_IDLE_MS``       the longest an idle worker waits before it looks at the queue again
                           (Redis: one small script call each time; default 20)
``HUB_UPLOAD_STALL_SECONDS`` an upload whose batches stopped reaching the intake this long ago
                           (the process that took its POST died) is resumed by another
                           (default 60)
``HUB_RESULT_PROCESS_ROWS`` an upload of this many rows or more has its result file written by a
                           child process of ``hub serve`` (openpyxl writes ~5 s of one core per
                           100 000 rows; a thread would hold the GIL against the POSTs and,
                           embedded, the worker). Default 20 000; 0: always in a thread
``HUB_FAULT_PAUSE_AFTER_CLAIM``  test-only fault injection: seconds a worker sleeps after
                            claiming a message (default 0 = off)
``HUB_FAULT_PAUSE_AFTER_CHUNK``  test-only: seconds a worker sleeps after each committed chunk
                            of an import message (default 0 = off)
``HUB_IMPORT_CHUNK``         objects committed per transaction in an import (default 100: a
                            whole importAccountRequest; a crash redoes at most one chunk)
``HUB_DIRECTORY_CACHE_SECONDS``  how long certificates/organizations are cached per process; a
                            revocation by another process takes effect within this (default 5)
``HUB_WORKER_THREADS``      worker threads per process (default: 1 on SQLite — its writes are
                            serialized and a second Python thread only contends for the GIL,
                            measured 13 % slower; 2 on PostgreSQL, where one thread's round
                            trips overlap the other's work)
``HUB_LOG_FORMAT``          ``json`` (default: one JSON object per line, with the request id) or
                            ``text`` (key=value lines for a terminal)
``HUB_PUBLIC_URL``          base URL written into the served WSDL (default from the request)
``HUB_PROCESSES``           processes ``hub serve`` and ``hub demo`` run (default: 2 on Linux
                            with two or more usable cores, else 1 — see ``default_processes``;
                            ``--processes`` sets it for the processes it starts). Embedded: each
                            has its own in-process worker, and an idle one takes messages the
                            others accepted
``HUB_MAX_BACKLOG``         unfinished messages (RequestState 1 or 2) the whole hub holds; past
                            it intake answers EXP002001 "try again" (default 2000: about a minute
                            of the slowest common work, see ``DEFAULT_MAX_BACKLOG``; 0 = off)
``HUB_MAX_BACKLOG_PER_ORG`` one organization's share of that bound (default a quarter of
                            ``HUB_MAX_BACKLOG``, see ``effective_max_backlog_per_org``; 0 = off)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

MIB = 1024 * 1024
#: Unfinished messages the whole hub accepts before refusing with EXP002001: about a minute of
#: the slowest common work. ``python -m bench.overload`` (embedded, 2 processes, 2-core VM, 20
#: clients posting fresh 100-account importAccountData for 60 s): with no bound, intake took
#: ≈ 42 messages a second while the workers, left little CPU, finished ≈ 4; the backlog reached
#: 2263 and took 93 s to drain (≈ 24-33 a second once the load stops; the security review's
#: hub: 3 141 s). With 2000, it drained in 60 s. A minute keeps a client polling on GIS's
#: schedule (getState ≥10 s after the Ack, then ≥60 s later) to about its second poll.
DEFAULT_MAX_BACKLOG = 2000
#: set by ``hub serve --processes N`` for the processes it starts (they read settings anew)
PROCESSES_VARIABLE = "HUB_PROCESSES"


def default_processes(platform: str = sys.platform, cores: int | None = None) -> int:
    """Processes of ``hub serve`` when ``HUB_PROCESSES`` is not set: 2 on Linux with two or more
    usable cores, else 1.

    One process cannot use a second core for the hub's work (its request threads and its worker
    thread take turns on one GIL); two processes, each with its in-process worker, reached the
    accounts benchmark's goal where one did not (decision 0003). Not more by default: embedded
    writers queue on one SQLite file, and each process holds its own schemas and caches
    (~110 MB). Linux only, because only there does a process reliably die with a killed parent
    (``hub.serving.die_with_parent``).
    """
    if not platform.startswith("linux"):
        return 1
    if cores is None:
        cores = len(os.sched_getaffinity(0))
    return 2 if cores >= 2 else 1


@dataclass(frozen=True, kw_only=True)
class Settings:
    """All settings of one hub process."""

    data_dir: Path = Path("hub-data")
    database_url: str = ""
    broker_url: str = ""
    max_body_bytes: int = 16 * MIB
    max_xml_depth: int = 256
    max_inflight_bytes: int = 64 * MIB
    clock_skew_seconds: int = 24 * 3600
    transport_auth: bool = True
    #: accept UNSIGNED requests to NsiCommonAsync and OrgRegistryCommonAsync from a caller that
    #: authenticates the connection (HTTP Basic or a proxy's client certificate); off by default
    unsigned_common: bool = False
    client_cert_header: str = "X-Client-Cert-Fingerprint"
    trusted_proxies: tuple[str, ...] = ()
    login_failures: int = 10
    login_window_seconds: float = 300.0
    signing_key_path: Path | None = None
    signing_cert_path: Path | None = None
    sweep_seconds: float = 5.0
    lease_seconds: float = 10.0
    upload_stall_seconds: float = 60.0
    result_process_rows: int = 20_000
    worker_idle_ms: int = 20
    import_chunk: int = 100
    directory_cache_seconds: float = 5.0
    worker_threads: int = 0  # 0: by database, see effective_worker_threads
    public_url: str = ""
    log_format: str = "json"
    #: 0: ``default_processes()``; set explicitly in each process ``hub serve`` starts, where
    #: more than 1 means "one of several" (``hub.queue.worker`` then runs the idle poller)
    processes: int = 0
    #: unfinished messages of the whole hub (0: no bound), see ``DEFAULT_MAX_BACKLOG``
    max_backlog: int = DEFAULT_MAX_BACKLOG
    #: one organization's share; None: ``effective_max_backlog_per_org`` (0: no share)
    max_backlog_per_org: int | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """``trusted_proxies`` as networks (a lone address is a /32 or /128)."""
        return tuple(ip_network(proxy, strict=False) for proxy in self.trusted_proxies)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'hub.sqlite3'}"

    @property
    def effective_worker_threads(self) -> int:
        if self.worker_threads > 0:
            return self.worker_threads
        return 1 if self.effective_database_url.startswith("sqlite") else 2

    @property
    def effective_processes(self) -> int:
        return self.processes if self.processes > 0 else default_processes()

    @property
    def effective_max_backlog_per_org(self) -> int:
        """The share set, else a quarter of the whole bound (rounded up, so a small bound is never
        a share of 0 = off): one sender alone leaves three quarters to the others, and it takes
        four senders at their share to fill the hub. By default 500 messages, 50 000 accounts: a
        large organization's whole upload is paced, not refused for good (EXP002001 says retry)."""
        if self.max_backlog_per_org is not None:
            return self.max_backlog_per_org
        return -(-self.max_backlog // 4)

    @property
    def embedded(self) -> bool:
        """True when no external broker is configured: the worker runs inside the process."""
        return not self.broker_url


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read ``HUB_*`` variables; keyword overrides win (used by the CLI and tests)."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if "HUB_DATA_DIR" in env:
        values["data_dir"] = Path(env["HUB_DATA_DIR"])
    if "HUB_DATABASE_URL" in env:
        values["database_url"] = env["HUB_DATABASE_URL"]
    if "HUB_BROKER_URL" in env:
        values["broker_url"] = env["HUB_BROKER_URL"]
    if "HUB_LOG_FORMAT" in env:
        if env["HUB_LOG_FORMAT"] not in ("json", "text"):
            raise ValueError("HUB_LOG_FORMAT is json or text")
        values["log_format"] = env["HUB_LOG_FORMAT"]
    if "HUB_MAX_BODY_BYTES" in env:
        values["max_body_bytes"] = int(env["HUB_MAX_BODY_BYTES"])
    if "HUB_MAX_INFLIGHT_BYTES" in env:
        values["max_inflight_bytes"] = int(env["HUB_MAX_INFLIGHT_BYTES"])
    if "HUB_MAX_XML_DEPTH" in env:
        values["max_xml_depth"] = int(env["HUB_MAX_XML_DEPTH"])
    if "HUB_CLOCK_SKEW_SECONDS" in env:
        values["clock_skew_seconds"] = int(env["HUB_CLOCK_SKEW_SECONDS"])
    if "HUB_TRANSPORT_AUTH" in env:
        values["transport_auth"] = _flag(env["HUB_TRANSPORT_AUTH"])
    if "HUB_UNSIGNED_COMMON" in env:
        values["unsigned_common"] = _flag(env["HUB_UNSIGNED_COMMON"])
    if "HUB_CLIENT_CERT_HEADER" in env:
        values["client_cert_header"] = env["HUB_CLIENT_CERT_HEADER"]
    if "HUB_TRUSTED_PROXIES" in env:
        proxies = tuple(p.strip() for p in env["HUB_TRUSTED_PROXIES"].split(",") if p.strip())
        for proxy in proxies:
            ip_network(proxy, strict=False)  # a typo fails at start, not as "header ignored"
        values["trusted_proxies"] = proxies
    if "HUB_LOGIN_FAILURES" in env:
        values["login_failures"] = int(env["HUB_LOGIN_FAILURES"])
    if "HUB_LOGIN_WINDOW_SECONDS" in env:
        values["login_window_seconds"] = float(env["HUB_LOGIN_WINDOW_SECONDS"])
    if "HUB_SIGNING_KEY" in env:
        values["signing_key_path"] = Path(env["HUB_SIGNING_KEY"])
    if "HUB_SIGNING_CERT" in env:
        values["signing_cert_path"] = Path(env["HUB_SIGNING_CERT"])
    if "HUB_SWEEP_SECONDS" in env:
        values["sweep_seconds"] = float(env["HUB_SWEEP_SECONDS"])
    if "HUB_LEASE_SECONDS" in env:
        values["lease_seconds"] = float(env["HUB_LEASE_SECONDS"])
    if "HUB_WORKER_IDLE_MS" in env:
        values["worker_idle_ms"] = int(env["HUB_WORKER_IDLE_MS"])
    if "HUB_UPLOAD_STALL_SECONDS" in env:
        values["upload_stall_seconds"] = float(env["HUB_UPLOAD_STALL_SECONDS"])
    if "HUB_RESULT_PROCESS_ROWS" in env:
        values["result_process_rows"] = int(env["HUB_RESULT_PROCESS_ROWS"])
    extra = {
        key.removeprefix("HUB_").lower(): env[key]
        for key in ("HUB_FAULT_PAUSE_AFTER_CLAIM", "HUB_FAULT_PAUSE_AFTER_CHUNK")
        if key in env
    }
    if extra:
        values["extra"] = extra
    if "HUB_IMPORT_CHUNK" in env:
        values["import_chunk"] = int(env["HUB_IMPORT_CHUNK"])
    if "HUB_DIRECTORY_CACHE_SECONDS" in env:
        values["directory_cache_seconds"] = float(env["HUB_DIRECTORY_CACHE_SECONDS"])
    if "HUB_WORKER_THREADS" in env:
        values["worker_threads"] = int(env["HUB_WORKER_THREADS"])
    if "HUB_PUBLIC_URL" in env:
        values["public_url"] = env["HUB_PUBLIC_URL"]
    if PROCESSES_VARIABLE in env:
        values["processes"] = int(env[PROCESSES_VARIABLE])
    if "HUB_MAX_BACKLOG" in env:
        values["max_backlog"] = int(env["HUB_MAX_BACKLOG"])
    if "HUB_MAX_BACKLOG_PER_ORG" in env:
        values["max_backlog_per_org"] = int(env["HUB_MAX_BACKLOG_PER_ORG"])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
