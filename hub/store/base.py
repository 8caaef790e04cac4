"""The store's engine holder and the UTC helpers every repository uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Engine,
)

from hub.store.db import writing

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything the hub stores is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class Store:
    """Holds the engine; hands out write and read connections."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def writing(self) -> Any:
        return writing(self.engine)

    def reading(self) -> Any:
        return self.engine.connect()
