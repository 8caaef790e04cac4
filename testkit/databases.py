"""Fresh databases for tests and benchmarks, migrated once and copied after that.

Running every migration for every test costs more than the test itself, so:

PostgreSQL: a template database named after the migration head and a hash of the migration
scripts (``hub_tmpl_<head>_<hash>``; a new or edited migration makes a new one) is migrated
once; every fresh database is ``CREATE DATABASE … TEMPLATE`` of it (≈ 20 ms) under a real name
of its own, which hub processes started by a test can connect to by URL. Parallel processes
(pytest-xdist workers, a benchmark beside the suite) meet on a PostgreSQL advisory lock: one
builds the template under a temporary name and renames it when it is complete, the others wait
and reuse it. The template stays on the server for the next run (it is this cache); the
databases made from it are dropped when their block ends.

SQLite: one migrated file per process, copied per database.

``hub`` never imports this package (an import-linter contract says so).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import shutil
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from hub.store import migrate
from hub.store.db import make_engine

#: Database names start with this, so a stray one is easy to find (and drop) on a shared server.
PREFIX = "hub_test"


def schema_key() -> str:
    """``<head revision>_<8 hex of the migration scripts>``: what a migrated template is of."""
    digest = hashlib.sha256()
    for script in sorted(migrate.MIGRATIONS.rglob("*.py")):
        digest.update(script.relative_to(migrate.MIGRATIONS).as_posix().encode())
        digest.update(script.read_bytes())
    return f"{migrate.head_revision()}_{digest.hexdigest()[:8]}"


def with_database(admin_url: str, name: str) -> str:
    """``admin_url`` pointing at database ``name`` instead."""
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _admin(admin_url: str) -> Engine:
    return create_engine(admin_url, isolation_level="AUTOCOMMIT")


def _exists(admin: Engine, name: str) -> bool:
    with admin.connect() as conn:
        return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None


@functools.cache
def postgres_template(admin_url: str) -> str:
    """The migrated template database's name on ``admin_url``'s server, built by the first caller."""
    name = f"hub_tmpl_{schema_key()}"
    admin = _admin(admin_url)
    try:
        if _exists(admin, name):
            return name
        with admin.connect() as conn:
            # Session-level lock: one builder per server; the key is the name's checksum.
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": zlib.crc32(name.encode())})
            try:
                if not _exists(admin, name):
                    _build_template(admin, admin_url, name)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": zlib.crc32(name.encode())})
        return name
    finally:
        admin.dispose()


def _build_template(admin: Engine, admin_url: str, name: str) -> None:
    """Migrate under a temporary name and rename: a template that exists is a complete one."""
    building = f"{PREFIX}_building_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{building}"'))
    try:
        engine = make_engine(with_database(admin_url, building))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    except BaseException:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
        raise


@contextmanager
def postgres_database(admin_url: str, *, migrated: bool = True, prefix: str = PREFIX) -> Iterator[str]:
    """A new database on ``admin_url``'s server, migrated to head (a copy of the template) or
    empty (``migrated=False``); its URL. Dropped at the end of the block."""
    template = f' TEMPLATE "{postgres_template(admin_url)}"' if migrated else ""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _admin(admin_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    try:
        yield with_database(admin_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@functools.cache
def _sqlite_template() -> Path:
    """This process's migrated SQLite file (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="hub-sqlite-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:  # everything in the main file: the copy takes no -wal file
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


def sqlite_database(path: Path) -> str:
    """A migrated SQLite database at ``path`` (a copy of the template); its URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template(), path)
    return f"sqlite:///{path}"
