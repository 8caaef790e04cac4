"""Pure rules of the common books: which group the hub's books are in, and how GIS pages them."""

from __future__ import annotations

from dataclasses import dataclass

from hub.errors import E, HubError

#: exportNsiPagingItem pages: GIS answers 1000 elements a page
PAGE_SIZE = 1000

#: the hub's books are all of the NSI group; NSIRAO (the ОКИ/РАО books) it does not keep
HUB_LIST_GROUP = "NSI"


@dataclass(frozen=True, slots=True)
class PageWindow:
    offset: int
    limit: int
    total_items: int
    total_pages: int
    current: int


def check_group(list_group: str) -> None:
    """INT002012 for a group the hub keeps no book of (NSIRAO)."""
    if list_group != HUB_LIST_GROUP:
        raise HubError(E.INT002012, f"Хаб не ведет справочники группы {list_group}")


def page_window(total_items: int, page: int) -> PageWindow:
    """Page ``page`` (from 1) of ``total_items``; a page past the last is INT002012."""
    total_pages = max(1, -(-total_items // PAGE_SIZE))
    if total_items == 0 or page > total_pages:
        raise HubError(E.INT002012, f"Страница {page} отсутствует: всего страниц {total_pages if total_items else 0}")
    return PageWindow((page - 1) * PAGE_SIZE, PAGE_SIZE, total_items, total_pages, page)
