"""The organization registry tests run over real HTTP on both shapes (the e2e ``hut`` fixture)."""

from __future__ import annotations

from tests.e2e.conftest import hut

__all__ = ["hut"]
