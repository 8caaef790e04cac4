"""Alembic environment: runs with the connection handed over by ``hub.store.migrate``."""

from __future__ import annotations

from alembic import context

from hub.store.schema import full_metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=full_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
