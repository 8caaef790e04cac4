"""SQLite plans of the chunk prefetches: an index probe per value, never a walk of the organization.

SQLite has no statistics unless ANALYZE ran (the hub never runs it), so the planner goes by
heuristics; these tests pin the plans EXPLAIN QUERY PLAN reports for the statements the
account chunks run.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from hub.areas.accounts.store import _SQLITE_OPEN_SHARES
from hub.store.db import make_engine
from testkit.databases import sqlite_database


def _plan(tmp_path: Path, statement: str, params: dict[str, object]) -> list[str]:
    engine = make_engine(sqlite_database(tmp_path / "plans.sqlite3"))
    try:
        with engine.connect() as conn:
            return [row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + statement), params)]
    finally:
        engine.dispose()


def test_open_shares_probes_the_object_index_then_accounts_by_key(tmp_path: Path) -> None:
    plan = _plan(tmp_path, str(_SQLITE_OPEN_SHARES), {"objects": json.dumps(["a", "b"]), "org_id": 1})
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN")) and "json_each" not in step]
    assert searches == [
        "SEARCH p USING INDEX ix_account_accommodations_object (object_guid=?)",
        "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)",
    ], plan
