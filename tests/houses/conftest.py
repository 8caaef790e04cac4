"""Fixtures of the housing tests: a migrated store on both backends, and the running hub.

``hut`` is the e2e fixture of tests/e2e (one running hub per module and deployment shape).
``rig`` is the same store and handlers without HTTP, on SQLite and — when
``HUB_TEST_POSTGRES_URL`` is set — on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import hut
from tests.e2e.harness import postgres_database
from tests.houses.rig import HousingRig

__all__ = ["hut"]


@pytest.fixture(params=["sqlite", "postgresql"])
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HousingRig]:
    if request.param == "sqlite":
        with HousingRig.open(f"sqlite:///{tmp_path / 'hub.sqlite3'}") as opened:
            yield opened
        return
    with (
        postgres_database() as url,
        HousingRig.open(url) as opened,
    ):
        yield opened
