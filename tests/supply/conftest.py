"""The ``db`` fixture: the supply handlers on a migrated, empty store per test, on SQLite and
PostgreSQL (the ``backend`` fixture's cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.store.base import Store
from tests.servers import Backend
from tests.supply.rig import Db, open_db


@pytest.fixture
def db(backend: Backend, real_contract: Path) -> Db:
    return open_db(Store(backend.engine), real_contract)
