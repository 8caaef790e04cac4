"""PostgreSQL: statements marked ``BINARY_RESULTS`` read their results in the binary format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Column, Engine, Integer, LargeBinary, MetaData, Table, event, insert, select

from hub.store.db import BINARY_RESULTS, make_engine
from tests.e2e.harness import postgres_database

meta = MetaData()
blobs = Table("binary_sample", meta, Column("id", Integer, primary_key=True), Column("data", LargeBinary))
EVERY_BYTE = bytes(range(256)) * 512  # 128 KiB, every byte value, the size of a stored message


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with postgres_database() as url:
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
