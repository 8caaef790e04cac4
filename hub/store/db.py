"""Engines for both deployment shapes.

SQLite (embedded): WAL so HTTP threads read while a worker writes, a busy timeout instead of
"database is locked" errors, foreign keys on. PostgreSQL (production): psycopg 3, pre-ping so a
restarted server does not fail the first request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

#: Execution option a repository sets on a connection that will write.
WRITE_OPTION = "hub_write"


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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
