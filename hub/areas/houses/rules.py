"""Houses and what is inside them: the housing registry's records and rules, pure Python.

One ``importHouseUORequest`` carries one house (МКД ``ApartmentHouse`` or ЖД ``LivingHouse``)
and its entrances, premises, living rooms and lifts. Each of them is one ``HousingCommand``
(create or update) with its own TransportGUID and its own ``CommonResult``; the service applies
them in document order. The records here are what the import carries, field by field, so an
export can return every one of them.

Identity, as GIS does it: a house is identified by its FIAS GUID (``CommonResult/GUID``);
premises, rooms, entrances and lifts get the hub's GUIDs. Unique numbers (``UniqueNumber``):

* house — three letters and five digits (``yXE00019`` in GIS answers), made here from one
  durable counter: the letters are the counter's ``// 100000`` part in base 52, the digits
  its ``% 100000`` part, so the first house is ``AAA00001``;
* premises and living rooms — ``9`` + the house number + at least five digits
  (``9yXE0001900002`` in GIS answers), from one counter per house shared by premises and rooms
  (GIS's sample numbered the first premises ``…00002`` after an entrance: one counter per house).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Literal, TypeVar

from hub.domain.nsi import NsiRef
from hub.errors import E, ErrorSpec, HubError

HouseKind = Literal["apartment", "living"]
ObjectKind = Literal["house", "entrance", "premises", "room", "lift"]
PremisesKind = Literal["residential", "nonresidential"]
Action = Literal["create", "update"]

#: Roles that may bind a house to themselves by importing it (УО, ТСЖ, ЖСК).
MANAGING_ROLES = frozenset({"УО", "ТСЖ", "ЖСК"})


def control_error(spec: ErrorSpec, *args: object) -> HubError:
    """A GIS control error whose text carries the object's values (``%s`` in GIS's texts)."""
    return HubError(spec, params=args)


def unknown_object(detail: str) -> HubError:
    """INT002034: the request refers to an object the registry does not have (or annulled)."""
    return HubError(E.INT002034, detail)


@dataclass(frozen=True, slots=True)
class Right:
    """``RightOrEncumbrance``: a registered right (R) or encumbrance (E)."""

    type: str
    reg_number: str
    reg_date: date


@dataclass(frozen=True, slots=True)
class Cadastre:
    """The GKN/EGRP key (``GKN_EGRP_KeyType``): one of its three branches."""

    cadastral_number: str | None = None
    no_rso_registered: bool = False
    no_cadastral_number: bool = False
    conditional_number: str | None = None
    rights: tuple[Right, ...] = ()


@dataclass(frozen=True, slots=True)
class OgfValue:
    """One ``OGFData`` parameter: Code and the chosen value element (kind) with its text."""

    code: str
    kind: str  # StringValue | FloatValue | DateTimeValue | IntegerValue | BooleanValue | NsiCode | File
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseData:
    """Characteristics of a house (``BasicCharacteristicts`` and the house-level fields)."""

    cadastre: Cadastre = Cadastre()
    total_square: Decimal | None = None
    state: NsiRef | None = None  # NSI 24
    life_cycle_stage: NsiRef | None = None  # NSI 338
    used_year: int | None = None
    floor_count: int | None = None
    oktmo_code: str | None = None
    oktmo_name: str | None = None
    olson_tz: NsiRef | None = None
    cultural_heritage: bool | None = None
    ogf: tuple[OgfValue, ...] = ()
    is_municipal_property: bool | None = None
    is_region_property: bool | None = None
    underground_floor_count: int | None = None  # МКД
    min_floor_count: int | None = None  # МКД
    has_blocks: bool | None = None  # ЖД
    has_multiple_houses_with_same_address: bool | None = None  # ЖД


@dataclass(frozen=True, slots=True, kw_only=True)
class Annulment:
    """Fields every child update may carry: annulment (NSI 330) and confirmation."""

    annulment_reason: NsiRef | None = None
    annulment_info: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EntranceData(Annulment):
    number: str
    fias_child_house_guid: str | None = None
    storeys_count: int | None = None
    creation_year: int | None = None
    information_confirmed: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PremisesData(Annulment):
    premises_kind: PremisesKind
    number: str | None = None
    cadastre: Cadastre = Cadastre()
    ogf: tuple[OgfValue, ...] = ()
    information_confirmed: bool | None = None
    entrance_number: str | None = None  # residential
    has_no_entrance: bool = False  # residential
    fias_child_house_guid: str | None = None
    premises_characteristic: NsiRef | None = None  # NSI 30, residential
    total_area: Decimal | None = None
    gross_area: Decimal | None = None  # residential
    no_gross_area: bool = False  # residential
    is_common_property: bool | None = None  # non-residential


@dataclass(frozen=True, slots=True, kw_only=True)
class RoomData(Annulment):
    number: str | None = None
    cadastre: Cadastre = Cadastre()
    square: Decimal | None = None
    ogf: tuple[OgfValue, ...] = ()
    information_confirmed: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LiftData(Annulment):
    entrance_number: str
    fias_child_house_guid: str | None = None
    factory_num: str | None = None
    type: NsiRef | None = None  # NSI 192
    ogf: tuple[OgfValue, ...] = ()


ChildData = EntranceData | PremisesData | RoomData | LiftData


@dataclass(frozen=True, slots=True)
class HousingCommand:
    """One object of the import: what to do, with which data, under which parent.

    ``guid`` is the FIAS GUID for the house and the object's GUID for a child update.
    ``parent`` is the sequence number of the parent command (the house, or the premises of a
    room), so a child of a failed parent fails naming it.
    """

    transport_guid: str
    kind: ObjectKind
    action: Action
    data: HouseData | ChildData
    guid: str | None = None
    parent: int | None = None


@dataclass(frozen=True, slots=True)
class HouseImport:
    """A whole ``importHouseUORequest``: the house first, then its objects in document order."""

    house_kind: HouseKind
    inherit_missing: bool
    commands: tuple[HousingCommand, ...] = field(default_factory=tuple)


Record = TypeVar("Record", HouseData, EntranceData, PremisesData, RoomData, LiftData)


#: what an object cannot be without — required when it is created, optional in its update,
#: required in exportHouseResult (a lift's FactoryNum and Type): an update that omits them keeps
#: the stored ones even without InheritMissingValues, or no export of the house would be valid
_KEPT: dict[type, tuple[str, ...]] = {LiftData: ("factory_num", "type")}


def merged(old: Record, new: Record, *, inherit: bool) -> Record:
    """The record after an update.

    GIS: with ``InheritMissingValues`` the values missing in the update are kept; without it
    they are reset (but for ``_KEPT``). Empty values (None, False, an empty tuple, an empty
    cadastre) are "missing".
    """
    if not inherit:
        kept = {name: getattr(old, name) for name in _KEPT.get(type(new), ()) if getattr(new, name) is None}
        return replace(new, **kept) if kept else new
    changes = {
        name: getattr(new, name)
        for name in new.__dataclass_fields__
        if getattr(new, name) not in (None, False, (), Cadastre())
    }
    return replace(old, **changes)


def may_manage(*, manager_org_id: int | None, sender_org_id: int, sender_roles: tuple[str, ...]) -> bool:
    """Whether the sender may change the house (and bind it when it is unbound)."""
    if manager_org_id is not None:
        return manager_org_id == sender_org_id
    return bool(MANAGING_ROLES.intersection(sender_roles))


def check_may_manage(
    *,
    fias: str,
    manager_org_id: int | None,
    sender_org_id: int,
    sender_ppaguid: str,
    sender_roles: tuple[str, ...],
) -> None:
    """INT004171 for a house bound to another organization; INT004170 without a managing role."""
    if may_manage(manager_org_id=manager_org_id, sender_org_id=sender_org_id, sender_roles=sender_roles):
        return
    if manager_org_id is None:
        raise control_error(E.INT004170, sender_ppaguid)
    raise control_error(E.INT004171, sender_ppaguid, fias)


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def house_unique_number(counter: int) -> str:
    """``AAA00001`` … : three base-52 letters and five digits from a durable counter (≥ 1)."""
    if counter < 1:
        raise ValueError("counter starts at 1")
    block, rest = divmod(counter, 100_000)
    letters = ""
    for _ in range(3):
        block, digit = divmod(block, len(_LETTERS))
        letters = _LETTERS[digit] + letters
    if block:
        raise ValueError("house unique numbers exhausted")
    return f"{letters}{rest:05d}"


def child_unique_number(house_number: str, counter: int) -> str:
    """Premises and rooms: ``9`` + house number + at least five digits of the house's counter."""
    return f"9{house_number}{counter:05d}"
