"""Drawing a fixed corpus from a Hypothesis strategy, the same every run.

``HUB_FUZZ_EXAMPLES`` (default 30) is how many instances of each operation's request the
property test draws; ``make contract-fuzz`` runs 200.
"""

from __future__ import annotations

import hashlib
import os
from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

FUZZ_EXAMPLES = int(os.environ.get("HUB_FUZZ_EXAMPLES", "30"))

T = TypeVar("T")


def draw_many(strategy: st.SearchStrategy[T], count: int, label: str) -> list[T]:
    """``count`` examples of ``strategy``, the same ones every run for the same ``label``.

    The seed comes from ``label`` (e.g. the operation's name), not from ``derandomize``, whose
    seed hashes the drawing function with its strategy's repr — which names lambdas by address,
    so the corpus would change with the tests selected. The hub is exercised apart from the draw
    (post everything, then poll), so Hypothesis only draws here: no shrinking, no example
    database, and the health checks about large or slow data are off — big trees are the point.
    """
    drawn: list[T] = []

    @seed(int.from_bytes(hashlib.sha256(label.encode()).digest()[:8], "big"))
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: T) -> None:
        drawn.append(example)

    collect()
    return drawn
