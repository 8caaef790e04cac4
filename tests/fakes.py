"""Fakes of the hub's own small interfaces (never of third-party parts)."""

from __future__ import annotations

import uuid

from hub.services.ports import NsiElement

DEFAULT_BOOKS: dict[int, dict[str, str]] = {
    22: {"1": "Окончание договора"},
    24: {"1": "Аварийный", "2": "Исправный", "3": "Ветхий"},
    30: {"1": "Отдельная квартира", "2": "Квартира коммунального заселения", "3": "Комната"},
    95: {"1": "Паспорт"},
}


class FakeNsi:
    """``NsiCatalog`` holding complete books (an unknown code in them is INT002000)."""

    def __init__(self, books: dict[int, dict[str, str]] | None = None) -> None:
        self.books = DEFAULT_BOOKS if books is None else books

    def has_book(self, registry: int) -> bool:
        return registry in self.books

    def element(self, registry: int, code: str) -> NsiElement | None:
        name = self.books.get(registry, {}).get(code)
        if name is None:
            return None
        return NsiElement(registry, code, str(uuid.uuid5(uuid.NAMESPACE_URL, f"hub-nsi:{registry}:{code}")), name)
