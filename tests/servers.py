"""What tests need of the machine: the servers and the rule for when one is missing.

PostgreSQL and Redis come from ``HUB_TEST_POSTGRES_URL`` / ``HUB_TEST_REDIS_URL`` (``.ci/run``
starts them). A missing one skips the test locally and fails it in CI (``CI=true``), where
everything must exist: ``require``.

A plain module (not a conftest) so fixtures, the e2e harness and test modules share it without
importing a conftest.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from testkit import databases

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: The backends every store test runs on; also the ids of the ``backend`` fixture's cases.
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Backend:
    """One case of the ``backend`` fixture: which backend, its database's URL, an engine on it."""

    name: str
    url: str
    engine: Engine


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` fails, or fail in CI where everything must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def postgres_admin_url() -> str:
    url = os.environ.get("HUB_TEST_POSTGRES_URL", "")
    require(bool(url), "HUB_TEST_POSTGRES_URL is not set (PostgreSQL is started by .ci/run)")
    return url


@contextmanager
def postgres_database(*, migrated: bool = True) -> Iterator[str]:
    """A new PostgreSQL database (migrated from the template, or empty), dropped at the end."""
    with databases.postgres_database(postgres_admin_url(), migrated=migrated) as url:
        yield url


@contextmanager
def backend_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new migrated, empty database on ``backend`` (``sqlite``: a file in ``folder``).

    The ``backend`` fixture is this; a test that needs a database outside a fixture (a hub
    process, a second database) calls it directly.
    """
    if backend == "sqlite":
        yield databases.sqlite_database(folder / "hub.sqlite3")
    elif backend == "postgres":
        with postgres_database() as url:
            yield url
    else:
        raise ValueError(f"unknown backend {backend!r}")


def redis_url() -> str:
    """A flushed Redis database of this xdist worker's own: parallel sessions never share a queue."""
    url = os.environ.get("HUB_TEST_REDIS_URL", "")
    require(bool(url), "HUB_TEST_REDIS_URL is not set (Redis is started by .ci/run)")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    db_url = f"{url.rsplit('/', 1)[0]}/{1 + int(worker.removeprefix('gw') or 0)}"
    import redis

    redis.Redis.from_url(db_url).flushdb()
    return db_url
