"""The ``0005_accounts`` migration creates exactly the tables ``hub.areas.accounts.store`` declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.areas.accounts.tables import account_accommodations, accounts
from hub.store.tables import metadata
from tests.servers import Backend


def test_migration_matches_the_declared_tables(backend: Backend) -> None:
    mine = {accounts.name, account_accommodations.name}
    with backend.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": lambda _o, name, kind, _r, _c: kind != "table" or name in mine}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []
