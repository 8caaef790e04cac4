"""exportOrgRegistry and exportDataProvider handlers (OrgRegistryCommonAsync).

Any registered caller may search the registry; exportDataProvider answers the caller's own
links only. The ``make_*`` factories take the views as plain ports, so tests can hand them fakes.
"""

from __future__ import annotations

from hub.areas.orgs.codec import decode, decode_only_actual, encode, encode_provider
from hub.areas.orgs.store import SqlOrgRegistry
from hub.areas.orgs.usecase import DataProviderView, OrgRegistryView, data_providers, search
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.handlers import HandlerSetup
from hub.services.ports import InboxEntry
from hub.services.processing import Handler


def make_export_handler(view: OrgRegistryView) -> Handler:
    def handle(_entry: InboxEntry, payload: bytes) -> bytes:
        criteria, edited_from = decode(parse_xml(payload))
        return results.serialize(results.container(encode(org) for org in search(view, criteria, edited_from)))

    return handle


def make_data_provider_handler(view: DataProviderView) -> Handler:
    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        links = data_providers(view, entry.sender_id, decode_only_actual(parse_xml(payload)))
        return results.serialize(results.container(encode_provider(link.org, link.is_actual) for link in links))

    return handle


def data_provider_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportDataProvider."""
    return make_data_provider_handler(SqlOrgRegistry(setup.port("store")))


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportOrgRegistry."""
    return make_export_handler(SqlOrgRegistry(setup.port("store")))
