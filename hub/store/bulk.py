"""One statement per table for a chunk's rows: arrays on PostgreSQL, a lean executemany on SQLite.

psycopg's ``executemany`` sends one INSERT/UPDATE per row (pipelined, but each one bound,
executed and acknowledged apart): for a 100-account chunk that was ~300 statements, about a
third of a worker's time per message. Here the rows go as one array parameter per column and
the server spreads them with ``unnest``::

    INSERT INTO t (c1, c2, …) SELECT * FROM unnest(CAST(:c1 AS text[]), CAST(:c2 AS bigint[]), …)

The statement text depends only on the table and columns, so psycopg's caches (and its
automatic prepared statements) apply. It runs on the caller's connection, inside the caller's
transaction (a chunk stays one transaction), and a constraint violation surfaces as the same
``IntegrityError``.

The arrays travel in binary format (``%(c)b``): the text format quotes every element with a
regular expression on the client, which cost more than the per-row statements saved. Arrays of
strings are cast to ``text[]``, not ``varchar(n)[]``: an explicit cast to ``varchar(n)`` would
silently truncate, while the assignment to the column rejects a value that is too long, exactly
as a row-by-row insert does. JSON values are serialized here (as SQLAlchemy's ``JSON`` type
would) and cast to ``json[]``.

SQLite has no arrays and its statements cost no round trip, so there the rows go to the
driver's ``executemany`` — but as plain tuples, each value passed through its column type's
own bind processor (the same conversion SQLAlchemy applies: dates to its text format, JSON
serialized), skipping the per-row parameter construction of a compiled ``insert()``, which cost
more than SQLite's own work (measured: 2.5 ms of a 5 ms 100-account write).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Dialect,
    Row,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

Processor = Callable[[Any], Any]


def _array_type(dialect: Dialect, table: Table, name: str) -> str:
    sql_type = table.c[name].type
    if isinstance(sql_type, String):  # Text too; the column's own length check applies on assignment
        return "TEXT[]"
    return f"{sql_type.compile(dialect=dialect)}[]"


def _names(table: Table, names: Sequence[str], prefix: str = "") -> str:
    """A column list; only the table's own column names ever reach the SQL text."""
    unknown = [name for name in names if name not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no columns {unknown}")
    return ", ".join(prefix + name for name in names)


def _arrays(dialect: Dialect, table: Table, columns: Sequence[str]) -> str:
    return ", ".join(f"CAST(%({name})b AS {_array_type(dialect, table, name)})" for name in columns)


# Identifiers below come from the table's metadata (checked by _names), values are all bound.


@lru_cache(maxsize=256)
def _insert_sql(dialect: Dialect, table: Table, columns: tuple[str, ...], returning: tuple[str, ...]) -> str:
    source = f"unnest({_arrays(dialect, table, columns)})"
    sql = f"INSERT INTO {table.name} ({_names(table, columns)}) SELECT * FROM {source}"  # noqa: S608
    return f"{sql} RETURNING {_names(table, returning)}" if returning else sql


@lru_cache(maxsize=256)
def _update_sql(dialect: Dialect, table: Table, key: str, columns: tuple[str, ...], returning: tuple[str, ...]) -> str:
    names = (key, *(c for c in columns if c != key))
    assignments = ", ".join(f"{c} = v.{c}" for c in names[1:])
    source = f"unnest({_arrays(dialect, table, names)}) AS v({_names(table, names)})"
    sql = f"UPDATE {table.name} SET {assignments} FROM {source} WHERE {table.name}.{key} = v.{key}"  # noqa: S608
    return f"{sql} RETURNING {_names(table, returning, f'{table.name}.')}" if returning else sql


def _columns(table: Table, rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """One list per column; JSON values serialized (a Python list would be taken for an array)."""
    params: dict[str, list[Any]] = {}
    for name in names:
        values = [row[name] for row in rows]
        if isinstance(table.c[name].type, JSON):
            values = [json.dumps(v) for v in values]  # None as JSON null, as the column type does
        params[name] = values
    return params


@lru_cache(maxsize=256)
def _processors(dialect: Dialect, table: Table, names: tuple[str, ...]) -> tuple[tuple[int, Processor, bool], ...]:
    """(position, bind processor, memoizable) of each column that has a processor.

    Date and time values are memoized per call: a chunk's rows share a few of them (every row's
    ``created_at``/``updated_at`` is the chunk's clock reading), and SQLite's processor formats
    each one in Python (~1.5 µs; 300 calls for a 100-account chunk and its outcomes). The memo key
    carries the zone: 12:00+03:00 equals 09:00Z, yet the two are written differently.
    """
    found = []
    for i, name in enumerate(names):
        column_type = table.c[name].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found.append((i, process, isinstance(column_type, Date | DateTime)))
    return tuple(found)


def _tuples(
    dialect: Dialect, table: Table, rows: Sequence[Mapping[str, Any]], names: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """The driver's parameter rows: values in ``names`` order, converted only where a column has
    a bind processor (dates, JSON, booleans; most columns have none)."""
    take = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    converted = _processors(dialect, table, names)
    if not converted:
        return [take(row) for row in rows]
    plan: list[tuple[int, Processor, dict[Any, Any] | None]] = [
        (i, process, {} if memoizable else None) for i, process, memoizable in converted
    ]
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(take(row))
        for i, process, memo in plan:
            value = values[i]
            if memo is None:
                values[i] = process(value)
            else:
                # Equal instants in different zones are equal (and hash alike) but format apart.
                key = (value, getattr(value, "tzinfo", None))
                if key in memo:
                    values[i] = memo[key]
                else:
                    values[i] = memo[key] = process(value)
        out.append(tuple(values))
    return out


@lru_cache(maxsize=256)
def _sqlite_insert_sql(table: Table, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table.name} ({_names(table, columns)}) VALUES ({marks})"  # noqa: S608


@lru_cache(maxsize=256)
def _sqlite_update_sql(table: Table, key: str, columns: tuple[str, ...]) -> str:
    _names(table, (*columns, key))  # only the table's own column names reach the SQL text
    assignments = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE {table.name} SET {assignments} WHERE {key} = ?"  # noqa: S608


def _sqlite_executemany(
    conn: Connection,
    sql: str,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    names: tuple[str, ...],
    returning: Sequence[str],
) -> list[Row[Any]]:
    if returning:
        raise ValueError("RETURNING from a SQLite executemany runs row by row: read the rows back instead")
    conn.exec_driver_sql(sql, _tuples(conn.dialect, table, rows, names))
    return []


def one_of(conn: Connection, column: ColumnElement[Any], values: Collection[Any]) -> ColumnElement[bool]:
    """``column IN values`` with the whole list bound as ONE parameter.

    SQLAlchemy's ``in_`` renders and binds one placeholder per value at every execution (on
    SQLite ≈ 0.3 ms per 100-value list, a tenth of a 100-account chunk's lookups) and needs the
    list cut under the driver's parameter limit. One parameter keeps the compiled statement cached
    whatever the length: PostgreSQL ``= ANY(array)``, SQLite ``IN (SELECT value FROM
    json_each(json))`` (the index on ``column`` is probed per value, as with a literal list).
    """
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(_json_each(bindparam(None, json.dumps(list(values)))))


def json_values(name: str) -> ScalarSelect[Any]:
    """SQLite: the values of the JSON array bound as parameter ``name``, for ``column.in_(…)`` in a
    statement built once (``one_of`` binds its list at construction, so its statement is built
    per call; constructing a statement cost more than SQLite running it)."""
    return _json_each(bindparam(name))


def _json_each(array: BindParameter[Any]) -> ScalarSelect[Any]:
    return select(literal_column("value")).select_from(func.json_each(array)).scalar_subquery()


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], returning: Sequence[str] = ()
) -> Sequence[Row[Any]]:
    """Insert ``rows`` (all with the same keys) in one statement; the ``returning`` columns of each."""
    if not rows:
        return []
    names = tuple(rows[0])
    if conn.dialect.name != "postgresql":
        return _sqlite_executemany(conn, _sqlite_insert_sql(table, names), table, rows, names, returning)
    result = conn.exec_driver_sql(
        _insert_sql(conn.dialect, table, names, tuple(returning)), _columns(table, rows, names)
    )
    return result.all() if returning else []


def update_rows(
    conn: Connection, table: Table, key: str, rows: Sequence[Mapping[str, Any]], returning: Sequence[str] = ()
) -> Sequence[Row[Any]]:
    """Update the rows whose ``key`` column matches, setting every other key of ``rows``, in one statement."""
    if not rows:
        return []
    names = tuple(rows[0])
    if key not in names:
        raise KeyError(f"the rows carry no {key}")
    if conn.dialect.name != "postgresql":
        ordered = (*(n for n in names if n != key), key)
        sql = _sqlite_update_sql(table, key, ordered[:-1])
        return _sqlite_executemany(conn, sql, table, rows, ordered, returning)
    result = conn.exec_driver_sql(
        _update_sql(conn.dialect, table, key, names, tuple(returning)), _columns(table, rows, names)
    )
    return result.all() if returning else []
