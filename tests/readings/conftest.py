"""The ``rig`` fixture: the readings handlers on a migrated, empty store per test, on SQLite and
PostgreSQL (the ``backend`` fixture's cases), with fake registries of the other areas."""

from __future__ import annotations

import pytest

from hub.store.base import Store
from tests.readings.rig import Rig, open_rig
from tests.servers import Backend


@pytest.fixture
def rig(backend: Backend) -> Rig:
    return open_rig(Store(backend.engine))
