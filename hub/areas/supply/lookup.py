"""Who supplies what, as other areas see it (the ``supply`` port).

``SqlSupplyLookup(conn)`` is this area's implementation of the ``SupplyLookup`` port
(``hub.services.ports``): devices, readings, accounts and payment documents ask it whether an
РСО supplies a house with a municipal resource (NSI 2) on a date, and never import this package.

A contract counts on a date when its current version is neither annulled nor terminated on or
before that date, the date lies within its effective and expiration dates (either may be open)
and within the supply period of the object's pair (the subject's period narrowed by the pair's).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ARRAY, Connection, Select, String, and_, any_, bindparam, or_, select

from hub.areas.supply.rules import VersionStatus
from hub.areas.supply.tables import supply_contract_objects, supply_contracts
from hub.store import bulk

C = supply_contracts.c
O = supply_contract_objects.c  # noqa: E741


def _in_force() -> Any:
    """The contract and pair conditions on ``:on`` (shared by both lookups)."""
    on = bindparam("on", type_=O.start_date.type)
    return and_(
        C.is_current,
        C.status != VersionStatus.ANNULLED.value,
        or_(C.terminated_on.is_(None), C.terminated_on > on),
        or_(C.effective_date.is_(None), C.effective_date <= on),
        or_(C.expiration_date.is_(None), C.expiration_date >= on),
        O.start_date <= on,
        or_(O.end_date.is_(None), O.end_date >= on),
        O.municipal_resource.is_not(None),
    )


@functools.cache
def _supplied(postgres: bool) -> Select[Any]:
    """One statement: the (house, NSI 2) pairs an organization supplies among the given houses."""
    houses = (
        O.house_guid == any_(bindparam("houses", type_=ARRAY(String)))
        if postgres
        else O.house_guid.in_(bulk.json_values("houses"))
    )
    return (
        select(O.house_guid, O.municipal_resource)
        .select_from(supply_contract_objects.join(supply_contracts, C.id == O.contract_id))
        .where(houses, C.org_id == bindparam("org_id"), _in_force())
        .distinct()
    )


@functools.cache
def _suppliers() -> Select[Any]:
    return (
        select(C.org_id, O.municipal_resource)
        .select_from(supply_contract_objects.join(supply_contracts, C.id == O.contract_id))
        .where(O.house_guid == bindparam("house"), _in_force())
        .distinct()
    )


class SqlSupplyLookup:
    """``SupplyLookup`` on the caller's connection (so it sees the caller's own writes)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def supplied(self, org_id: int, house_guids: Collection[str], on: date) -> dict[str, frozenset[str]]:
        """One query for any number of houses (readings ask per chunk of up to 1000)."""
        keys = sorted({guid.strip().lower() for guid in house_guids})
        if not keys:
            return {}
        postgres = self.conn.dialect.name == "postgresql"
        houses: Any = keys if postgres else json.dumps(keys)
        found: dict[str, set[str]] = {}
        for row in self.conn.execute(_supplied(postgres), {"houses": houses, "org_id": org_id, "on": on}):
            found.setdefault(row.house_guid, set()).add(row.municipal_resource)
        return {house: frozenset(codes) for house, codes in found.items()}

    def suppliers(self, house_guid: str, on: date) -> dict[int, frozenset[str]]:
        found: dict[int, set[str]] = {}
        for row in self.conn.execute(_suppliers(), {"house": house_guid.strip().lower(), "on": on}):
            found.setdefault(row.org_id, set()).add(row.municipal_resource)
        return {org: frozenset(codes) for org, codes in found.items()}
