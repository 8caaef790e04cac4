"""The devices handlers on a real store, driven the way the worker drives them (no HTTP).

``Db`` (the ``db`` fixture of tests/devices/conftest.py) is a migrated store on one backend with
two management companies and a supplier, houses inserted on demand, a fake ``SupplyLookup`` the
supplier's contracts are written into, and the import/export handlers run against it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree
from sqlalchemy import Connection

from hub.areas.accounts.handlers import make_import_account_handler
from hub.areas.accounts.lookup import SqlAccountLookup
from hub.areas.accounts.store import account_import_store
from hub.areas.devices.handlers import make_export_device_handler, make_import_device_handler
from hub.areas.devices.store import device_export_view, device_import_store
from hub.areas.houses.lookup import SqlHousingLookup
from hub.contract.results import failure_fragment
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from hub.services.ports import AuditEvent, InboxEntry, NewInboxEntry, SupplyLookup
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.inbox import SqlInbox
from testkit.accounts import Acc
from testkit.accounts import import_request as import_accounts
from testkit.devices import Dev
from testkit.elements import IMPORT_RESULT_VERSION
from testkit.seeds import House, add_house
from tests.fakes import FakeNsi

HM = "http://dom.gosuslugi.ru/schema/integration/house-management/"
BASE = "http://dom.gosuslugi.ru/schema/integration/base/"


@dataclass
class FakeSupply:
    """``SupplyLookup``: contracts as (org, house) → NSI 2 codes, in force whatever the date."""

    contracts: dict[tuple[int, str], frozenset[str]] = field(default_factory=dict)

    def supplied(self, org_id: int, house_guids: Collection[str], on: date) -> dict[str, frozenset[str]]:
        return {h: self.contracts[(org_id, h)] for h in house_guids if (org_id, h) in self.contracts}

    def suppliers(self, house_guid: str, on: date) -> dict[int, frozenset[str]]:
        return {org: codes for (org, house), codes in self.contracts.items() if house == house_guid}


@dataclass(frozen=True)
class Outcome:
    version_guid: str | None
    root_guid: str | None
    errors: tuple[str, ...]


@dataclass
class Db:
    store: Store
    inbox: SqlInbox
    org_a: int
    org_b: int
    rso: int
    supply: FakeSupply = field(default_factory=FakeSupply)
    nsi: FakeNsi = field(default_factory=FakeNsi)
    #: an open account of each house, by FIAS GUID (``dev``)
    accounts: dict[str, str] = field(default_factory=dict)

    def house(self, manager: int | None = None, **kw: object) -> House:
        with self.store.writing() as conn:
            return add_house(conn, self.org_a if manager is None else manager, **kw)  # type: ignore[arg-type]

    def account(self, house: House, sender: int | None = None) -> str:
        """An open account of the house (by its FIAS GUID), placed through importAccountData."""
        handler = make_import_account_handler(
            imports=account_import_store(self.store, SqlHousingLookup),
            nsi=self.nsi,
            result_version=IMPORT_RESULT_VERSION,
        )
        request = import_accounts([Acc([("FIASHouseGuid", house.fias, None)])])
        entry = self.entry(self.org_a if sender is None else sender, "importAccountData")
        guid = parse_xml(handler(entry, etree.tostring(request)))[0][0].findtext(f"{{{BASE}}}GUID")
        assert guid, "the account was not placed"
        return guid

    def dev(self, house: House, kind: str, places: list[str], *args: Any, **kw: Any) -> Dev:
        """``Dev`` linked to an open account of the house (one per house, made on first use)."""
        if house.fias not in self.accounts:
            self.accounts[house.fias] = self.account(house)
        return Dev(kind, places, *args, accounts=[self.accounts[house.fias]], **kw)

    def _supply(self, _conn: Connection) -> SupplyLookup:
        return self.supply

    def entry(self, sender: int, operation: str) -> InboxEntry:
        new = NewInboxEntry(
            str(uuid.uuid4()), str(uuid.uuid4()), sender, "home-management", operation, "11.1.0.8", "", b"", b""
        )
        return self.inbox.add(new, AuditEvent("test", "received", "inbox", "x"))

    def run_import(
        self, request: etree._Element, sender: int | None = None, entry: InboxEntry | None = None
    ) -> list[Outcome]:
        """importMeteringDeviceData through the handler: one ``Outcome`` per device."""
        handler = make_import_device_handler(
            imports=device_import_store(self.store, SqlHousingLookup, self._supply, SqlAccountLookup),
            nsi=self.nsi,
            directory=SqlDirectory(self.store),
            chunk_size=10,
            result_version=IMPORT_RESULT_VERSION,
        )
        entry = entry or self.entry(self.org_a if sender is None else sender, "importMeteringDeviceData")
        result = parse_xml(handler(entry, etree.tostring(request)))[0]
        return [
            Outcome(
                c.findtext(f"{{{BASE}}}GUID"),
                c.findtext(f"{{{HM}}}importMeteringDevice/{{{HM}}}MeteringDeviceGUID"),
                tuple(e.text or "" for e in c.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")),
            )
            for c in result
        ]

    def run_export(self, request: etree._Element, sender: int | None = None) -> etree._Element:
        """exportMeteringDeviceData through the handler: the result container (hub:Result)."""
        handler = make_export_device_handler(
            reading=device_export_view(self.store, SqlHousingLookup, self._supply), directory=SqlDirectory(self.store)
        )
        entry = self.entry(self.org_a if sender is None else sender, "exportMeteringDeviceData")
        try:
            return parse_xml(handler(entry, etree.tostring(request)))
        except HubError as exc:  # what hub.services.processing does with it
            return parse_xml(failure_fragment(exc.code, exc.message))


def exported_roots(container: etree._Element) -> list[str]:
    return [r.findtext(f"{{{HM}}}MeteringDeviceRootGUID") or "" for r in container]


def _org(directory: SqlDirectory, name: str, role: str) -> int:
    return directory.add_organization(
        ppaguid=str(uuid.uuid4()),
        name=name,
        ogrn="1027700000001",
        inn="7700000001",
        kpp="770001001",
        roles=[role],
        password_hash=None,
        actor="test",
    ).id


def open_db(store: Store) -> Db:
    directory = SqlDirectory(store)
    return Db(
        store,
        SqlInbox(store),
        _org(directory, "УК А", "УО"),
        _org(directory, "УК Б", "УО"),
        _org(directory, "Водоканал", "РСО"),
    )
