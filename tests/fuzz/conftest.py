"""Fixtures of the contract fuzz tests: the generator over the real XSD and the drawn corpus.

Each operation's draws have a fixed seed (its name, ``tests.fuzz.corpus``), so CI sees the same
instances every run and a failure reproduces locally with the same ``HUB_FUZZ_EXAMPLES``.
``hut`` is the root conftest's running hub; ``rig`` the housing handlers over the ``backend`` store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from hub.contract.registry import Operation
from hub.store.base import Store
from tests.fuzz.corpus import FUZZ_EXAMPLES, draw_many
from tests.fuzz.generator import RequestGenerator
from tests.fuzz.stored import OVERRIDES
from tests.houses.rig import HousingRig
from tests.servers import Backend

Corpus = Callable[[Operation], list[etree._Element]]


@pytest.fixture(scope="session")
def generator(real_contract: Path) -> RequestGenerator:
    return RequestGenerator(real_contract)


@pytest.fixture(scope="session")
def corpus(generator: RequestGenerator) -> Corpus:
    """The instances of an operation's request, drawn once per session (both shapes get them)."""
    drawn: dict[str, list[etree._Element]] = {}

    def of(operation: Operation) -> list[etree._Element]:
        if operation.name not in drawn:
            strategy = generator.instances(operation.request_qname, versions=operation.versions, overrides=OVERRIDES)
            drawn[operation.name] = draw_many(strategy, FUZZ_EXAMPLES, operation.name)
        return drawn[operation.name]

    return of


@pytest.fixture
def rig(backend: Backend) -> HousingRig:
    """The housing handlers on a migrated, empty store (as tests/houses' own fixture)."""
    return HousingRig.on(Store(backend.engine))
