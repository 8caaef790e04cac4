"""Use cases of the housing registry: apply one object of a house import; export a house.

``make_apply`` gives ``hub.services.imports.run_import`` its per-object function. Everything
it needs to know about earlier objects of the message it reads from the store or from the
recorded outcomes (``done``), never from memory, so a rerun after a crash decides exactly as
the first run did. Rules that fail an object raise ``HubError``; ``run_import`` turns that
into the object's ``CommonResult/Error`` and rolls back only that object's savepoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from hub.areas.houses.rules import (
    ChildData,
    HouseData,
    HouseKind,
    HousingCommand,
    LiftData,
    ObjectKind,
    PremisesData,
    RoomData,
    check_may_manage,
    child_unique_number,
    control_error,
    house_unique_number,
    merged,
    unknown_object,
)
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services import nsi
from hub.services.imports import ImportSession
from hub.services.ports import NsiCatalog

NSI_STATE, NSI_PREMISES_CHARACTERISTIC, NSI_LIFT_TYPE, NSI_ANNULMENT, NSI_LIFE_CYCLE = 24, 30, 192, 330, 338


@dataclass(frozen=True, slots=True)
class StoredHouse:
    id: int
    fias_guid: str
    registry_guid: str  # HouseGUID of exportHouseResult (15.6.0.1+)
    kind: HouseKind
    unique_number: str
    manager_org_id: int | None
    data: HouseData
    annulled: bool
    modified_at: datetime


@dataclass(frozen=True, slots=True)
class StoredChild:
    id: int
    kind: ObjectKind
    guid: str
    house_id: int
    premises_id: int | None
    unique_number: str | None
    data: ChildData
    annulled: bool
    modified_at: datetime


@dataclass(frozen=True, slots=True)
class HouseSnapshot:
    """A house with everything in it, as exportHouseData returns it."""

    house: StoredHouse
    entrances: tuple[StoredChild, ...] = ()
    premises: tuple[StoredChild, ...] = ()
    rooms: tuple[StoredChild, ...] = ()
    lifts: tuple[StoredChild, ...] = ()


class HousingRepository(Protocol):
    """Writes of one import transaction (``hub.areas.houses.store``)."""

    def house(self, fias_guid: str) -> StoredHouse | None: ...
    def next_house_counter(self) -> int: ...
    def add_house(
        self,
        *,
        kind: HouseKind,
        fias_guid: str,
        unique_number: str,
        manager_org_id: int,
        data: HouseData,
        now: datetime,
    ) -> None: ...
    def update_house(self, house_id: int, data: HouseData, now: datetime) -> None: ...
    def bind(self, house_id: int, org_id: int, actor: str) -> None: ...
    def next_child_counter(self, house_id: int) -> int: ...
    def child(self, kind: ObjectKind, guid: str) -> StoredChild | None: ...
    def add_child(self, child: StoredChild) -> None: ...
    def update_child(self, child: StoredChild) -> None: ...
    def number_taken(self, kind: ObjectKind, house_id: int, number: str, *, scope: str | int | None) -> int | None: ...


class HouseSession(ImportSession, Protocol):
    @property
    def housing(self) -> HousingRepository: ...


class HousingReader(Protocol):
    def snapshot(self, fias_guid: str) -> HouseSnapshot | None: ...


@dataclass(frozen=True, slots=True)
class Sender:
    org_id: int
    ppaguid: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportContext:
    sender: Sender
    house_kind: HouseKind
    inherit: bool
    catalog: NsiCatalog
    clock: Callable[[], datetime]
    new_guid: Callable[[], str] = new_guid


def _ref(catalog: NsiCatalog, registry: int, ref: NsiRef | None, where: str) -> NsiRef | None:
    """Match an NSI reference by Code: the hub's GUID/Name when it has the book, else as sent."""
    if ref is None:
        return None
    element = nsi.resolve(catalog, registry, ref.code, where=where)
    if element is None:
        return NsiRef(ref.code.strip(), ref.guid, ref.name)
    return NsiRef(element.code, element.guid, element.name)


