"""Test data for accounts: request builders, a fake NSI catalog, houses inserted into the store.

Houses and premises are inserted straight into the houses capability's tables (the columns the
accounts capability relies on: GUIDs, manager, annulment), so account tests do not depend on
the house import's rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree
from sqlalchemy import Connection, insert, select

from hub import ns
from hub.areas.houses.tables import houses, living_rooms, premises
from tests.contract.instances import IMPORT_ACCOUNT_VERSION, nsi_ref, root, sub

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
ACC = ns.ACCOUNT_BASE
IND = ns.INDIVIDUAL_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_REGISTRY_BASE
NSI = ns.NSI_BASE


@dataclass
class House:
    fias: str
    premises: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)


def add_house(
    conn: Connection, manager_org_id: int | None, *, premises_count: int = 3, rooms: int = 1, annulled: bool = False
) -> House:
    """A house with ``premises_count`` residential premises; the first one gets ``rooms`` rooms."""
    now = datetime.now(UTC)
    house = House(str(uuid.uuid4()))
    tail = {"created_at": now, "modified_at": now, "annulled_at": now if annulled else None}
    house_id = conn.execute(
        insert(houses)
        .values(
            guid=house.fias,
            registry_guid=str(uuid.uuid4()),
            kind="apartment",
            unique_number=uuid.uuid4().hex[:16],
            manager_org_id=manager_org_id,
            created_by_org_id=manager_org_id,
            **tail,
        )
        .returning(houses.c.id)
    ).scalar_one()
    first_id = None
    for i in range(premises_count):
        guid = str(uuid.uuid4())
        house.premises.append(guid)
        premises_id = conn.execute(
            insert(premises)
            .values(
                guid=guid,
                house_id=house_id,
                kind="residential",
                unique_number=uuid.uuid4().hex[:16],
                number=str(i + 1),
                **tail,
            )
            .returning(premises.c.id)
        ).scalar_one()
        first_id = first_id or premises_id
    for r in range(rooms if first_id else 0):
        guid = str(uuid.uuid4())
        house.rooms.append(guid)
        conn.execute(
            insert(living_rooms).values(
                guid=guid,
                house_id=house_id,
                premises_id=first_id,
                unique_number=uuid.uuid4().hex[:16],
                number=str(r + 1),
                **tail,
            )
        )
    assert conn.execute(select(houses.c.id).where(houses.c.guid == house.fias)).scalar_one() == house_id
    return house


@dataclass
class Acc:
    """One ``Account`` of a request, described by what tests vary."""

    places: Sequence[tuple[str, str, str | None]]  # (PremisesGUID|LivingRoomGUID|FIASHouseGuid, guid, share)
    kind: str = "isUOAccount"
    number: str | None = None
    account_guid: str | None = None
    closed: bool = False
    close_code: str = "1"
    payer: str = "snils"  # snils | document | org | none
    doc_code: str = "1"
    transport_guid: str = field(default_factory=lambda: str(uuid.uuid4()))


def account_element(parent: etree._Element, acc: Acc) -> etree._Element:
    account = sub(parent, HM, "Account")
    sub(account, HM, acc.kind, True)
    sub(account, HM, "LivingPersonsNumber", 2)
    sub(account, HM, "TotalSquare", "54.3000")
    sub(account, HM, "HeatedArea", "54.3")
    if acc.closed:
        closed = sub(account, HM, "Closed")
        nsi_ref(closed, "CloseReason", acc.close_code, "nsi22", "Окончание договора")
        sub(closed, HM, "CloseDate", "2025-12-31")
        sub(closed, HM, "Description", "Продажа квартиры")
    for element, guid, share in acc.places:
        place = sub(account, HM, "Accommodation")
        sub(place, HM, element, guid)
        if share is not None:
            sub(place, HM, "SharePercent", share)
    payer = sub(account, HM, "PayerInfo")
    if acc.payer in ("snils", "document"):
        sub(payer, HM, "IsRenter", True)
        ind = sub(payer, HM, "Ind")
        sub(ind, IND, "Surname", "Иванов")
        sub(ind, IND, "FirstName", "Иван")
        sub(ind, IND, "Patronymic", "Иванович")
        sub(ind, HM, "Sex", "M")
        sub(ind, HM, "DateOfBirth", "1980-02-29")
        if acc.payer == "snils":
            sub(ind, IND, "SNILS", "12345678901")
        else:
            doc = sub(ind, IND, "ID")
            type_ = sub(doc, IND, "Type")
            sub(type_, NSI, "Code", acc.doc_code)
            sub(type_, NSI, "GUID", str(uuid.uuid4()))
            sub(doc, IND, "Series", "4510")
            sub(doc, IND, "Number", "123456")
            sub(doc, IND, "IssueDate", "2005-06-01")
    elif acc.payer == "org":
        sub(sub(payer, HM, "Org"), ORG, "orgVersionGUID", str(uuid.uuid4()))
    sub(account, BASE, "TransportGUID", acc.transport_guid)
    if acc.number is not None:
        sub(account, ACC, "AccountNumber", acc.number)
    if acc.account_guid is not None:
        sub(account, HM, "AccountGUID", acc.account_guid)
    reasons = sub(account, HM, "AccountReasons")
    contract = sub(reasons, HM, "SupplyResourceContract")
    sub(contract, HM, "ContractNumber", "Д-1")
    sub(contract, HM, "SigningDate", "2023-12-01")
    sub(contract, HM, "IsContract", True)
    return account


def import_request(accounts: Sequence[Acc]) -> etree._Element:
    request = root("importAccountRequest", IMPORT_ACCOUNT_VERSION)
    for acc in accounts:
        account_element(request, acc)
    return request


def export_request(by: str, values: Sequence[str]) -> etree._Element:
    request = root("exportAccountRequest", IMPORT_ACCOUNT_VERSION)
    namespace = ACC if by in ("UnifiedAccountNumber", "ServiceID") else HM
    for value in values:
        sub(request, namespace, by, value)
    return request


def on_premises(guid: str, share: str | None = "100") -> Acc:
    return Acc([("PremisesGUID", guid, share)])
