"""The last-reading lookup descends ix_meter_readings_last per (device, resource) pair: it never
reads a device's whole history (which grows every month)."""

from __future__ import annotations

import json

from sqlalchemy import text

from hub.areas.readings import store as readings_store
from tests.readings.rig import Rig


def test_the_last_reading_is_an_index_descent(rig: Rig) -> None:
    with rig.store.reading() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table: plan as if it were big
            sql = "EXPLAIN " + readings_store._PG_LAST.text
            params = {"roots": ["a", "b"], "resources": ["1", "1"], "volume": "x"}
            plan = "\n".join(row[0] for row in conn.execute(text(sql), params))
            assert "ix_meter_readings_last" in plan and "Sort" not in plan, plan
        else:
            sql = "EXPLAIN QUERY PLAN " + readings_store._SQLITE_LAST.text
            rows = conn.execute(text(sql), {"pairs": json.dumps([["a", "1"]]), "volume": "x"}).all()
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "ix_meter_readings_last" in plan and "TEMP B-TREE" not in plan, plan
