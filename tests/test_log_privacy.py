"""No payload or statement parameter reaches a log: a failed INSERT says what failed, not with what."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hub.store.db import make_engine

SECRET = "<hm:AccountNumber>ЛС-4242-СЕКРЕТ</hm:AccountNumber>"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_failed_insert_logs_no_parameters(backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    if backend == "postgres":
        from tests.e2e.harness import postgres_database

        with postgres_database() as url:
            _check(url, caplog)
    else:
        _check(f"sqlite:///{tmp_path / 'x.db'}", caplog)


def _check(url: str, caplog: pytest.LogCaptureFixture) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, raw TEXT)"))
            conn.execute(text("INSERT INTO t VALUES (1, :raw)"), {"raw": SECRET})
        with caplog.at_level(logging.DEBUG), pytest.raises(IntegrityError) as failed, engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1, :raw)"), {"raw": SECRET})
        logging.getLogger("hub.test").exception("insert failed", exc_info=failed.value)
        assert "ЛС-4242" not in str(failed.value)
        assert "ЛС-4242" not in caplog.text and "INSERT INTO t" in caplog.text
    finally:
        engine.dispose()
