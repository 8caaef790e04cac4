"""Fixtures: a running hub per module and deployment shape (as tests/e2e), clients bound to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from hub.client import ClientConfig, HubClient, Polling, Retries
from tests.e2e.harness import PASSWORD, HubUnderTest, Org, running_hub

SHAPES = ["embedded", "production"]
FAST = Polling(delays=(0.05, 0.1, 0.2), timeout=30.0)


@pytest.fixture(scope="module", params=SHAPES)
def hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(request.param, tmp_path_factory.mktemp(request.param)) as running:
        yield running


ClientFactory = Callable[..., HubClient]


@pytest.fixture
def make_client(hut: HubUnderTest) -> Iterator[ClientFactory]:
    """``make_client(org=…, **config overrides, http=…, sleep=…)``; closed at teardown."""
    made: list[HubClient] = []

    def make(org: Org | None = None, *, http: object = None, sleep: object = None, **overrides: object) -> HubClient:
        org = org or hut.orgs["a"]
        values: dict[str, object] = {
            "base_url": hut.base_url,
            "org_ppaguid": org.ppaguid,
            "identity": org.identity,
            "password": PASSWORD,
            "polling": FAST,
            "retries": Retries(attempts=3, backoff=(0.0,)),
            **overrides,
        }
        kwargs: dict[str, object] = {}
        if http is not None:
            kwargs["http"] = http
        if sleep is not None:
            kwargs["sleep"] = sleep
        client = HubClient(ClientConfig(**values), **kwargs)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
