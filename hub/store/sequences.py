"""Durable number sequences (unique numbers of houses, premises, accounts, ЕЛС, ИЖКУ …).

Numbers come from the database, never from randomness, so two worker processes never
allocate the same one. PostgreSQL: a real SEQUENCE per name (non-transactional, so a long
import transaction never blocks another worker; a rolled-back allocation leaves a gap, as GIS
numbering has). SQLite: a ``counters`` row updated in the caller's transaction — SQLite has
one writer at a time, so this serializes nothing that was not already serialized.
"""

from __future__ import annotations

import functools
import re
import threading
from contextlib import suppress
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, insert, text, update
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.sql.dml import ReturningUpdate

from hub.store.tables import counters

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,50}$")
_created: set[tuple[str, str]] = set()
_lock = threading.Lock()


def _ensure_pg_sequence(conn: Connection, name: str) -> None:
    url = str(conn.engine.url)
    if (url, name) in _created:
        return
    with _lock, conn.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as ddl:
        # Two processes creating the same sequence at once: one of them loses a catalog race.
        with suppress(IntegrityError, ProgrammingError):
            ddl.execute(text(f"CREATE SEQUENCE IF NOT EXISTS hub_seq_{name}"))
        _created.add((url, name))


@functools.cache
def _bump() -> ReturningUpdate[Any]:
    """SQLite: counter ``counter`` raised by ``step``, its new value returned (built once)."""
    return (
        update(counters)
        .where(counters.c.name == bindparam("counter"))
        .values(value=counters.c.value + bindparam("step", type_=Integer))
        .returning(counters.c.value)
    )


def next_value(conn: Connection, name: str) -> int:
    """The next value (1, 2, 3 …) of sequence ``name``."""
    if not _NAME.match(name):
        raise ValueError(f"bad sequence name {name!r}")
    if conn.dialect.name == "postgresql":
        _ensure_pg_sequence(conn, name)
        return int(conn.execute(text(f"SELECT nextval('hub_seq_{name}')")).scalar_one())
    value = conn.execute(_bump(), {"counter": name, "step": 1}).scalar_one_or_none()
    if value is None:
        conn.execute(insert(counters).values(name=name, value=1))
        return 1
    return int(value)


def next_values(conn: Connection, name: str, count: int) -> list[int]:
    """``count`` fresh values of sequence ``name`` in one statement (a chunk's block), ascending.

    PostgreSQL: ``nextval`` over ``generate_series`` (values may interleave with another
    worker's, never repeat). SQLite: the counter bumped by ``count`` in the caller's transaction.
    """
    if count <= 0:
        return []
    if not _NAME.match(name):
        raise ValueError(f"bad sequence name {name!r}")
    if conn.dialect.name == "postgresql":
        _ensure_pg_sequence(conn, name)
        query = text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)")
        return sorted(int(v) for v in conn.execute(query, {"seq": f"hub_seq_{name}", "n": count}).scalars())
    last = conn.execute(_bump(), {"counter": name, "step": count}).scalar_one_or_none()
    if last is None:
        conn.execute(insert(counters).values(name=name, value=count))
        last = count
    return list(range(int(last) - count + 1, int(last) + 1))
