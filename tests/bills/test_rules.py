"""The payment documents' rules on pure data: sums to the kopeck, the period window, the ID scheme."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hub.areas.bills import rules
from hub.areas.bills.rules import Charge, ChargeKind, DocumentState, IssueCommand, Totals
from hub.errors import HubError

D = Decimal


def charge(
    payable: str, accrued: str | None = None, recalculation: str | None = None, discount: str | None = None
) -> Charge:
    return Charge(
        ChargeKind.HOUSING,
        "1",
        None,
        D("1"),
        D(payable),
        accrued=D(accrued) if accrued else None,
        recalculation=D(recalculation) if recalculation else None,
        discount=D(discount) if discount else None,
        where="/doc/ChargeInfo[1]/HousingService",
    )


def document(*charges: Charge, **totals: str) -> IssueCommand:
    return IssueCommand(
        "t", "a", 2026, 11, None, charges, Totals(**{k: D(v) for k, v in totals.items()}), None, where="/doc"
    )


def code(call: object) -> str:
    assert callable(call)
    with pytest.raises(HubError) as caught:
        call()
    return caught.value.code


def test_a_charge_adds_up_from_accrued_recalculation_and_discount() -> None:
    rules.check_charge(charge("104.50", "100.00", "5.00", "0.50"))
    rules.check_charge(charge("100.00"))  # nothing to add up without the accrued amount
    assert code(lambda: rules.check_charge(charge("104.51", "100.00", "5.00", "0.50"))) == "INT915004"


def test_the_totals_are_the_sums_of_their_parts_to_the_kopeck() -> None:
    parts = (charge("100.10"), charge("200.20"))
    rules.check_totals(document(*parts, by_charges="300.30", by_document="300.30"))
    rules.check_totals(document(*parts, with_debt="350.30", debt="60.00", advance="10.00"))
    rules.check_totals(document(*parts))  # totals not given are not checked
    assert code(lambda: rules.check_totals(document(*parts, by_charges="300.31"))) == "INT915004"
    assert code(lambda: rules.check_totals(document(*parts, by_document="300.29"))) == "INT915004"
    assert code(lambda: rules.check_totals(document(*parts, with_debt="300.30", debt="0.01"))) == "INT915004"


def test_a_mismatch_names_its_place_and_both_amounts() -> None:
    with pytest.raises(HubError) as caught:
        rules.check_totals(document(charge("1.00"), by_charges="1.01"))
    assert caught.value.where == "/doc/TotalPayableByChargeInfo"
    assert "1.01" in caught.value.message and "1.00" in caught.value.message


@pytest.mark.parametrize(
    ("year", "month", "ok"),
    [(2016, 1, True), (2015, 12, False), (2026, 12, True), (2027, 1, True), (2027, 2, False), (2026, 13, False)],
)
def test_the_period_window_is_january_2016_to_next_month(year: int, month: int, ok: bool) -> None:
    today = date(2026, 12, 6)
    if ok:
        rules.check_period(year, month, today)
    else:
        assert code(lambda: rules.check_period(year, month, today)) == "INT915003"


def test_the_document_id_is_the_els_the_month_the_year_and_the_ordinal() -> None:
    value = rules.document_id("40АЕ144853", 2026, 3, 1)
    assert value == "40АЕ144853-03-2601" and len(value) == 18
    assert rules.document_id("40АЕ144853", 2027, 3, 12) == "40АЕ144853-03-2712"
    assert code(lambda: rules.document_id("40АЕ144853", 2026, 3, 100)) == "INT915007"


def test_a_withdrawn_document_cannot_be_withdrawn_again() -> None:
    rules.withdrawable(DocumentState.ISSUED, "x", "/w")
    assert code(lambda: rules.withdrawable(DocumentState.WITHDRAWN, "x", "/w")) == "SRV008070"
