"""The pure rules of supply contracts: dates, supply periods, contract state, NSI 239 → NSI 2."""

from __future__ import annotations

from datetime import date

import pytest

from hub.areas.supply import rules
from hub.areas.supply.rules import (
    Contract,
    ContractState,
    Pair,
    Subject,
    SupplyObject,
    Terms,
    VersionStatus,
    check_changeable,
    check_terms,
    contract_state,
    municipal_resource,
    supply_period,
)
from hub.domain.nsi import NsiRef
from hub.errors import HubError

D = date.fromisoformat


def _terms(**kw: object) -> Terms:
    values: dict[str, object] = {
        "is_contract": True,
        "number": "1",
        "signing_date": D("2024-01-01"),
        "effective_date": D("2024-02-01"),
        "indefinite": False,
        "expiration_date": D("2024-12-31"),
        "auto_rollover": False,
        "counterparty": "Offer",
        "counterparty_xml": "<Offer/>",
        "is_planned_volume": False,
        "quality_by": "D",
        "counting_resource": None,
        "subjects": (),
    }
    values.update(kw)
    return Terms(**values)  # type: ignore[arg-type]


def _subject(start: str, end: str | None = None) -> Subject:
    return Subject("s", NsiRef("2"), NsiRef("3"), D(start), D(end) if end else None)


def test_the_239_to_2_table_maps_the_same_resources_and_nothing_else() -> None:
    expected = {"1": "1", "2": "1", "3": "2", "4": "5", "7": "8", "8": "3", "9": "4"}
    assert {code: municipal_resource(f" {code} ") for code in expected} == expected
    for unmapped in ("5", "6", "10", "11", "12", "13", "99", ""):
        assert municipal_resource(unmapped) is None, unmapped
    assert dict(rules.TARIFFED_TO_MUNICIPAL) == expected


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (_terms(expiration_date=D("2024-01-31")), "INT910002"),
        (_terms(subjects=(_subject("2024-03-01", "2024-02-28"),)), "INT910001"),
        (
            _terms(
                subjects=(_subject("2024-03-01"),),
                objects=(SupplyObject("o", "h", (Pair("s", D("2024-05-01"), D("2024-04-01")),)),),
            ),
            "INT910001",
        ),
    ],
)
def test_dates_out_of_order_are_refused(terms: Terms, code: str) -> None:
    with pytest.raises(HubError) as caught:
        check_terms(terms)
    assert caught.value.code == code


def test_dates_in_order_pass() -> None:
    check_terms(_terms(subjects=(_subject("2024-02-01", "2024-02-01"),)))
    check_terms(_terms(effective_date=None, expiration_date=None))


def test_the_supply_period_is_the_pair_within_the_subject() -> None:
    subject = _subject("2024-02-01", "2024-10-31")
    assert supply_period(subject, Pair("s", D("2024-01-01"))) == (D("2024-02-01"), D("2024-10-31"))
    assert supply_period(subject, Pair("s", D("2024-03-01"), D("2024-04-30"))) == (D("2024-03-01"), D("2024-04-30"))
    assert supply_period(_subject("2024-01-01"), Pair("s", D("2024-01-01"))) == (D("2024-01-01"), None)


def _contract(status: VersionStatus = VersionStatus.POSTED, terminated: str | None = None, **kw: object) -> Contract:
    return Contract(1, "r", "v", 1, 1, True, status, _terms(**kw), terminated_on=D(terminated) if terminated else None)


def test_contract_state_follows_the_dates() -> None:
    assert contract_state(_contract(), D("2024-01-15")) is ContractState.NOT_IN_FORCE_YET
    assert contract_state(_contract(), D("2024-06-01")) is ContractState.PROCEEDING
    assert contract_state(_contract(), D("2025-01-01")) is ContractState.EXPIRED
    assert contract_state(_contract(expiration_date=None), D("2030-01-01")) is ContractState.PROCEEDING
    ended = _contract(VersionStatus.TERMINATED, "2024-06-30")
    assert contract_state(ended, D("2024-06-30")) is ContractState.PROCEEDING
    assert contract_state(ended, D("2024-07-01")) is ContractState.EXPIRED
    assert contract_state(_contract(VersionStatus.ANNULLED), D("2024-06-01")) is ContractState.EXPIRED


def test_only_a_posted_contract_changes() -> None:
    check_changeable(_contract())
    for status in (VersionStatus.TERMINATED, VersionStatus.ANNULLED):
        with pytest.raises(HubError) as caught:
            check_changeable(_contract(status))
        assert caught.value.code == "INT910003"
