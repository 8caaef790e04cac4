"""The chunk fast path: rules between accounts of one chunk, and the per-object fallback.

The rules themselves are checked on both paths by ``test_import_rules``; here: what objects of
the same chunk claim from each other (numbers, shares, an updated account), a chunk the fast
path declines, and a chunk whose batched write loses a race and is redone object by object.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Collection

import pytest
from sqlalchemy import func, select

from hub.areas.accounts.store import SqlAccounts
from hub.areas.accounts.tables import accounts
from hub.services.imports import ChunkConflictError
from testkit.accounts import Acc, import_request, on_premises
from tests.accounts.results import Common, commons
from tests.accounts.rig import Db


def run(db: Db, accs: list[Acc], *, chunked: bool = True) -> list[Common]:
    db.chunked = chunked
    try:
        return commons(db.run_import(import_request(accs), chunk=50))
    finally:
        db.chunked = True


def errors(results: list[Common]) -> list[tuple[str, ...]]:
    return [r.errors for r in results]


def _number() -> str:
    return f"ЛС-{uuid.uuid4().hex[:10]}"


def _count(db: Db, number: str) -> int:
    with db.store.reading() as conn:
        return int(conn.execute(select(func.count()).where(accounts.c.account_number == number)).scalar_one())


@pytest.mark.parametrize("chunked", [True, False])
def test_the_same_number_twice_in_one_chunk(db: Db, chunked: bool) -> None:
    house = db.house()
    number = _number()
    got = run(
        db,
        [
            Acc([("PremisesGUID", house.premises[0], None)], number=number),
            Acc([("PremisesGUID", house.premises[1], None)], number=number),
            Acc([("PremisesGUID", house.premises[2], None)], number=_number()),
        ],
        chunked=chunked,
    )
    assert errors(got) == [(), ("INT908001",), ()]
    assert _count(db, number) == 1


@pytest.mark.parametrize("chunked", [True, False])
def test_shares_of_accounts_in_one_chunk_add_up(db: Db, chunked: bool) -> None:
    house = db.house()
    p = house.premises[0]
    got = run(
        db,
        [
            on_premises(p, "60"),
            on_premises(p, "50"),
            on_premises(p, "40"),
            on_premises(p, "0.01"),
            Acc([("PremisesGUID", p, "100")], kind="isCRAccount"),  # its own 100 %
        ],
        chunked=chunked,
    )
    assert errors(got) == [(), ("INT908002",), (), ("INT908002",), ()]


@pytest.mark.parametrize("chunked", [True, False])
def test_an_update_frees_its_number_and_share_for_later_objects_of_the_chunk(db: Db, chunked: bool) -> None:
    house = db.house()
    p = house.premises[0]
    old_number, new_number = _number(), _number()
    created = run(db, [Acc([("PremisesGUID", p, "100")], number=old_number)])[0]
    assert created.ok
    got = run(
        db,
        [
            Acc([("PremisesGUID", house.premises[1], None)], number=new_number),  # taken before the update
            Acc([("PremisesGUID", p, "30")], number=new_number, account_guid=created.guid),
            Acc([("PremisesGUID", p, "70")], number=old_number),
            on_premises(p, "1"),
        ],
        chunked=chunked,
    )
    assert errors(got) == [(), ("INT908001",), ("INT908001",), ("INT908002",)]
    got = run(
        db,
        [
            Acc([("PremisesGUID", p, "30")], number=_number(), account_guid=created.guid),
            Acc([("PremisesGUID", p, "70")], number=old_number),
            on_premises(p, "1"),
        ],
        chunked=chunked,
    )
    assert errors(got) == [(), (), ("INT908002",)]
    assert _count(db, old_number) == 1


@pytest.mark.parametrize("chunked", [True, False])
def test_a_closure_frees_the_share_for_a_later_object_of_the_chunk(db: Db, chunked: bool) -> None:
    house = db.house()
    p = house.premises[0]
    created = run(db, [on_premises(p, "100")])[0]
    got = run(db, [Acc([], account_guid=created.guid, closed=True), on_premises(p, "100")], chunked=chunked)
    assert errors(got) == [(), ()]


def test_a_chunk_updating_one_account_twice_is_applied_object_by_object(db: Db) -> None:
    house = db.house()
    p = house.premises[0]
    created = run(db, [on_premises(p, "100")])[0]
    got = run(
        db,
        [
            Acc([("PremisesGUID", p, "50")], account_guid=created.guid),
            Acc([("PremisesGUID", p, "100"), ("PremisesGUID", house.premises[1], "10")], account_guid=created.guid),
            on_premises(p, "1"),
        ],
    )
    assert errors(got) == [(), (), ("INT908002",)]
    assert {r.guid for r in got[:2]} == {created.guid}


def _stale_numbers(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Make the fast path's number prefetch miss every owner; return the conflicts raised."""
    conflicts: list[BaseException] = []
    write_chunk = SqlAccounts.write_chunk

    def no_owners(self: SqlAccounts, org_id: int, numbers: Collection[str]) -> dict[str, str]:
        return {}

    def spy(self: SqlAccounts, created: object, changed: object) -> None:
        try:
            write_chunk(self, created, changed)  # type: ignore[arg-type]
        except ChunkConflictError as exc:
            conflicts.append(exc)
            raise

    monkeypatch.setattr(SqlAccounts, "number_owners", no_owners)
    monkeypatch.setattr(SqlAccounts, "write_chunk", spy)
    return conflicts


