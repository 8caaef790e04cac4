"""The ``rig`` fixture: the housing handlers on a migrated, empty store per test, on SQLite and
PostgreSQL (the ``backend`` fixture's cases). ``hut`` (the running hub) comes from tests/conftest.py."""

from __future__ import annotations

import pytest

from hub.store.base import Store
from tests.houses.rig import HousingRig
from tests.servers import Backend


@pytest.fixture
def rig(backend: Backend) -> HousingRig:
    return HousingRig.on(Store(backend.engine))
