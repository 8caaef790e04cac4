"""The supply handlers and the supply port on a real store, driven the way the worker drives them.

``Db`` is what the ``db`` fixture (tests/supply/conftest.py) yields: a migrated store on one
backend (SQLite or PostgreSQL) with two РСО, the import/export handlers run against it; every
request they are given and every result they give is checked under the real XSD.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from hub.areas.supply.handlers import make_export_handler, make_import_handler
from hub.areas.supply.lookup import SqlSupplyLookup
from hub.areas.supply.store import supply_export_view, supply_import_store
from hub.contract.results import failure_fragment
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from hub.services.ports import AuditEvent, InboxEntry, NewInboxEntry
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.inbox import SqlInbox
from testkit.elements import BASE, HM, IMPORT_RESULT_VERSION
from tests.accounts.results import assert_real
from tests.fakes import FakeNsi
from tests.real_contract import assert_valid_under_real_xsd


@dataclass(frozen=True)
class Common:
    transport_guid: str
    guid: str | None
    root_guid: str | None
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def commons(import_result: etree._Element) -> list[Common]:
    """The CommonResults of an ImportResult (with the ImportSupplyResourceContract extension)."""
    return [
        Common(
            transport_guid=c.findtext(f"{{{BASE}}}TransportGUID") or "",
            guid=c.findtext(f"{{{BASE}}}GUID"),
            root_guid=c.findtext(f"{{{HM}}}ImportSupplyResourceContract/{{{HM}}}ContractRootGUID"),
            errors=tuple(e.text or "" for e in c.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")),
        )
        for c in import_result.iterfind(f"{{{HM}}}CommonResult")
    ]


def exported(container: etree._Element) -> list[etree._Element]:
    """Every exported ``Contract`` of every ``exportSupplyResourceContractResult``."""
    return list(container.iterfind(f"{{{HM}}}exportSupplyResourceContractResult/{{{HM}}}Contract"))


def error_code(container: etree._Element) -> str | None:
    return container.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode")


@dataclass
class Db:
    store: Store
    inbox: SqlInbox
    rso: int
    rso2: int
    nsi: FakeNsi
    #: the real contract: every request built and every result is validated under it
    contract: Path
    today: date = date(2025, 6, 1)

    def entry(self, sender: int, operation: str) -> InboxEntry:
        return self.inbox.add(
            NewInboxEntry(
                str(uuid.uuid4()),
                str(uuid.uuid4()),
                sender,
                "home-management",
                operation,
                "11.3.0.5",
                uuid.uuid4().hex,
                b"",
                b"",
                None,
            ),
            AuditEvent("test", "received", "inbox", "x"),
        )

    def run_import(self, request: etree._Element, sender: int | None = None, chunk: int = 10) -> etree._Element:
        """importSupplyResourceContractData through the handler: the ImportResult element."""
        handler = make_import_handler(
            imports=supply_import_store(self.store),
            nsi=self.nsi,
            chunk_size=chunk,
            result_version=IMPORT_RESULT_VERSION,
        )
        entry = self.entry(self.rso if sender is None else sender, "importSupplyResourceContractData")
        assert_valid_under_real_xsd(request, self.contract)
        result = parse_xml(handler(entry, etree.tostring(request)))[0]
        assert_real([result], self.contract)
        return result

    def run_export(self, request: etree._Element, sender: int | None = None) -> etree._Element:
        """exportSupplyResourceContractData through the handler: the result container."""
        handler = make_export_handler(reading=supply_export_view(self.store), today=lambda: self.today)
        entry = self.entry(self.rso if sender is None else sender, "exportSupplyResourceContractData")
        assert_valid_under_real_xsd(request, self.contract)
        try:
            result = parse_xml(handler(entry, etree.tostring(request)))
        except HubError as exc:  # what hub.services.processing does with it
            result = parse_xml(failure_fragment(exc.code, exc.message))
        assert_real(list(result), self.contract)
        return result

    def supplied(self, org: int, houses: list[str], on: date) -> dict[str, frozenset[str]]:
        with self.store.reading() as conn:
            return SqlSupplyLookup(conn).supplied(org, houses, on)

    def suppliers(self, house: str, on: date) -> dict[int, frozenset[str]]:
        with self.store.reading() as conn:
            return SqlSupplyLookup(conn).suppliers(house, on)


def _org(directory: SqlDirectory, name: str) -> int:
    return directory.add_organization(
        ppaguid=str(uuid.uuid4()),
        name=name,
        ogrn="1027700000002",
        inn="7700000002",
        kpp="770001001",
        roles=["РСО"],
        password_hash=None,
        actor="test",
    ).id


def open_db(store: Store, contract: Path) -> Db:
    directory = SqlDirectory(store)
    return Db(store, SqlInbox(store), _org(directory, "РСО 1"), _org(directory, "РСО 2"), FakeNsi(), contract)
