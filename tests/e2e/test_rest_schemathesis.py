"""schemathesis against the live app's own OpenAPI document (``/api/v1/openapi.json``): bounded
random requests to every operation, with an organization's token, must get no 500 and no response
outside the document (status codes, content types, bodies); schema-valid parameters are accepted
and schema-invalid ones refused.

One shape (embedded): what is checked is the HTTP contract of ``hub.rest``, the same code on both.
``HUB_SCHEMATHESIS_EXAMPLES`` (default 10) bounds the examples per operation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from hub.contract import json_payload
from tests.e2e.harness import HubUnderTest, running_hub
from tests.e2e.rest import API, token_for

EXAMPLES = int(os.environ.get("HUB_SCHEMATHESIS_EXAMPLES", "10"))


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubUnderTest, str]]:
    json_payload.model()  # the writes' XSD model, built once per process: not inside a timed request
    with running_hub("embedded", tmp_path_factory.mktemp("schemathesis")) as running:
        yield running, token_for(running, "a")


def test_the_api_keeps_its_own_openapi_document(live: tuple[HubUnderTest, str]) -> None:
    hut, token = live
    schema = schemathesis.openapi.from_url(hut.base_url + API + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12  # the message log, every resource's list and item, the writes
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def keeps_the_document(case: schemathesis.Case) -> None:
            # a write's body is valid when the XSD says so, which its loose JSON schema cannot tell:
            # an XSD-invalid object is a 400 with the XSD's words, not a defect
            excluded = [checks.positive_data_acceptance] if case.method == "POST" else []
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded, timeout=60)

        keeps_the_document()
