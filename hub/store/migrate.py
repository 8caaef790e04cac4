"""Schema migrations, run programmatically (``hub db upgrade`` and at first start).

Alembic is configured in code rather than with an ``alembic.ini`` so an installed hub needs no
file beside it; batch mode is on for SQLite, which cannot ALTER most things in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole run; on SQLite with foreign keys off until it commits.

    Batch mode rebuilds a SQLite table by copy, drop and rename; with foreign keys on, dropping
    a table others reference fails (or, with ON DELETE actions, would act on their rows). The
    switch only works outside a transaction, so it is flipped on the driver connection; the
    references are checked (``foreign_key_check``) before the commit.
    """
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        if sqlite and driver is not None:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite and driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (idempotent)."""
    config = _config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision`` (each migration's ``downgrade`` keeps the data)."""
    config = _config(engine)
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


class SchemaOutdatedError(RuntimeError):
    """Raised when a production database is not at the schema this code needs."""


def ensure_schema(engine: Engine, *, upgrade_schema: bool) -> None:
    """Migrate (``upgrade_schema``: the embedded shape, one process owns its file) or refuse.

    Production never migrates implicitly — N processes starting at once would race — and refuses
    to start on an outdated schema: the operator runs ``hub db upgrade`` once per release.
    """
    if upgrade_schema:
        upgrade(engine)
        return
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutdatedError(
            f"database schema is at {current or 'nothing'}, this hub needs {head}: run `hub db upgrade`"
        )
