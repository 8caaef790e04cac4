"""exportOrgRegistry handler (OrgRegistryCommonAsync): any registered caller may search.

``make_export_handler`` takes the view as a plain port, so tests can hand it a fake.
"""

from __future__ import annotations

from hub.areas.orgs.codec import decode, encode
from hub.areas.orgs.store import SqlOrgRegistry
from hub.areas.orgs.usecase import OrgRegistryView, search
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


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportOrgRegistry."""
    return make_export_handler(SqlOrgRegistry(setup.port("store")))