def _resolve_house(catalog: NsiCatalog, data: HouseData) -> HouseData:
    return replace(
        data,
        state=_ref(catalog, NSI_STATE, data.state, "State"),
        life_cycle_stage=_ref(catalog, NSI_LIFE_CYCLE, data.life_cycle_stage, "LifeCycleStage"),
    )


def _resolve_child(catalog: NsiCatalog, data: ChildData) -> ChildData:
    data = replace(data, annulment_reason=_ref(catalog, NSI_ANNULMENT, data.annulment_reason, "AnnulmentReason"))
    if isinstance(data, PremisesData):
        char = _ref(catalog, NSI_PREMISES_CHARACTERISTIC, data.premises_characteristic, "PremisesCharacteristic")
        return replace(data, premises_characteristic=char)
    if isinstance(data, LiftData):
        return replace(data, type=_ref(catalog, NSI_LIFT_TYPE, data.type, "Type"))
    return data


def make_apply(
    ctx: ImportContext,
) -> Callable[[HouseSession, HousingCommand, Mapping[int, ObjectOutcome]], ObjectOutcome]:
    """The per-object function for ``run_import``."""

    def apply(session: HouseSession, command: HousingCommand, done: Mapping[int, ObjectOutcome]) -> ObjectOutcome:
        repo = session.housing
        if command.kind == "house":
            return _apply_house(repo, ctx, command)
        house_outcome = done.get(0)
        house = repo.house(house_outcome.guid) if house_outcome and house_outcome.ok and house_outcome.guid else None
        if house is None:
            transport = house_outcome.transport_guid if house_outcome else "?"
            raise unknown_object(f"Дом (TransportGUID {transport}) не размещен: объект не обработан")
        premises: StoredChild | None = None
        if command.kind == "room" and command.parent not in (None, 0):
            parent = done.get(command.parent) if command.parent is not None else None
            if parent is None or not parent.ok or parent.guid is None:
                transport = parent.transport_guid if parent else "?"
                raise unknown_object(f"Помещение (TransportGUID {transport}) не размещено: комната не обработана")
            premises = repo.child("premises", parent.guid)
            if premises is None:  # pragma: no cover - the parent's outcome says it exists
                raise unknown_object(f"Помещение {parent.guid} не найдено")
        return _apply_child(repo, ctx, command, house, premises)

    return apply


def _apply_house(repo: HousingRepository, ctx: ImportContext, command: HousingCommand) -> ObjectOutcome:
    assert isinstance(command.data, HouseData) and command.guid is not None
    fias, now, sender = command.guid, ctx.clock(), ctx.sender
    data = _resolve_house(ctx.catalog, command.data)
    existing = repo.house(fias)
    if command.action == "create":
        if existing is not None:
            raise HubError(E.INT004132, f"FIASHouseGuid {fias}, уникальный номер {existing.unique_number}")
        check_may_manage(
            fias=fias,
            manager_org_id=None,
            sender_org_id=sender.org_id,
            sender_ppaguid=sender.ppaguid,
            sender_roles=sender.roles,
        )
        number = house_unique_number(repo.next_house_counter())
        repo.add_house(
            kind=ctx.house_kind,
            fias_guid=fias,
            unique_number=number,
            manager_org_id=sender.org_id,
            data=data,
            now=now,
        )
        return _success(command, fias, number, now)
    if existing is None or existing.annulled:
        raise unknown_object(f"Дом с FIASHouseGuid {fias} не размещен")
    if existing.kind != ctx.house_kind:
        kind = "многоквартирный" if existing.kind == "apartment" else "жилой"
        raise unknown_object(f"Дом с FIASHouseGuid {fias} размещен как {kind} дом")
    check_may_manage(
        fias=fias,
        manager_org_id=existing.manager_org_id,
        sender_org_id=sender.org_id,
        sender_ppaguid=sender.ppaguid,
        sender_roles=sender.roles,
    )
    if existing.manager_org_id is None:
        repo.bind(existing.id, sender.org_id, sender.ppaguid)
    repo.update_house(existing.id, merged(existing.data, data, inherit=ctx.inherit), now)
    return _success(command, fias, existing.unique_number, now)


