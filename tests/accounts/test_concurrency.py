"""Two workers importing onto the same premises at once cannot exceed 100 % together.

PostgreSQL runs transactions concurrently (READ COMMITTED): without the per-object lock both
imports would read "0 % taken" and both would commit 60 %. SQLite has one writer at a time.
"""

from __future__ import annotations

import threading

import pytest

from testkit.accounts import Acc, import_request
from tests.accounts.results import commons
from tests.accounts.rig import Db


def test_concurrent_imports_share_the_100_percent(db: Db) -> None:
    if db.store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes writers; the race exists only on PostgreSQL")
    house = db.house(premises_count=40, rooms=0)
    target = house.premises[0]
    others = house.premises[1:]
    requests = [
        import_request(
            [Acc([("PremisesGUID", target, "60")])] + [Acc([("PremisesGUID", p, "1")]) for p in others[i::2]]
        )
        for i in range(2)
    ]
    start = threading.Barrier(2)
    outcomes: list[tuple[str, ...]] = []

    def run(request: object) -> None:
        start.wait()
        result = db.run_import(request, chunk=50)  # type: ignore[arg-type]
        outcomes.append(commons(result)[0].errors)

    threads = [threading.Thread(target=run, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == [(), ("INT908002",)]
