"""The common books as a client reads them: the list, one book (or its delta), one page of it.

The view is a port (``NsiBooksView``) so the rules run without a database in unit tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from hub.areas.nsi.rules import PageWindow, check_group, page_window
from hub.errors import E, HubError


@dataclass(frozen=True, slots=True)
class BookSummary:
    registry: int
    name: str
    modified: datetime


@dataclass(frozen=True, slots=True)
class BookElement:
    code: str
    guid: str
    name: str
    is_actual: bool
    modified: datetime


class NsiBooksView(Protocol):
    def books(self) -> Sequence[BookSummary]: ...
    def has_book(self, registry: int) -> bool: ...
    def count(self, registry: int, modified_after: datetime | None) -> int: ...
    def elements(
        self, registry: int, modified_after: datetime | None, offset: int = 0, limit: int | None = None
    ) -> Sequence[BookElement]: ...


@dataclass(frozen=True, slots=True)
class ElementPage:
    window: PageWindow
    elements: Sequence[BookElement]


def list_books(view: NsiBooksView, list_group: str) -> Sequence[BookSummary]:
    check_group(list_group)
    found = view.books()
    if not found:
        raise HubError(E.INT002012, "В хабе нет справочников")
    return found


def _known(view: NsiBooksView, registry: int, list_group: str) -> None:
    check_group(list_group)
    if not view.has_book(registry):
        raise HubError(E.INT002012, f"Справочник НСИ {registry} в хабе отсутствует")


def book_elements(
    view: NsiBooksView, registry: int, list_group: str, modified_after: datetime | None
) -> Sequence[BookElement]:
    """The whole book, or the elements changed after ``modified_after`` (INT002012 when none)."""
    _known(view, registry, list_group)
    found = view.elements(registry, modified_after)
    if not found:
        raise HubError(E.INT002012, f"В справочнике НСИ {registry} нет изменений после {modified_after}")
    return found


def book_page(
    view: NsiBooksView, registry: int, list_group: str, page: int, modified_after: datetime | None
) -> ElementPage:
    """Page ``page`` of the book (or of its delta), ``PAGE_SIZE`` elements a page."""
    _known(view, registry, list_group)
    window = page_window(view.count(registry, modified_after), page)
    return ElementPage(window, view.elements(registry, modified_after, window.offset, window.limit))
