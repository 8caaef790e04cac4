"""Calling the REST API of a hub under test: a token for one of its organizations, a GET with it."""

from __future__ import annotations

import httpx

from hub.services import tokens
from hub.store.tokens import SqlTokens
from tests.e2e.harness import HubUnderTest

API = "/api/v1"


def token_for(hut: HubUnderTest, org: str | None) -> str:
    """A new token of ``hut.orgs[org]`` (None: an operator token); its secret."""
    org_id = hut.orgs[org].id if org else None
    _row, secret = tokens.issue(SqlTokens(hut.hub.store, actor="test"), org_id, f"test {org}")
    return secret


def get(hut: HubUnderTest, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return hut.client.get(hut.base_url + API + path, headers=headers)
