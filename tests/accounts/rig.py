"""The accounts handlers on a real store, driven the way the worker drives them (no HTTP).

``Db`` is what the ``db`` fixture (tests/accounts/conftest.py) yields: a migrated store on one
backend with two organizations, houses inserted on demand, and the import/export handlers run
against it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lxml import etree

from hub.areas.accounts.handlers import make_export_account_handler, make_import_account_handler
from hub.areas.accounts.store import account_export_view, account_import_store
from hub.areas.houses.lookup import SqlHousingLookup
from hub.contract.results import failure_fragment
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from hub.services.ports import AuditEvent, InboxEntry, NewInboxEntry
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.inbox import SqlInbox
from testkit.elements import IMPORT_RESULT_VERSION
from testkit.seeds import House, add_house
from tests.fakes import FakeNsi


@dataclass
class Db:
    store: Store
    inbox: SqlInbox
    org_a: int
    org_b: int
    nsi: FakeNsi
    #: False: imports take the per-object path only (no chunk fast path)
    chunked: bool = True

    def house(self, manager: int | None = None, **kw: object) -> House:
        with self.store.writing() as conn:
            return add_house(conn, self.org_a if manager is None else manager, **kw)  # type: ignore[arg-type]

    def entry(self, sender: int, operation: str) -> InboxEntry:
        return self.inbox.add(
            NewInboxEntry(
                str(uuid.uuid4()),
                str(uuid.uuid4()),
                sender,
                "home-management",
                operation,
                "10.0.1.1",
                uuid.uuid4().hex,
                b"",
                b"",
                None,
            ),
            AuditEvent("test", "received", "inbox", "x"),
        )

    def run_import(self, request: etree._Element, sender: int | None = None, chunk: int = 10) -> etree._Element:
        """importAccountData through the handler: the ImportResult element."""
        handler = make_import_account_handler(
            imports=account_import_store(self.store, SqlHousingLookup),
            nsi=self.nsi,
            chunk_size=chunk,
            chunked=self.chunked,
            result_version=IMPORT_RESULT_VERSION,
        )
        entry = self.entry(self.org_a if sender is None else sender, "importAccountData")
        fragment = parse_xml(handler(entry, etree.tostring(request)))
        return fragment[0]

    def run_export(self, request: etree._Element, sender: int | None = None) -> etree._Element:
        """exportAccountData through the handler: the result container (hub:Result)."""
        handler = make_export_account_handler(reading=account_export_view(self.store, SqlHousingLookup))
        entry = self.entry(self.org_a if sender is None else sender, "exportAccountData")
        try:
            return parse_xml(handler(entry, etree.tostring(request)))
        except HubError as exc:  # what hub.services.processing does with it
            return parse_xml(failure_fragment(exc.code, exc.message))


def _org(directory: SqlDirectory, name: str) -> int:
    return directory.add_organization(
        ppaguid=str(uuid.uuid4()),
        name=name,
        ogrn="1027700000001",
        inn="7700000001",
        kpp="770001001",
        roles=["УО"],
        password_hash=None,
        actor="test",
    ).id


def open_db(store: Store) -> Db:
    """A ``Db`` on ``store`` (migrated and empty) with its two organizations registered."""
    directory = SqlDirectory(store)
    return Db(store, SqlInbox(store), _org(directory, "УК А"), _org(directory, "УК Б"), FakeNsi())
