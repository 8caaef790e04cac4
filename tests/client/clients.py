"""Clients of the hub library bound to a running hub (``make_client``), shared by the client tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hub.client import ClientConfig, HubClient, Polling, Retries
from tests.e2e.harness import PASSWORD, HubUnderTest, Org

#: Short polling delays: the hub under test answers in milliseconds.
FAST = Polling(delays=(0.05, 0.1, 0.2), timeout=30.0)

ClientFactory = Callable[..., HubClient]


@contextmanager
def client_factory(hut: HubUnderTest) -> Iterator[ClientFactory]:
    """``make_client(org=…, **config overrides, http=…, sleep=…)``; every client closed at the end."""
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

    try:
        yield make
    finally:
        for client in made:
            client.close()
