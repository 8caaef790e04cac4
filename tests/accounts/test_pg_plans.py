"""PostgreSQL chunk prefetches probe an index per value even before the tables are analyzed.

A fresh hub's first bulk load grows ``accounts`` faster than autovacuum analyzes it; with an
``IN`` list the planner then read all of the organization's accounts by the ``org_id`` prefix
for every chunk. These plans are checked on a never-analyzed table of a few thousand rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text

from hub.areas.accounts.store import _PG_NUMBER_OWNERS, _PG_OPEN_SHARES
from hub.store.db import make_engine
from tests.servers import postgres_database

ROWS = 4000


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    with postgres_database() as url:
        engine = make_engine(url)
        with engine.begin() as setup:
            setup.execute(
                text(
                    "INSERT INTO organizations (id, ppaguid, name, ogrn, inn, kpp, roles, created_at)"
                    " VALUES (1, 'p', 'n', '1', '2', '', 'УО', now())"
                )
            )
            setup.execute(
                text(
                    "INSERT INTO accounts (guid, org_id, kind, account_number, unique_number, unified_number,"
                    " service_counter, payer_is_renter, payer_accounts_divided, created_at, updated_at)"
                    " SELECT md5(i::text), 1, 'isUOAccount', 'N' || i, 'U' || i, lpad(i::text, 10, '0'), 1,"
                    " false, false, now(), now() FROM generate_series(1, :n) AS i"
                ),
                {"n": ROWS},
            )
            setup.execute(
                text(
                    "INSERT INTO account_accommodations (account_id, ordinal, target, object_guid, share, service_id)"
                    " SELECT id, 1, 'premises', 'obj-' || id, '100', 'S' || id FROM accounts"
                )
            )
        with engine.connect() as connection:
            yield connection
        engine.dispose()


def _plan(conn: Connection, statement: str, params: dict[str, object]) -> str:
    rows = conn.execute(text("EXPLAIN (FORMAT JSON) " + statement), params).scalar_one()
    return json.dumps(rows)


def _scanned_rows(conn: Connection, statement: str, params: dict[str, object]) -> int:
    """Rows the executor read from ``accounts`` (EXPLAIN ANALYZE), however the plan reads them."""
    plan = conn.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) " + statement), params).scalar_one()

    def walk(node: dict[str, object]) -> int:
        own = 0
        if node.get("Relation Name") == "accounts":
            own = int(node["Actual Rows"]) * int(node.get("Actual Loops", 1)) + int(  # type: ignore[call-overload]
                node.get("Rows Removed by Filter", 0)  # type: ignore[call-overload]
            )
        return own + sum(walk(child) for child in node.get("Plans", []))  # type: ignore[union-attr,arg-type]

    return walk(plan[0]["Plan"])


def test_number_owners_probe_the_unique_key_per_number(conn: Connection) -> None:
    params = {"numbers": [f"N{i}" for i in range(1, 101)], "org_id": 1}
    assert "Index Scan" in _plan(conn, _PG_NUMBER_OWNERS.text, params)
    assert _scanned_rows(conn, _PG_NUMBER_OWNERS.text, params) <= 100


def test_open_shares_read_only_the_wanted_objects(conn: Connection) -> None:
    params = {"objects": [f"obj-{i}" for i in range(1, 101)], "org_id": 1}
    assert len(conn.execute(_PG_OPEN_SHARES, params).all()) == 100
    plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN ANALYZE " + _PG_OPEN_SHARES.text), params))
    assert _scanned_rows(conn, _PG_OPEN_SHARES.text, params) <= 100, plan