def _success(command: HousingCommand, guid: str, number: str | None, now: datetime) -> ObjectOutcome:
    # ImportHouseUO (GKN/EGRP link status) is returned for objects with a unique number.
    extension = {"object": command.kind} if number else {}
    return ObjectOutcome(command.transport_guid, guid=guid, unique_number=number, update_date=now, extension=extension)


def _number(data: ChildData) -> str | None:
    return data.number if not isinstance(data, LiftData) else None


def _check_number(
    repo: HousingRepository,
    command: HousingCommand,
    house: StoredHouse,
    premises: StoredChild | None,
    own_id: int | None,
) -> None:
    """Premises numbers are unique per kind within the house; room numbers within their premises."""
    data = command.data
    if isinstance(data, LiftData | HouseData):
        return
    number = _number(data)
    if not number:
        return
    scope: str | int | None = None
    if isinstance(data, PremisesData):
        scope = data.premises_kind
    elif isinstance(data, RoomData):
        scope = premises.id if premises is not None else None
    taken = repo.number_taken(command.kind, house.id, number, scope=scope)
    if taken is None or taken == own_id:
        return
    if isinstance(data, PremisesData):
        residential = data.premises_kind == "residential"
        raise control_error(E.INT004057 if residential else E.INT004113, number)
    if isinstance(data, RoomData):
        if premises is not None and isinstance(premises.data, PremisesData):
            raise control_error(E.INT004059, number, premises.data.number)
        raise control_error(E.INT004065, number)
    raise control_error(E.INT004110)


def _apply_child(
    repo: HousingRepository,
    ctx: ImportContext,
    command: HousingCommand,
    house: StoredHouse,
    premises: StoredChild | None,
) -> ObjectOutcome:
    assert not isinstance(command.data, HouseData)
    now = ctx.clock()
    data = _resolve_child(ctx.catalog, command.data)
    annulled = data.annulment_reason is not None
    if command.action == "create":
        _check_number(repo, command, house, premises, None)
        number = None
        if command.kind in ("premises", "room"):
            number = child_unique_number(house.unique_number, repo.next_child_counter(house.id))
        child = StoredChild(
            id=0,
            kind=command.kind,
            guid=ctx.new_guid(),
            house_id=house.id,
            premises_id=premises.id if premises is not None else None,
            unique_number=number,
            data=data,
            annulled=annulled,
            modified_at=now,
        )
        repo.add_child(child)
        return _success(command, child.guid, number, now)
    stored = repo.child(command.kind, command.guid or "")
    if stored is None or stored.house_id != house.id or stored.annulled or not _same_kind(stored.data, data):
        raise unknown_object(f"Объект с идентификатором {command.guid} не найден в доме {house.fias_guid}")
    if premises is not None and stored.premises_id != premises.id:
        raise unknown_object(f"Комната {command.guid} не относится к помещению {premises.guid}")
    new = merged(stored.data, data, inherit=ctx.inherit)  # type: ignore[type-var]
    _check_number(repo, replace(command, data=new), house, premises, stored.id)
    repo.update_child(replace(stored, data=new, annulled=annulled, modified_at=now))
    return _success(command, stored.guid, stored.unique_number, now)


def _same_kind(old: ChildData, new: ChildData) -> bool:
    if isinstance(old, PremisesData) and isinstance(new, PremisesData):
        return old.premises_kind == new.premises_kind
    return type(old) is type(new)


def export_house(reader: HousingReader, fias_guid: str) -> HouseSnapshot:
    """exportHouseData: the house registry is public, any registered organization may read it."""
    snapshot = reader.snapshot(fias_guid.strip().lower())
    if snapshot is None:
        raise HubError(E.INT002012, f"Дом с FIASHouseGuid {fias_guid} не найден")
    return snapshot
