"""importPaymentDocumentData's handler on a real store (SQLite and PostgreSQL) with fakes of the
other areas' ports, driven the way the worker drives it: exactly once across a retry, the
supplier's right to bill, the organization's own books, a group of utilities."""

from __future__ import annotations

import time
import uuid
import zlib
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Connection, func, select, text

from hub import ns
from hub.areas.bills.handlers import make_import_handler
from hub.areas.bills.store import Ports, bills_import_store
from hub.areas.bills.tables import payment_charges, payment_documents
from hub.services.ports import AccountCard, HousingObject, InboxEntry, OwnNsiItem
from hub.store.base import Store
from testkit.bills import ADDITIONAL, HOUSING, UTILITY, B, Doc, Svc, import_documents, withdraw_documents
from tests.fakes import FakeNsi
from tests.readings.rig import Rig, open_rig
from tests.real_contract import assert_valid_under_real_xsd
from tests.servers import Backend

BASE = ns.BASE
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@dataclass
class World:
    """What the other areas know: accounts, houses' managers, supplies, own books."""

    cards: dict[str, AccountCard] = field(default_factory=dict)
    managers: dict[str, int] = field(default_factory=dict)
    supplied: dict[tuple[int, str], frozenset[str]] = field(default_factory=dict)
    own: dict[tuple[int, int, str], OwnNsiItem] = field(default_factory=dict)

    def ports(self) -> Ports:
        world = self

        class Accounts:
            def __init__(self, _conn: Connection) -> None:
                pass

            def cards(self, guids: Collection[str]) -> dict[str, AccountCard]:
                return {g: world.cards[g] for g in guids if g in world.cards}

        class Housing:
            def __init__(self, _conn: Connection) -> None:
                pass

            def find(self, guid: str) -> HousingObject | None:
                return self.find_many([guid]).get(guid)

            def find_many(self, guids: Collection[str]) -> dict[str, HousingObject]:
                return {g: HousingObject("house", g, g, world.managers.get(g)) for g in guids}

        class Supply:
            def __init__(self, _conn: Connection) -> None:
                pass

            def supplied(self, org_id: int, house_guids: Collection[str], on: date) -> dict[str, frozenset[str]]:
                return {h: world.supplied[(org_id, h)] for h in house_guids if (org_id, h) in world.supplied}

            def suppliers(self, house_guid: str, on: date) -> dict[int, frozenset[str]]:
                return {}

        class Own:
            def __init__(self, _conn: Connection) -> None:
                pass

            def find(self, org_id: int, registry: int, keys: Collection[str]) -> dict[str, OwnNsiItem]:
                return {k: world.own[(org_id, registry, k)] for k in keys if (org_id, registry, k) in world.own}

        return Ports(Accounts, Housing, Supply, Own)


@dataclass
class BillsRig:
    rig: Rig
    world: World
    house: str

    def account(self, org_id: int, closed: bool = False) -> str:
        guid = str(uuid.uuid4())
        number = f"00АБ{len(self.world.cards):06d}"
        self.world.cards[guid] = AccountCard(guid, org_id, number, "1", frozenset({self.house}), closed)
        return guid

    def entry(self, sender: int) -> InboxEntry:
        return self.rig.entry(sender, "importPaymentDocumentData")

    def run(self, request: etree._Element, entry: InboxEntry, chunk: int = 500) -> dict[str, tuple[str, ...]]:
        handler = make_import_handler(
            imports=bills_import_store(self.rig.store, self.world.ports()),
            nsi=FakeNsi({50: {"1": "Содержание", "2": "Вывоз ТКО"}}),
            chunk_size=chunk,
            clock=lambda: NOW,
        )
        fragment = etree.fromstring(handler(entry, etree.tostring(request)))
        return {
            r.findtext(f"{{{BASE}}}TransportGUID") or "": tuple(
                e.text or "" for e in r.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")
            )
            for r in fragment.iter(f"{{{B}}}ImportResult")
        }

    def count(self) -> tuple[int, int]:
        with self.rig.store.reading() as conn:
            documents = conn.execute(select(func.count()).select_from(payment_documents)).scalar_one()
            charges = conn.execute(select(func.count()).select_from(payment_charges)).scalar_one()
        return int(documents), int(charges)


@pytest.fixture
def bills(backend: Backend) -> BillsRig:
    rig = open_rig(Store(backend.engine))
    world = World()
    house = str(uuid.uuid4())
    world.managers[house] = rig.uk
    return BillsRig(rig, world, house)


def test_a_retried_message_applies_nothing_twice(bills: BillsRig) -> None:
    docs = [Doc(bills.account(bills.rig.uk), transport=str(uuid.uuid4())) for _ in range(7)]
    request = import_documents(docs, 2026, 11)
    entry = bills.entry(bills.rig.uk)
    first = bills.run(request, entry, chunk=3)
    assert all(codes == () for codes in first.values()) and len(first) == 7
    again = bills.run(request, replace(entry, attempts=2), chunk=3)
    assert again == first
    assert bills.count() == (7, 7)


def test_a_supplier_bills_the_houses_it_supplies_only(bills: BillsRig) -> None:
    rso = bills.rig.rso
    account = bills.account(bills.rig.uk)
    refused = bills.run(import_documents([Doc(account)], 2026, 11), bills.entry(rso))
    assert list(refused.values()) == [("AUT011003",)]
    bills.world.supplied[(rso, bills.house)] = frozenset({"1"})
    placed = bills.run(import_documents([Doc(account)], 2026, 11, seed="again"), bills.entry(rso))
    assert list(placed.values()) == [()]


