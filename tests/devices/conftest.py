"""The ``db`` fixture: the devices handlers on a migrated, empty store per test, on SQLite and
PostgreSQL (the ``backend`` fixture's cases)."""

from __future__ import annotations

import pytest

from hub.store.base import Store
from tests.devices.rig import Db, open_db
from tests.servers import Backend


@pytest.fixture
def db(backend: Backend) -> Db:
    return open_db(Store(backend.engine))
