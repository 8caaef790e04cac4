"""Alembic environment: runs with the connection handed over by ``hub.store.migrate``."""

from __future__ import annotations

from alembic import context

import hub.areas.accounts.tables
import hub.areas.houses.tables  # noqa: F401  - table modules register on the shared metadata
from hub.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
