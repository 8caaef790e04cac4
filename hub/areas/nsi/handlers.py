"""exportNsiList, exportNsiItem, exportNsiPagingItem handlers (NsiCommonAsync).

Any registered caller may read the common books: the handlers ignore the sender. The ``make_*``
factories take the view as a plain port, so tests can hand them a fake.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hub.areas.nsi.codec import decode, encode_item, encode_list, encode_page
from hub.areas.nsi.store import SqlNsiBooks
from hub.areas.nsi.usecase import NsiBooksView, book_elements, book_page, list_books
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.handlers import HandlerSetup, utc_seconds
from hub.services.ports import InboxEntry
from hub.services.processing import Handler


def make_list_handler(view: NsiBooksView, clock: Callable[[], datetime] = utc_seconds) -> Handler:
    def handle(_entry: InboxEntry, payload: bytes) -> bytes:
        query = decode(parse_xml(payload))
        found = list_books(view, query.list_group)
        return results.serialize(results.container([encode_list(found, query.list_group, clock())]))

    return handle


def make_item_handler(view: NsiBooksView, clock: Callable[[], datetime] = utc_seconds) -> Handler:
    def handle(_entry: InboxEntry, payload: bytes) -> bytes:
        query = decode(parse_xml(payload))
        found = book_elements(view, query.registry, query.list_group, query.modified_after)
        return results.serialize(results.container([encode_item(query.registry, found, clock())]))

    return handle


def make_paging_handler(view: NsiBooksView, clock: Callable[[], datetime] = utc_seconds) -> Handler:
    def handle(_entry: InboxEntry, payload: bytes) -> bytes:
        query = decode(parse_xml(payload))
        page = book_page(view, query.registry, query.list_group, query.page, query.modified_after)
        return results.serialize(results.container([encode_page(query.registry, page, clock())]))

    return handle


def list_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportNsiList."""
    return make_list_handler(SqlNsiBooks(setup.port("store")))


def item_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportNsiItem."""
    return make_item_handler(SqlNsiBooks(setup.port("store")))


def paging_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportNsiPagingItem."""
    return make_paging_handler(SqlNsiBooks(setup.port("store")))
