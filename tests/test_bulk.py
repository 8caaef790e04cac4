"""``hub.store.bulk``: one ``unnest`` statement stores exactly what a row-by-row executemany does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from hub.store import bulk
from hub.store.db import make_engine
from tests.servers import postgres_database

meta = MetaData()
sample = Table(
    "bulk_sample",
    meta,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("key", String(36), nullable=False, unique=True),
    Column("short", String(5), nullable=True),
    Column("note", Text, nullable=True),
    Column("count", Integer, nullable=True),
    Column("big", BigInteger, nullable=True),
    Column("flag", Boolean, nullable=False),
    Column("day", Date, nullable=True),
    Column("at", DateTime(timezone=True), nullable=True),
    Column("blob", LargeBinary, nullable=True),
    Column("doc", JSON, nullable=False),
)


def _row(key: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": key,
        "short": None,
        "note": None,
        "count": None,
        "big": None,
        "flag": False,
        "day": None,
        "at": None,
        "blob": None,
        "doc": {},
    }
    return row | values


ROWS = [
    _row(
        "a",
        short="абвгд",
        note='ünïcödé "quoted" {brace}, comma\\',
        count=7,
        big=2**40,
        flag=True,
        day=date(2024, 2, 29),
        at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        blob=b"\x00\xff",
        doc={"errors": [["E1", "тест"]], "n": None},
    ),
    _row("b", short="", note="NULL", doc=[]),
    _row("c"),
]


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with postgres_database(migrated=False) as url:
        engine = make_engine(url)
        meta.create_all(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def _stored(engine: Engine, keys: list[str]) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(sample).where(sample.c.key.in_(keys)).order_by(sample.c.key)).mappings()
        return [{k: v for k, v in row.items() if k not in ("id", "key")} for row in rows]


def test_insert_stores_what_executemany_stores_and_returns_the_ids(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(sample), [row | {"key": "many-" + row["key"]} for row in ROWS])
        returned = bulk.insert_rows(conn, sample, [row | {"key": "bulk-" + row["key"]} for row in ROWS], ("key", "id"))
    ids = {row.key: row.id for row in returned}
    assert sorted(ids) == ["bulk-a", "bulk-b", "bulk-c"]
    with engine.connect() as conn:
        assert dict(conn.execute(select(sample.c.key, sample.c.id).where(sample.c.key.like("bulk-%"))).all()) == ids
    assert _stored(engine, ["bulk-a", "bulk-b", "bulk-c"]) == _stored(engine, ["many-a", "many-b", "many-c"])


def test_update_sets_every_column_by_key(engine: Engine) -> None:
    changed = [ROWS[0] | {"key": "u1"}, ROWS[1] | {"key": "u2"}]
    with engine.begin() as conn:
        conn.execute(insert(sample), [row | {"key": "ref-" + row["key"]} for row in changed])
        bulk.insert_rows(conn, sample, [_row("u1"), _row("u2")])
        returned = bulk.update_rows(conn, sample, "key", changed, ("key",))
    assert sorted(row.key for row in returned) == ["u1", "u2"]
    assert _stored(engine, ["u1", "u2"]) == _stored(engine, ["ref-u1", "ref-u2"])


def test_a_value_too_long_is_refused_not_truncated(engine: Engine) -> None:
    with pytest.raises(DBAPIError, match="too long"), engine.begin() as conn:
        bulk.insert_rows(conn, sample, [_row("long", short="123456")])


def test_a_constraint_violation_is_an_integrity_error(engine: Engine) -> None:
    with engine.begin() as conn:
        bulk.insert_rows(conn, sample, [_row("dup")])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        bulk.insert_rows(conn, sample, [_row("other"), _row("dup")])
    assert _stored(engine, ["other"]) == []


@pytest.fixture
def sqlite_engine(tmp_path: Any) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'bulk.sqlite3'}")
    meta.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def _stored_as_text(engine: Engine, keys: list[str]) -> list[tuple[Any, ...]]:
    """The values exactly as SQLite holds them (dates as text, JSON as text), not as read back."""
    from sqlalchemy import text

    marks = ", ".join(f":k{i}" for i in range(len(keys)))
    query = text(
        f"SELECT short, note, count, big, flag, day, at, blob, doc FROM bulk_sample WHERE key IN ({marks}) ORDER BY key"
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query, {f"k{i}": k for i, k in enumerate(keys)})]


def test_sqlite_insert_stores_byte_for_byte_what_executemany_stores(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(insert(sample), [row | {"key": "many-" + row["key"]} for row in ROWS])
        assert bulk.insert_rows(conn, sample, [row | {"key": "bulk-" + row["key"]} for row in ROWS]) == []
    assert _stored_as_text(sqlite_engine, ["bulk-a", "bulk-b", "bulk-c"]) == _stored_as_text(
        sqlite_engine, ["many-a", "many-b", "many-c"]
    )
    assert _stored(sqlite_engine, ["bulk-a"])[0]["doc"] == ROWS[0]["doc"]


def test_sqlite_repeated_and_equal_dates_are_stored_as_executemany_stores_them(sqlite_engine: Engine) -> None:
    """Dates are converted once per distinct value; equal instants in other zones stay apart."""
    noon_utc = datetime(2024, 1, 2, 12, 0, tzinfo=UTC)
    same_instant = noon_utc.astimezone(timezone(timedelta(hours=3)))
    assert same_instant == noon_utc
    values = [noon_utc, noon_utc, same_instant, None, noon_utc.replace(tzinfo=None), same_instant]
    rows = [_row(f"d{i}", at=at, day=date(2024, 1, 1 + i % 2)) for i, at in enumerate(values)]
    with sqlite_engine.begin() as conn:
        conn.execute(insert(sample), [row | {"key": "many-" + row["key"]} for row in rows])
        bulk.insert_rows(conn, sample, [row | {"key": "bulk-" + row["key"]} for row in rows])
    stored_bulk = _stored_as_text(sqlite_engine, [f"bulk-d{i}" for i in range(len(rows))])
    assert stored_bulk == _stored_as_text(sqlite_engine, [f"many-d{i}" for i in range(len(rows))])
    assert stored_bulk[0][6] != stored_bulk[2][6]  # the zone shows in the text SQLite holds


def test_sqlite_update_sets_every_column_by_key(sqlite_engine: Engine) -> None:
    changed = [ROWS[0] | {"key": "u1"}, ROWS[1] | {"key": "u2"}]
    with sqlite_engine.begin() as conn:
        conn.execute(insert(sample), [row | {"key": "ref-" + row["key"]} for row in changed])
        bulk.insert_rows(conn, sample, [_row("u1"), _row("u2")])
        bulk.update_rows(conn, sample, "key", changed)
    assert _stored_as_text(sqlite_engine, ["u1", "u2"]) == _stored_as_text(sqlite_engine, ["ref-u1", "ref-u2"])


def test_sqlite_refuses_returning_and_reports_constraints(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn, pytest.raises(ValueError, match="RETURNING"):
        bulk.insert_rows(conn, sample, [_row("r1")], ("id",))
    with sqlite_engine.begin() as conn, pytest.raises(ValueError, match="RETURNING"):
        bulk.update_rows(conn, sample, "key", [_row("r1")], ("id",))
    with pytest.raises(IntegrityError), sqlite_engine.begin() as conn:
        bulk.insert_rows(conn, sample, [_row("dup"), _row("dup")])
    assert _stored(sqlite_engine, ["dup"]) == []


# --- one_of: an IN list as one parameter -------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_engine")
    else:
        yield request.getfixturevalue("engine")


def test_one_of_matches_exactly_the_listed_values_of_any_length(any_engine: Engine) -> None:
    """Strings (unicode, quotes) and integers; an empty list matches nothing; 40 000 values — far
    past SQLite's parameter limit that IN lists had to be cut under — go as one parameter."""
    keys = ["oneof-1", 'oneof-"2"', "oneof-ю"]
    with any_engine.begin() as conn:
        bulk.insert_rows(conn, sample, [_row(key, count=i) for i, key in enumerate(keys)])
    with any_engine.connect() as conn:

        def keys_where(condition: Any) -> list[str]:
            return sorted(conn.execute(select(sample.c.key).where(condition)).scalars())

        assert keys_where(bulk.one_of(conn, sample.c.key, [keys[1], keys[2], "absent"])) == sorted(keys[1:])
        assert keys_where(bulk.one_of(conn, sample.c.key, [])) == []
        many = [f"absent-{i}" for i in range(40_000)] + [keys[0]]
        assert keys_where(bulk.one_of(conn, sample.c.key, many)) == [keys[0]]
        counted = keys_where(sample.c.key.like("oneof-%") & bulk.one_of(conn, sample.c.count, [0, 2]))
        assert counted == sorted([keys[0], keys[2]])


def test_one_of_is_one_cached_statement_whatever_the_length(sqlite_engine: Engine) -> None:
    """The point of one parameter: the compiled statement does not depend on the list."""
    with sqlite_engine.connect() as conn:
        texts = {
            str(select(sample.c.key).where(bulk.one_of(conn, sample.c.key, values)).compile(conn))
            for values in (["a"], ["a", "b", "c"], [str(i) for i in range(1000)])
        }
    assert len(texts) == 1
    assert "json_each" in texts.pop()


def test_update_rows_without_their_key_are_refused_before_any_sql(any_engine: Engine) -> None:
    rows = [{k: v for k, v in _row("k1").items() if k != "key"}]
    with any_engine.begin() as conn, pytest.raises(KeyError, match="carry no key"):
        bulk.update_rows(conn, sample, "key", rows)