def test_a_constraint_hit_by_the_batched_write_redoes_the_chunk_per_object(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    house = db.house()
    number = _number()
    assert run(db, [Acc([("PremisesGUID", house.premises[0], None)], number=number)])[0].ok
    conflicts = _stale_numbers(monkeypatch)
    got = run(
        db,
        [
            on_premises(house.premises[1], "100"),
            Acc([("PremisesGUID", house.premises[2], None)], number=number),
            on_premises(house.premises[1], "1"),
        ],
    )
    assert len(conflicts) == 1
    assert errors(got) == [(), ("INT908001",), ("INT908002",)]
    assert _count(db, number) == 1
    with db.store.reading() as conn:  # the rolled-back fast attempt left no account behind
        owned = select(func.count()).where(accounts.c.org_id == db.org_a, accounts.c.guid.in_([got[0].guid or ""]))
        assert conn.execute(owned).scalar_one() == 1


def test_a_number_taken_by_a_concurrent_import_after_the_prefetch(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: no import can commit between prefetch and write")
    house = db.house()
    number = _number()
    prefetch = SqlAccounts.number_owners
    raced = threading.Event()

    def then_a_rival_commits(self: SqlAccounts, org_id: int, numbers: Collection[str]) -> dict[str, str]:
        owners = prefetch(self, org_id, numbers)
        if number in numbers and not raced.is_set():
            raced.set()
            rival = threading.Thread(
                target=lambda: run(db, [Acc([("PremisesGUID", house.premises[1], None)], number=number)])
            )
            rival.start()
            rival.join(30)
        return owners

    monkeypatch.setattr(SqlAccounts, "number_owners", then_a_rival_commits)
    got = run(
        db,
        [on_premises(house.premises[0], "100"), Acc([("PremisesGUID", house.premises[2], None)], number=number)],
    )
    assert raced.is_set()
    assert errors(got) == [(), ("INT908001",)]
    assert _count(db, number) == 1


@pytest.mark.parametrize("chunked", [True, False])
def test_a_new_account_on_more_places_than_two_digit_service_ids_fails_alone(db: Db, chunked: bool) -> None:
    """ИЖКУ ordinals have two digits: 99 accommodations fit, 100 are INT908005 — no number spent."""
    house = db.house(premises_count=100, rooms=0)
    fits = Acc([("PremisesGUID", p, None) for p in house.premises[:99]], number=_number())
    too_many = Acc([("PremisesGUID", p, None) for p in house.premises], number=_number())
    got = run(db, [too_many, fits], chunked=chunked)
    assert errors(got) == [("INT908005",), ()]
    assert _count(db, too_many.number or "") == 0
    assert _count(db, fits.number or "") == 1
