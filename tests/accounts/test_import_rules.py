"""importAccountData against the store (SQLite, and PostgreSQL when configured): each rule."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from hub.areas.houses.tables import houses
from testkit.accounts import Acc, import_request, on_premises
from tests.accounts.results import Common, assert_real, commons
from tests.accounts.rig import Db

ELS = re.compile(r"^\d{2}[А-Я]{2}\d{6}$")


@pytest.fixture(autouse=True, params=["chunk", "per-object"])
def path(request: pytest.FixtureRequest, db: Db) -> Iterator[None]:
    """Every rule holds on both paths: the chunk fast path and the per-object fallback."""
    db.chunked = request.param == "chunk"
    yield
    db.chunked = True


def one(db: Db, acc: Acc, sender: int | None = None) -> Common:
    return commons(db.run_import(import_request([acc]), sender))[0]


def test_new_accounts_get_guid_unique_number_els_and_service_id(db: Db, real_contract: Path) -> None:
    house = db.house()
    result = db.run_import(import_request([on_premises(p, "100") for p in house.premises]))
    assert_real([result], real_contract)
    got = commons(result)
    assert len(got) == 3 and all(c.ok for c in got)
    for c in got:
        assert c.guid is not None and uuid.UUID(c.guid).version == 7
        assert c.unique_number is not None and re.fullmatch(r"\d{12}", c.unique_number)
        assert c.els is not None and ELS.match(c.els) and len(c.els) == 10
        assert c.service_id == f"{c.els}-01" and len(c.service_id) == 13
    for attr in ("guid", "unique_number", "els", "service_id"):
        assert len({getattr(c, attr) for c in got}) == 3


def test_account_number_is_unique_within_the_organization(db: Db) -> None:
    house = db.house()
    number = f"ЛС-{uuid.uuid4().hex[:8]}"
    first = Acc([("PremisesGUID", house.premises[0], None)], number=number)
    again = Acc([("PremisesGUID", house.premises[1], None)], number=number)
    got = commons(db.run_import(import_request([first, again])))
    assert got[0].ok and got[1].errors == ("INT908001",)
    other_house = db.house(manager=db.org_b)
    elsewhere = Acc([("PremisesGUID", other_house.premises[0], None)], number=number)
    assert one(db, elsewhere, db.org_b).ok  # another organization may use the same number


def test_shares_of_open_accounts_of_a_premises_are_at_most_100_percent(db: Db) -> None:
    house = db.house()
    p = house.premises[0]
    first = one(db, on_premises(p, "60"))
    assert first.ok
    assert one(db, on_premises(p, "50")).errors == ("INT908002",)
    assert one(db, on_premises(p, "40")).ok
    assert one(db, on_premises(p, "0.01")).errors == ("INT908002",)
    # another kind of account (capital repair) has its own 100 %
    assert one(db, Acc([("PremisesGUID", p, "100")], kind="isCRAccount")).ok
    # closing an account frees its share
    closing = Acc([("PremisesGUID", p, "60")], account_guid=first.guid, closed=True)
    assert one(db, closing).ok
    assert one(db, on_premises(p, "60")).ok


def test_shares_within_one_account_count_together(db: Db) -> None:
    house = db.house()
    p = house.premises[0]
    both = Acc([("PremisesGUID", p, "70"), ("PremisesGUID", p, "40")])
    assert one(db, both).errors == ("INT908002",)


def test_accommodation_must_be_an_actual_object_of_the_right_kind(db: Db) -> None:
    house = db.house()
    annulled = db.house(annulled=True)
    assert one(db, on_premises(str(uuid.uuid4()))).errors == ("INT002034",)
    assert one(db, on_premises(annulled.premises[0])).errors == ("INT002034",)
    assert one(db, on_premises(house.rooms[0])).errors == ("INT002034",)  # a room given as premises
    assert one(db, Acc([("LivingRoomGUID", house.rooms[0], "100")])).ok
    assert one(db, Acc([("FIASHouseGuid", house.fias, None)])).ok


def test_accounts_only_on_houses_the_sender_manages(db: Db) -> None:
    foreign = db.house(manager=db.org_b)
    unbound = db.house(manager=None)
    with db.store.writing() as conn:
        conn.execute(update(houses).where(houses.c.guid == unbound.fias).values(manager_org_id=None))
    assert one(db, on_premises(foreign.premises[0])).errors == ("AUT011003",)
    assert one(db, on_premises(unbound.premises[0])).errors == ("AUT011003",)


def test_a_new_account_needs_an_accommodation(db: Db) -> None:
    assert one(db, Acc([])).errors == ("INT908004",)


def test_update_by_guid_keeps_identity_and_service_ids(db: Db) -> None:
    house = db.house()
    created = one(db, on_premises(house.premises[0], "50"))
    moved = Acc(
        [("PremisesGUID", house.premises[0], "50"), ("PremisesGUID", house.premises[1], "100")],
        account_guid=created.guid,
        payer="org",
    )
    updated = one(db, moved)
    assert updated.ok
    assert (updated.guid, updated.unique_number, updated.els) == (created.guid, created.unique_number, created.els)
    assert updated.service_id == created.service_id  # the first accommodation keeps its ИЖКУ


def test_another_organization_cannot_update_an_account(db: Db) -> None:
    house = db.house()
    created = one(db, on_premises(house.premises[0]))
    theirs = db.house(manager=db.org_b)
    hijack = Acc([("PremisesGUID", theirs.premises[0], "100")], account_guid=created.guid)
    assert one(db, hijack, db.org_b).errors == ("AUT011003",)
    assert one(db, Acc([("PremisesGUID", house.premises[1], "1")], account_guid=str(uuid.uuid4()))).errors == (
        "INT002000",
    )


def test_kind_of_an_account_never_changes(db: Db) -> None:
    house = db.house()
    created = one(db, on_premises(house.premises[0]))
    change = Acc([("PremisesGUID", house.premises[0], "100")], kind="isRSOAccount", account_guid=created.guid)
    assert one(db, change).errors == ("INT908006",)


def test_a_closed_account_is_refused_unless_the_update_reopens_it(db: Db) -> None:
    house = db.house()
    created = one(db, on_premises(house.premises[0], "100"))
    close = Acc([], account_guid=created.guid, closed=True)
    assert one(db, close).ok
    assert one(db, Acc([], account_guid=created.guid, closed=True)).errors == ("INT908003",)
    reopened = one(db, Acc([("PremisesGUID", house.premises[0], "100")], account_guid=created.guid))
    assert reopened.ok and reopened.service_id == created.service_id


def test_reopening_rechecks_the_shares(db: Db) -> None:
    house = db.house()
    p = house.premises[0]
    created = one(db, on_premises(p, "100"))
    assert one(db, Acc([], account_guid=created.guid, closed=True)).ok
    assert one(db, on_premises(p, "100")).ok  # the share was freed and taken
    assert one(db, Acc([("PremisesGUID", p, "100")], account_guid=created.guid)).errors == ("INT908002",)


def test_nsi_codes_are_matched_in_the_books_the_hub_has(db: Db) -> None:
    house = db.house()
    assert one(db, Acc([("PremisesGUID", house.premises[0], None)], payer="document", doc_code="99")).errors == (
        "INT002000",
    )
    created = one(db, Acc([("PremisesGUID", house.premises[1], None)], payer="document"))
    assert created.ok
    assert one(db, Acc([], account_guid=created.guid, closed=True, close_code="77")).errors == ("INT002000",)
