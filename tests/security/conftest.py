"""Fixtures for the attack tests: one running hub per test module and deployment shape.

Every case in this package is an attack that a security review ran against the hub from
outside (issue "Close the holes a security review found"); docs/SECURITY.md lists each
attack class with the test that proves it is refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import HubUnderTest, running_hub

SHAPES = ["embedded", "production"]


@pytest.fixture(scope="module", params=SHAPES)
def hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running
