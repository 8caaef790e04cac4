"""Pure rules of the housing domain, and the schema the migration creates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hub.areas.houses import tables as housing
from hub.areas.houses.rules import (
    Cadastre,
    HouseData,
    NsiRef,
    check_may_manage,
    child_unique_number,
    house_unique_number,
    merged,
)
from hub.errors import HubError
from hub.store.tables import metadata
from tests.servers import Backend


def test_house_unique_numbers_are_three_letters_and_five_digits() -> None:
    assert house_unique_number(1) == "AAA00001"
    assert house_unique_number(99_999) == "AAA99999"
    assert house_unique_number(100_000) == "AAB00000"
    assert house_unique_number(52 * 100_000) == "ABA00000"
    with pytest.raises(ValueError):
        house_unique_number(0)


def test_child_unique_numbers_are_9_house_number_and_five_digits() -> None:
    assert child_unique_number("yXE00019", 2) == "9yXE0001900002"  # as in GIS's answer
    assert child_unique_number("AAA00001", 123_456) == "9AAA00001123456"


def test_update_without_inherit_replaces_and_with_inherit_keeps_missing_values() -> None:
    old = HouseData(
        total_square=Decimal("10.5"), used_year=1977, state=NsiRef("2"), cadastre=Cadastre(cadastral_number="1:2")
    )
    new = HouseData(floor_count=9)
    assert merged(old, new, inherit=False) == new
    kept = merged(old, new, inherit=True)
    assert (kept.total_square, kept.used_year, kept.floor_count, kept.cadastre.cadastral_number) == (
        Decimal("10.5"),
        1977,
        9,
        "1:2",
    )


def test_only_managing_roles_bind_and_only_the_manager_changes() -> None:
    check_may_manage(fias="f", manager_org_id=None, sender_org_id=1, sender_ppaguid="p", sender_roles=("ТСЖ",))
    check_may_manage(fias="f", manager_org_id=1, sender_org_id=1, sender_ppaguid="p", sender_roles=())
    with pytest.raises(HubError) as other:
        check_may_manage(fias="f", manager_org_id=2, sender_org_id=1, sender_ppaguid="p", sender_roles=("УО",))
    assert other.value.code == "INT004171" and "«p»" in other.value.message and "домом f" in other.value.message
    with pytest.raises(HubError) as no_role:
        check_may_manage(fias="f", manager_org_id=None, sender_org_id=1, sender_ppaguid="p", sender_roles=("РСО",))
    assert no_role.value.code == "INT004170"


def test_migration_creates_exactly_the_housing_tables(backend: Backend) -> None:
    mine = {
        housing.houses.name,
        housing.entrances.name,
        housing.premises.name,
        housing.living_rooms.name,
        housing.lifts.name,
    }
    with backend.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    ours = [d for d in diff if any(name in repr(d) for name in mine)]
    assert ours == []
