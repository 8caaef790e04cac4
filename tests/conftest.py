"""Shared fixtures.

``shared_dir``: the real GIS contract and samples beside the repository (../shared). Absent in
a user's clone: tests that need it skip with the reason; with ``CI=true`` they fail instead.

Servers: PostgreSQL and Redis come from ``HUB_TEST_POSTGRES_URL`` / ``HUB_TEST_REDIS_URL``
(``.ci/run`` starts them). Same rule: skip locally when missing, fail in CI.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HUB_SHARED_DIR", REPO.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` fails, or fail in CI where everything must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


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