def test_own_books_are_the_senders_and_a_deleted_item_is_refused(bills: BillsRig) -> None:
    uk, uk2 = bills.rig.uk, bills.rig.uk2
    bills.world.own[(uk, 51, "1")] = OwnNsiItem(51, "1", str(uuid.uuid4()), "ХВС", True)
    bills.world.own[(uk, 1, "1")] = OwnNsiItem(1, "1", str(uuid.uuid4()), "Домофон", False)  # deleted
    bills.world.own[(uk2, 51, "2")] = OwnNsiItem(51, "2", str(uuid.uuid4()), "ГВС", True)  # another's book
    docs = [
        Doc(bills.account(uk), (Svc(HOUSING, "1"), Svc(UTILITY, "1", volume="3.5")), transport="ok"),
        Doc(bills.account(uk), (Svc(ADDITIONAL, "1"),), transport="deleted"),
        Doc(bills.account(uk), (Svc(UTILITY, "2"),), transport="another's"),
        Doc(bills.account(uk), (Svc(HOUSING, "7"),), transport="not in NSI 50"),
    ]
    answer = bills.run(import_documents(docs, 2026, 11), bills.entry(uk))
    assert answer == {
        "ok": (),
        "deleted": ("INT915002",),
        "another's": ("INT915002",),
        "not in NSI 50": ("INT002000",),
    }


def test_each_utility_of_a_group_is_a_charge(bills: BillsRig, real_contract: Path) -> None:
    uk = bills.rig.uk
    bills.world.own[(uk, 51, "1")] = OwnNsiItem(51, "1", str(uuid.uuid4()), "ХВС", True)
    bills.world.own[(uk, 51, "3")] = OwnNsiItem(51, "3", str(uuid.uuid4()), "Водоотведение", True)
    request = import_documents([Doc(bills.account(uk), (Svc(UTILITY, "1"),))], 2026, 11)
    # turn the utility into a GroupMunicipalService of two (cold water and sewerage)
    service = request.find(f".//{{{B}}}MunicipalService")
    assert service is not None
    info = service.getparent()
    assert info is not None
    group = etree.SubElement(info, f"{{{B}}}GroupMunicipalService")
    kind = etree.SubElement(group, f"{{{B}}}TypeMunicipalService")
    ref = etree.SubElement(kind, f"{{{B}}}ServiceType")
    etree.SubElement(ref, f"{{{ns.NSI_BASE}}}Code").text = "1"
    etree.SubElement(ref, f"{{{ns.NSI_BASE}}}GUID").text = str(uuid.uuid4())
    etree.SubElement(kind, f"{{{B}}}TotalPayable").text = "2550.00"  # the group's total
    second = etree.fromstring(etree.tostring(service))
    second.find(f"{{{B}}}ServiceType/{{{ns.NSI_BASE}}}Code").text = "3"  # type: ignore[union-attr]
    info.remove(service)
    group.extend([service, second])
    document = request.find(f"{{{B}}}PaymentDocument")
    assert document is not None
    for local in ("TotalPayableByChargeInfo", "TotalPayableByPDWithDebtAndAdvance"):
        total = document.find(f"{{{B}}}{local}")
        assert total is not None
        total.text = "2550.00"
    assert_valid_under_real_xsd(request, real_contract)
    answer = bills.run(request, bills.entry(uk))
    assert list(answer.values()) == [()]
    assert bills.count() == (1, 2)


def _hold(backend: Backend, account: str) -> Connection:
    """A connection holding the account's advisory lock, as another worker mid-chunk would."""
    conn = backend.engine.connect()
    key = zlib.crc32(f"payment-document:{account}".encode())
    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
    return conn


def _release(conn: Connection, account: str) -> None:
    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": zlib.crc32(f"payment-document:{account}".encode())})
    conn.close()


def test_two_messages_racing_for_one_account_and_period_give_one_document(bills: BillsRig, backend: Backend) -> None:
    if backend.name != "postgres":
        pytest.skip("SQLite serializes writers; the race exists only on PostgreSQL")
    account = bills.account(bills.rig.uk)
    requests = [import_documents([Doc(account, transport=f"t{i}")], 2026, 11, seed=f"race-{i}") for i in range(2)]
    held = _hold(backend, account)
    with ThreadPoolExecutor(2) as pool:
        running = [pool.submit(bills.run, r, bills.entry(bills.rig.uk)) for r in requests]
        time.sleep(0.3)  # both wait on the lock, past their account reads
        _release(held, account)
        answers = sorted(next(iter(f.result().values())) for f in running)
    assert answers == [(), ("INT915005",)]
    assert bills.count() == (1, 1)
    # withdrawals racing for one document: one withdraws it, the other finds it withdrawn
    with bills.rig.store.reading() as conn:
        [document_id] = conn.execute(select(payment_documents.c.document_id)).scalars().all()
    held = _hold(backend, account)
    with ThreadPoolExecutor(2) as pool:
        running = [
            pool.submit(bills.run, withdraw_documents([document_id], seed=f"w{i}"), bills.entry(bills.rig.uk))
            for i in range(2)
        ]
        time.sleep(0.3)
        _release(held, account)
        answers = sorted(next(iter(f.result().values())) for f in running)
    assert answers == [(), ("SRV008070",)]
