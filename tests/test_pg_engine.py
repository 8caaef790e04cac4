"""PostgreSQL engine: ``BINARY_RESULTS`` statements read in the binary format; idle connections are pinged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Column, Engine, Integer, LargeBinary, MetaData, Table, event, func, insert, select

from hub.store import db
from hub.store.db import BINARY_RESULTS, make_engine
from tests.servers import postgres_database

meta = MetaData()
blobs = Table("binary_sample", meta, Column("id", Integer, primary_key=True), Column("data", LargeBinary))
EVERY_BYTE = bytes(range(256)) * 512  # 128 KiB, every byte value, the size of a stored message


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with postgres_database(migrated=False) as url:
        engine = make_engine(url)
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(blobs).values(id=1, data=EVERY_BYTE))
        try:
            yield engine
        finally:
            engine.dispose()


def _read(engine: Engine, **options: Any) -> tuple[bytes, psycopg.pq.Format]:
    formats: list[psycopg.pq.Format] = []

    def seen(_conn: Any, cursor: Any, *_args: Any) -> None:
        formats.append(cursor.format)

    event.listen(engine, "after_cursor_execute", seen)
    try:
        with engine.connect() as conn:
            data = conn.execute(select(blobs.c.data).where(blobs.c.id == 1).execution_options(**options)).scalar_one()
    finally:
        event.remove(engine, "after_cursor_execute", seen)
    return bytes(data), formats[-1]


def test_marked_statement_reads_binary_and_the_same_bytes(engine: Engine) -> None:
    assert _read(engine, **{BINARY_RESULTS: True}) == (EVERY_BYTE, psycopg.pq.Format.BINARY)


def test_unmarked_statement_stays_in_text_format(engine: Engine) -> None:
    """Reflection and everything else keep the text format (catalog types parse from text)."""
    assert _read(engine) == (EVERY_BYTE, psycopg.pq.Format.TEXT)


# --- the idle ping ---------------------------------------------------------------------------------


def _pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        calls.append(dbapi_connection)
        return bool(real(dbapi_connection))

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return calls


def test_a_connection_just_used_is_not_pinged(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _pings(engine, monkeypatch)
    for _ in range(3):
        with engine.connect() as conn:
            conn.execute(select(1))
    assert pings == []


def test_a_dead_idle_connection_is_replaced_transparently(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server side of the pooled connection is killed while it sits idle (a restart, a dropped
    idle connection): the next checkout pings it, finds it dead and hands out a new one."""
    url = engine.url.render_as_string(hide_password=False)
    pooled, killer = make_engine(url), make_engine(url)
    with pooled.connect() as conn:  # the pool's only connection, idle from now on
        victim = conn.execute(select(func.pg_backend_pid())).scalar_one()
    with killer.connect() as conn:
        assert conn.execute(select(func.pg_terminate_backend(victim))).scalar_one() is True
    killer.dispose()
    engine = pooled
    monkeypatch.setattr(db, "PING_IDLE_SECONDS", 0.0)
    pings = _pings(engine, monkeypatch)

    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.pg_backend_pid())).scalar_one() != victim
    finally:
        engine.dispose()
    assert pings  # the idle connection was pinged, found dead, and replaced
