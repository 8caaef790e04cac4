"""The ``0005_accounts`` migration creates exactly the tables ``hub.areas.accounts.store`` declares."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.areas.accounts.tables import account_accommodations, accounts
from hub.store import migrate
from hub.store.db import make_engine
from hub.store.tables import metadata


def test_migration_matches_the_declared_tables(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate.upgrade(engine)
    mine = {accounts.name, account_accommodations.name}
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": lambda _o, name, kind, _r, _c: kind != "table" or name in mine}
            )
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == []
