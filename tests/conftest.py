"""Shared fixtures.

``shared_dir``: the real GIS contract and samples beside the repository (../shared). Absent in
a user's clone: tests that need it skip with the reason; with ``CI=true`` they fail instead.

``hut``: a running hub per test module and deployment shape (``tests.e2e.harness``), for every
package that talks to the hub over HTTP.

``backend``: a migrated, empty database on each backend — the cases ``sqlite`` and
``postgres`` — as a :class:`tests.servers.Backend` (``.name``, ``.url``, ``.engine``). SQLite is a copy of a
file migrated once per process, PostgreSQL a ``CREATE DATABASE … TEMPLATE`` of a database
migrated once per server and schema (``testkit.databases``); either is dropped at teardown.
PostgreSQL comes from ``HUB_TEST_POSTGRES_URL`` (``.ci/run`` starts it): its case skips when
that is unset, and fails in CI (``tests.servers.require``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.store.db import make_engine
from tests.e2e.harness import SHAPES, HubUnderTest, running_hub
from tests.servers import BACKENDS, Backend, backend_database, require

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HUB_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with backend_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        try:
            yield Backend(request.param, url, engine)
        finally:
            engine.dispose()


@pytest.fixture(scope="module", params=SHAPES)
def hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    require(
        (SHARED / "gis-contract" / "16.3.0.0").is_dir(),
        f"the real GIS contract is not at {SHARED} (../shared is only in the project's workspace)",
    )
    return SHARED


@pytest.fixture(scope="session")
def real_contract(shared_dir: Path) -> Path:
    return shared_dir / "gis-contract" / "16.3.0.0"


@pytest.fixture(scope="session")
def gis_samples(shared_dir: Path) -> Path:
    return shared_dir / "gis-samples"


#: Debian's chromium package (the browser tests drive it with Playwright; no browser download)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Debian chromium for a module's browser tests (closed with the module, so no
    Playwright event loop outlives the tests that need it)."""
    playwright = pytest.importorskip("playwright.sync_api")
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
