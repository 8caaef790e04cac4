"""Fixtures: one running hub per test module and deployment shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import HubUnderTest, running_hub

SHAPES = ["embedded", "production"]


@pytest.fixture(scope="module", params=SHAPES)
def hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running
