"""Houses inserted straight into the store, for account tests and benchmarks.

Houses and premises go into the houses area's tables (the columns the accounts area relies on:
GUIDs, manager, annulment), so account tests and the account benchmarks do not depend on the
house import's rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from hub.areas.houses.tables import houses, living_rooms, premises


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
