"""GIS's paging of a book: 1000 elements a page, a page past the last is INT002012."""

from __future__ import annotations

import pytest

from hub.areas.nsi.rules import PAGE_SIZE, check_group, page_window
from hub.errors import HubError


@pytest.mark.parametrize(
    ("total", "page", "offset", "pages"),
    [(1, 1, 0, 1), (1000, 1, 0, 1), (1001, 2, 1000, 2), (2500, 3, 2000, 3)],
)
def test_pages_of_a_thousand(total: int, page: int, offset: int, pages: int) -> None:
    window = page_window(total, page)
    assert (window.offset, window.limit, window.total_pages, window.current) == (offset, PAGE_SIZE, pages, page)


@pytest.mark.parametrize(("total", "page"), [(0, 1), (1000, 2), (2500, 4)])
def test_no_such_page(total: int, page: int) -> None:
    with pytest.raises(HubError) as caught:
        page_window(total, page)
    assert caught.value.code == "INT002012"


def test_only_the_nsi_group_is_kept() -> None:
    check_group("NSI")
    with pytest.raises(HubError) as caught:
        check_group("NSIRAO")
    assert caught.value.code == "INT002012"
