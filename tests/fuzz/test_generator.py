"""The generator itself: valid output (checked here again, not only by the generator), a walk
that rarely needs fixing, choices and versions covered, overrides and fix-ups honoured."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import strategies as st
from lxml import etree

from hub import ns
from hub.contract.registry import Operation, registry
from tests.fuzz.corpus import draw_many
from tests.fuzz.generator import REPEATS, RequestGenerator
from tests.real_contract import errors_under_real_xsd

HM, BASE, NSI = ns.HOUSE_MANAGEMENT, ns.BASE, ns.NSI_BASE
SIGNED = [op for op in registry().operations if op.signed]


@pytest.fixture
def generator(real_contract: Path) -> RequestGenerator:
    """A fresh generator per test: its ``stats`` count only that test's draws."""
    return RequestGenerator(real_contract)


def draw(generator: RequestGenerator, operation: Operation, count: int, **kw: object) -> list[etree._Element]:
    strategy = generator.instances(operation.request_qname, versions=operation.versions, **kw)  # type: ignore[arg-type]
    return draw_many(strategy, count, f"unit:{operation.name}:{sorted(kw)}")


@pytest.mark.parametrize("operation", SIGNED, ids=lambda op: op.name)
def test_instances_are_valid_under_the_real_xsd_and_rarely_need_fixing(
    generator: RequestGenerator, operation: Operation, real_contract: Path
) -> None:
    instances = draw(generator, operation, 25)
    assert len(instances) == 25
    for instance in instances:
        assert etree.QName(instance).localname == operation.request_element
        assert not errors_under_real_xsd(instance, real_contract), etree.tostring(instance)[:2000]
        assert instance.get(f"{{{BASE}}}version") in operation.versions
        assert instance.get("Id"), "the signature references the element by its Id"
    stats = generator.stats
    assert stats.valid_first >= 0.95 * stats.drawn, f"the walk alone made {stats}"


def test_every_choice_branch_and_every_version_appear(generator: RequestGenerator) -> None:
    export_accounts = registry().operation("exportAccountData")
    export_houses = registry().operation("exportHouseData")
    assert export_accounts is not None and export_houses is not None
    branches = Counter(etree.QName(i[0]).localname for i in draw(generator, export_accounts, 60))
    assert set(branches) == {"FIASHouseGuid", "AccountGUID", "UnifiedAccountNumber", "ServiceID"}
    versions = {i.get(f"{{{BASE}}}version") for i in draw(generator, export_houses, 60)}
    assert versions == set(export_houses.versions)


def test_occurrences_respect_min_occurs_and_the_repeat_cap(generator: RequestGenerator) -> None:
    operation = registry().operation("importAccountData")
    assert operation is not None
    counts = [len(i.findall(f"{{{HM}}}Account")) for i in draw(generator, operation, 40)]
    assert min(counts) >= 1, "Account is minOccurs 1"
    assert max(counts) == REPEATS and len(set(counts)) > 1


def test_overrides_by_local_and_clark_name_are_honoured_and_may_defer(generator: RequestGenerator) -> None:
    operation = registry().operation("importHouseUOData")
    assert operation is not None
    fias = "0a1b2c3d-0000-4000-8000-00000000fa15"
    overrides = {
        "FIASHouseGuid": st.just(fias),
        f"{{{NSI}}}Code": st.one_of(st.just("2"), st.none()),  # None: the generator's own value
        "Code": st.just("never-for-nsi"),  # the Clark name wins over the local name
    }
    instances = draw(generator, operation, 30, overrides=overrides)
    houses = [e.text for i in instances for e in i.iter(f"{{{HM}}}FIASHouseGuid")]
    assert houses and set(houses) == {fias}
    codes = [e.text for i in instances for e in i.iter(f"{{{NSI}}}Code")]
    assert "2" in codes and set(codes) - {"2"}, "overridden and deferred values both appear"
    assert all(e.text == "never-for-nsi" for i in instances for e in i.iter(f"{{{HM}}}Code"))


def test_an_identity_constraint_broken_by_an_override_is_fixed_up(
    generator: RequestGenerator, real_contract: Path
) -> None:
    """Every TransportGUID the same: the xs:key of the request is broken, the generator gives
    the repeats fresh GUIDs (and counts it), the result is valid."""
    operation = registry().operation("importAccountData")
    assert operation is not None
    same = "0a1b2c3d-0000-4000-8000-0000000000aa"
    instances = draw(generator, operation, 20, overrides={"TransportGUID": st.just(same)})
    for instance in instances:
        transports = [e.text for e in instance.iter(f"{{{BASE}}}TransportGUID")]
        assert len(set(transports)) == len(transports) and same in transports
        assert not errors_under_real_xsd(instance, real_contract)
    several = sum(len(i.findall(f"{{{HM}}}Account")) > 1 for i in instances)
    assert generator.stats.fixed_up == several > 0


def test_empty_fixed_elements_and_lexical_variety_reach_the_instances(generator: RequestGenerator) -> None:
    """The forms codecs tripped on are in the corpus: an empty fixed flag, numbers with signs."""
    operation = registry().operation("importAccountData")
    assert operation is not None
    instances = draw(generator, operation, 30)
    empty_flags = [e for i in instances for e in i.iter(f"{{{HM}}}isUOAccount", f"{{{HM}}}IsRenter") if not e.text]
    signed_numbers = [e for i in instances for e in i.iter(f"{{{HM}}}TotalSquare") if "+" in (e.text or "")]
    assert empty_flags and signed_numbers
