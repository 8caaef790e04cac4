"""The account rules and identity formats, without a store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from hub.areas.accounts import rules as dom
from hub.areas.accounts.rules import (
    Accommodation,
    Account,
    AccountCommand,
    AccountData,
    AccountKind,
    Closure,
    NsiRef,
    Payer,
    Target,
)
from hub.errors import HubError

P1, P2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CLOSURE = Closure(NsiRef("1", "g"), date(2025, 12, 31))


def data(*places: Accommodation, kind: AccountKind = AccountKind.UO, closed: bool = False) -> AccountData:
    return AccountData(kind=kind, payer=Payer(), accommodations=places, closure=CLOSURE if closed else None)


def account(d: AccountData) -> Account:
    return Account("a", 1, "000000000001", "00АА000001", d, NOW, NOW, service_counter=len(d.accommodations))


def code_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(HubError) as caught:
        call()
    return caught.value.code


def test_els_is_region_two_letters_six_digits_and_never_repeats() -> None:
    assert dom.unified_account_number(1) == "00АА000001"
    assert dom.unified_account_number(1_000_000, "77") == "77АБ000000"
    sample = [1, 2, 999_999, 1_000_000, 27_999_999, 28_000_000, dom.ELS_CAPACITY - 1]
    numbers = [dom.unified_account_number(n) for n in sample]
    assert all(len(n) == 10 for n in numbers) and len(set(numbers)) == len(numbers)
    with pytest.raises(ValueError):
        dom.unified_account_number(dom.ELS_CAPACITY)
    with pytest.raises(ValueError):
        dom.unified_account_number(1, "7")


def test_service_id_is_els_hyphen_two_digits() -> None:
    assert dom.service_id("00АА000001", 1) == "00АА000001-01"
    assert len(dom.service_id("00АА000001", 99)) == 13
    assert code_of(lambda: dom.service_id("00АА000001", 100)) == "INT908005"
    assert dom.account_unique_number(42) == "000000000042"


def test_shares_up_to_exactly_100_percent() -> None:
    taken = {(Target.PREMISES, P1): Decimal("60")}
    dom.check_shares([Accommodation(Target.PREMISES, P1, Decimal("40"))], taken)
    dom.check_shares([Accommodation(Target.PREMISES, P1, None)], taken)  # no share stated: not counted
    dom.check_shares([Accommodation(Target.PREMISES, P2, Decimal("100"))], taken)
    over = [Accommodation(Target.PREMISES, P1, Decimal("40.01"))]
    assert code_of(lambda: dom.check_shares(over, taken)) == "INT908002"
    twice = [Accommodation(Target.ROOM, P2, Decimal("50")), Accommodation(Target.ROOM, P2, Decimal("50.5"))]
    assert code_of(lambda: dom.check_shares(twice, {})) == "INT908002"


def test_a_new_account_needs_an_accommodation() -> None:
    assert code_of(lambda: dom.check_new_account(AccountCommand("t", data()))) == "INT908004"
    dom.check_new_account(AccountCommand("t", data(Accommodation(Target.HOUSE, P1))))


def test_kind_is_fixed() -> None:
    existing = account(data(Accommodation(Target.PREMISES, P1)))
    other_kind = AccountCommand("t", data(Accommodation(Target.PREMISES, P1), kind=AccountKind.CR))
    assert code_of(lambda: dom.check_update(existing, other_kind)) == "INT908006"


def test_closed_account_only_reopens() -> None:
    closed = account(data(Accommodation(Target.PREMISES, P1), closed=True))
    again = AccountCommand("t", data(closed=True))
    assert code_of(lambda: dom.check_update(closed, again)) == "INT908003"
    without_place = AccountCommand("t", data())
    assert code_of(lambda: dom.check_update(closed, without_place)) == "INT908004"
    dom.check_update(closed, AccountCommand("t", data(Accommodation(Target.PREMISES, P2))))


def test_closing_keeps_the_accommodations_the_account_had() -> None:
    existing = account(data(Accommodation(Target.PREMISES, P1, Decimal(100), "00АА000001-01")))
    closing = data(Accommodation(Target.PREMISES, P2), closed=True)
    assert dom.effective_data(existing, closing).accommodations == existing.data.accommodations
    assert dom.effective_data(None, closing).accommodations == closing.accommodations
    opened = data(Accommodation(Target.PREMISES, P2))
    assert dom.effective_data(existing, opened) is opened


def test_service_ids_are_kept_per_object_and_never_reused() -> None:
    first, counter = dom.assign_service_ids([Accommodation(Target.PREMISES, P1)], (), "00АА000001", 0)
    assert [a.service_id for a in first] == ["00АА000001-01"] and counter == 1
    moved, counter = dom.assign_service_ids(
        [Accommodation(Target.PREMISES, P2), Accommodation(Target.PREMISES, P1)], first, "00АА000001", counter
    )
    assert [a.service_id for a in moved] == ["00АА000001-02", "00АА000001-01"] and counter == 2
    back, counter = dom.assign_service_ids([Accommodation(Target.ROOM, P1)], (), "00АА000001", counter)
    assert [a.service_id for a in back] == ["00АА000001-03"]  # a dropped ordinal is not given again


def test_the_reported_service_id_is_the_first_one() -> None:
    places = (
        Accommodation(Target.PREMISES, P2, None, "00АА000001-02"),
        Accommodation(Target.PREMISES, P1, None, "00АА000001-01"),
    )
    assert account(data(*places)).service_id == "00АА000001-01"
