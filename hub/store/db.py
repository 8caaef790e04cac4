"""Engines for both deployment shapes.

SQLite (embedded): WAL so HTTP threads read while a worker writes, a busy timeout instead of
"database is locked" errors, foreign keys on, and a write gate (``write_gate``) that queues
writers of this process on a lock and writers of other processes on an ``flock``.
PostgreSQL (production): psycopg 3, a ping of connections that sat idle in the pool so a
restarted server does not fail the first request (``_ping_when_idle``), large binary columns
read in the binary format (``BINARY_RESULTS``).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    InvalidatePoolError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as SATimeoutError

try:
    import fcntl
except ImportError:  # not POSIX: writers of other processes meet SQLite's busy timeout instead
    fcntl = None  # type: ignore[assignment]

#: Execution option a repository sets on a connection that will write.
WRITE_OPTION = "hub_write"


class SqliteWriteGate:
    """One SQLite database's writers, one at a time: this process's threads, then other processes.

    Threads queue on a lock; processes (``hub serve --processes N``, a CLI command beside the
    server) on an exclusive ``flock`` of ``<database>.write-gate``, which the kernel hands over
    the moment it is released and drops with a killed holder. Both are needed: an ``flock``
    belongs to an open file, which this process's threads share. The file is opened once per
    process (again after a fork: a forked child sharing the parent's open file would share its
    lock too).
    """

    def __init__(self, database: Path | None) -> None:
        self._threads = threading.Lock()
        self._path = database.with_name(database.name + ".write-gate") if database is not None else None
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int | None:
        if self._path is None or fcntl is None:
            return None
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def __enter__(self) -> SqliteWriteGate:
        self._threads.acquire()
        try:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            if self._fd is not None and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


#: One gate per SQLite database file in this process (see ``write_gate``).
_sqlite_gates: dict[str, SqliteWriteGate] = {}
_engine_gates: weakref.WeakKeyDictionary[Engine, SqliteWriteGate] = weakref.WeakKeyDictionary()
_gates_lock = threading.Lock()


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the settings its backend needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=8,
            max_overflow=8,
            hide_parameters=True,  # statement parameters are payloads and personal data: never logged
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's BEGIN reach SQLite (pysqlite's own transaction handling
            # would defer it), so SELECT … then UPDATE in one transaction is atomic.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Writers take the write lock up front (IMMEDIATE), so two writers never deadlock
            # upgrading a read lock; readers stay DEFERRED and never wait under WAL.
            if conn.get_execution_options().get(WRITE_OPTION):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20, hide_parameters=True)
    _ping_when_idle(engine)
    if parsed.get_driver_name() == "psycopg":
        event.listen(engine, "before_cursor_execute", _binary_results)
    return engine


#: A pooled connection returned less than this many seconds ago is handed out without a ping.
PING_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Pre-ping, but only connections that sat idle in the pool.

    ``pool_pre_ping`` pings on every checkout: one round trip more per transaction, and a worker
    runs three per message (claim, chunk, completion) plus one per getState poll — measured
    0.35 ms each on this project's VM. A connection used a moment ago is alive; one that sat idle
    (a restarted server, a dropped idle connection) is pinged, and if dead the pool is invalidated
    and a new connection taken, as with ``pool_pre_ping``. The window left — the server dies
    less than ``PING_IDLE_SECONDS`` after the connection's last use — fails that one transaction;
    the worker retries it, a client gets a retryable fault.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_SECONDS:
            return  # a fresh connection, or one just used
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise InvalidatePoolError("the idle connection did not answer a ping") from exc


#: Execution option of a statement whose results should arrive in PostgreSQL's binary format.
BINARY_RESULTS = "hub_binary_results"


def _binary_results(
    _conn: Any, cursor: Any, _statement: str, _parameters: Any, context: Any, _executemany: bool
) -> None:
    """Binary results for statements marked ``BINARY_RESULTS`` (a no-op elsewhere).

    In the text format a ``bytea`` arrives hex-encoded (twice its size) and is decoded on the
    client: reading a 127 KB stored message took 1.0–1.5 ms, in binary 0.3 ms (the claim of
    every message; the stored answer on every getState poll). Opt-in per statement, not for the
    whole connection: SQLAlchemy's schema reflection parses some catalog types from text.
    """
    if context is not None and context.execution_options.get(BINARY_RESULTS):
        cursor.format = psycopg.pq.Format.BINARY


def write_gate(engine: Engine) -> AbstractContextManager[object]:
    """What a writer holds around its whole write transaction, commit included.

    SQLite admits one writer at a time; a second writer's ``BEGIN IMMEDIATE`` spins in SQLite's
    busy handler, which sleeps 1, 2, 5 … 100 ms between tries, so under load writers sleep
    while the lock is free (measured: 11 % of the embedded hub's thread time spent in BEGIN).
    Writers therefore queue on ``SqliteWriteGate`` instead and get the database the moment the
    previous writer commits — threads on a lock, processes on an ``flock`` (without it, two
    ``hub serve`` processes measured 2 481–2 665 accounts/s against 2 938–3 358 with it).
    PostgreSQL needs no gate: its writers run concurrently.
    """
    if engine.dialect.name != "sqlite":
        return nullcontext()
    gate = _engine_gates.get(engine)
    if gate is None:
        database = engine.url.database or ""
        path = None if database in {"", ":memory:"} else Path(database).resolve()
        key = f"memory:{id(engine)}" if path is None else str(path)
        with _gates_lock:
            gate = _sqlite_gates.get(key)
            if gate is None:
                gate = _sqlite_gates[key] = SqliteWriteGate(path)
        _engine_gates[engine] = gate
    return gate


@contextmanager
def writing(engine: Engine) -> Iterator[Any]:
    """A write transaction: the SQLite gate, then ``BEGIN IMMEDIATE`` … commit (or rollback)."""
    with write_gate(engine), engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        yield conn


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def is_transient(exc: BaseException) -> bool:
    """A failure a retry may cure: the database went away, a lock or statement timed out.

    Everything else a handler raises is deterministic (a decoding or rule bug) and ends its
    message at once (``hub.services.processing``).
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, SATimeoutError)):
        return True
    original = getattr(exc, "orig", None)
    if isinstance(original, (psycopg.OperationalError, psycopg.errors.LockNotAvailable)):
        return True
    return isinstance(exc, (ConnectionError, TimeoutError))
