"""Houses with their premises and rooms as the REST API reads them (``Area.provides`` ``read:houses``).

The pipeline (``hub.rest``) never imports this area: the registry names this class and the launcher
builds it over the store. An organization sees the houses it manages (``manager_org_id``); the
operator every house. Another organization's house is absent, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from hub.areas.houses.tables import houses, living_rooms, premises
from hub.services.ports import ReadScope, ResourceFilter, ResourcePage, ResourceSpec
from hub.store.base import Store
from hub.store.resources import MODIFIED_SINCE, iso, nsi_ref, page_by_id

KINDS = {"apartment": "МКД", "living": "ЖД"}


class HouseReads:
    """``/api/v1/houses``: the list (filters ``kind``, ``annulled``, ``modified_since``) and one
    house with its premises and their rooms (rooms of a ЖД have no premises)."""

    spec = ResourceSpec(
        "houses",
        "Дома (МКД и ЖД) с помещениями и комнатами",
        "FIASHouseGuid",
        (
            ResourceFilter("kind", "Тип дома: apartment (МКД) или living (ЖД)", "choice", tuple(KINDS)),
            ResourceFilter(
                "annulled", "true: только аннулированные, false: только действующие", "choice", ("true", "false")
            ),
            MODIFIED_SINCE,
        ),
        write_operation="importHouseUOData",
    )

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _query(scope: ReadScope) -> Select[Any]:
        query = select(houses)
        if not scope.everything:
            query = query.where(houses.c.manager_org_id == scope.organization_id)
        return query

    def page(self, scope: ReadScope, filters: Mapping[str, Any], cursor: int | None, limit: int) -> ResourcePage:
        query = self._query(scope)
        if filters.get("kind"):
            query = query.where(houses.c.kind == filters["kind"])
        if filters.get("annulled") is not None:
            annulled = houses.c.annulled_at.is_not(None)
            query = query.where(annulled if filters["annulled"] == "true" else ~annulled)
        if filters.get("modified_since") is not None:
            query = query.where(houses.c.modified_at >= filters["modified_since"])
        return page_by_id(self.store, query, houses.c.id, cursor, limit, _house)

    def get(self, scope: ReadScope, key: str) -> dict[str, Any] | None:
        with self.store.reading() as conn:
            row = conn.execute(self._query(scope).where(houses.c.guid == key.strip().lower())).first()
            if row is None:
                return None
            flats = list(conn.execute(select(premises).where(premises.c.house_id == row.id).order_by(premises.c.id)))
            rooms = list(
                conn.execute(select(living_rooms).where(living_rooms.c.house_id == row.id).order_by(living_rooms.c.id))
            )
        by_premises: dict[int | None, list[dict[str, Any]]] = {}
        for room in rooms:
            by_premises.setdefault(room.premises_id, []).append(_room(room))
        return {
            **_house(row),
            "premises": [{**_premises(flat), "rooms": by_premises.get(flat.id, [])} for flat in flats],
            "rooms": by_premises.get(None, []),
        }


def _tail(row: Any) -> dict[str, Any]:
    return {
        "annulled": row.annulled_at is not None,
        "annulled_at": iso(row.annulled_at),
        "annulment_reason": nsi_ref(row, "annulment_reason"),
        "modified_at": iso(row.modified_at),
    }


def _house(row: Any) -> dict[str, Any]:
    return {
        "fias_house_guid": row.guid,
        "house_guid": row.registry_guid,
        "house_unique_number": row.unique_number,
        "kind": row.kind,
        "cadastral_number": row.cadastral_number,
        "total_square": row.total_square,
        "state": nsi_ref(row, "state"),
        "life_cycle_stage": nsi_ref(row, "life_cycle_stage"),
        "used_year": row.used_year,
        "floor_count": row.floor_count,
        "oktmo": row.oktmo_code,
        "olson_tz": nsi_ref(row, "olson_tz"),
        "created_at": iso(row.created_at),
        **_tail(row),
    }


def _premises(row: Any) -> dict[str, Any]:
    return {
        "premises_guid": row.guid,
        "premises_unique_number": row.unique_number,
        "kind": row.kind,
        "premises_num": row.number,
        "entrance_num": row.entrance_number,
        "cadastral_number": row.cadastral_number,
        "total_area": row.total_area,
        "gross_area": row.gross_area,
        "premises_characteristic": nsi_ref(row, "premises_characteristic"),
        **_tail(row),
    }


def _room(row: Any) -> dict[str, Any]:
    return {
        "living_room_guid": row.guid,
        "living_room_unique_number": row.unique_number,
        "room_number": row.number,
        "square": row.square,
        "cadastral_number": row.cadastral_number,
        **_tail(row),
    }
