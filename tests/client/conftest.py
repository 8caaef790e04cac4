"""Fixtures: clients bound to the running hub (``hut``, one per module and deployment shape)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.client.clients import ClientFactory, client_factory
from tests.e2e.harness import HubUnderTest


@pytest.fixture
def make_client(hut: HubUnderTest) -> Iterator[ClientFactory]:
    """``make_client(org=…, **config overrides, http=…, sleep=…)``; closed at teardown."""
    with client_factory(hut) as make:
        yield make
