"""Metering devices (приборы учета): the domain records and the pure rules of their import.

A device is placed once (``DeviceDataToCreate``) and then changed only by a new version: every
change — a correction before readings (``UpdateBeforeDevicesValues``), after readings
(``UpdateAfterDevicesValues``), the linked devices, archiving, replacement — gives the device a
new version GUID while its root GUID stays. These rules know nothing of the store or of XML; the
use case (``usecase.py``) adds the housing registry, supply contracts and NSI books.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from hub.domain.nsi import NsiRef
from hub.errors import E, HubError

#: NSI 2 (вид коммунального ресурса) code of electric energy: the resource of
#: ``MunicipalResourceEnergy``, which names no resource of its own
ELECTRICITY = "3"


class DeviceKind(StrEnum):
    """The choice of ``BasicChatacteristicts``: where the device is and what it meters."""

    RESIDENTIAL = "ResidentialPremiseDevice"  # ИПУ in residential premises
    NON_RESIDENTIAL = "NonResidentialPremiseDevice"  # ИПУ in non-residential premises
    APARTMENT_HOUSE = "ApartmentHouseDevice"  # ИПУ of a residential (not apartment) house
    COLLECTIVE = "CollectiveDevice"  # ОДПУ: the house's collective device
    COLLECTIVE_APARTMENT = "CollectiveApartmentDevice"  # общий (квартирный) of communal premises
    LIVING_ROOM = "LivingRoomDevice"  # комнатный


#: NSI 27 «Тип прибора учета»: 1 Индивидуальный, 2 Коллективный (общедомовой), 3 Общий
#: (квартирный), 4 Комнатный (GIS templates, docs/METERING.md)
DEVICE_TYPE: Mapping[DeviceKind, str] = {
    DeviceKind.RESIDENTIAL: "1",
    DeviceKind.NON_RESIDENTIAL: "1",
    DeviceKind.APARTMENT_HOUSE: "1",
    DeviceKind.COLLECTIVE: "2",
    DeviceKind.COLLECTIVE_APARTMENT: "3",
    DeviceKind.LIVING_ROOM: "4",
}

#: what the places of each kind are in the housing registry (``HousingObject.kind``)
PLACE_KIND: Mapping[DeviceKind, str] = {
    DeviceKind.RESIDENTIAL: "premises",
    DeviceKind.NON_RESIDENTIAL: "premises",
    DeviceKind.COLLECTIVE_APARTMENT: "premises",
    DeviceKind.LIVING_ROOM: "room",
    DeviceKind.APARTMENT_HOUSE: "house",
    DeviceKind.COLLECTIVE: "house",
}


class ResourceForm(StrEnum):
    """How the resources are given (the choice of ``MeteringDeviceFullInformationType``)."""

    NOT_ENERGY = "MunicipalResourceNotEnergy"  # up to 3 resources, one base value each
    ENERGY = "MunicipalResourceEnergy"  # electric energy, base values T1–T3
    RESOURCES = "MunicipalResources"  # up to 3 resources, without base values


class Action(StrEnum):
    CREATE = "DeviceDataToCreate"
    UPDATE_BEFORE = "UpdateBeforeDevicesValues"
    UPDATE_AFTER = "UpdateAfterDevicesValues"
    LINK = "LinkedWithMetering"
    ARCHIVE = "ArchiveDevice"
    REPLACE = "ReplaceDevice"


class Errors:
    """This area's codes (``hub.errors`` INT911xxx)."""

    DUPLICATE = E.INT911001
    ARCHIVED = E.INT911002
    STALE_VERSION = E.INT911003
    NO_PLACE = E.INT911004
    KIND_CHANGED = E.INT911005
    RESOURCE_TWICE = E.INT911006
    DATES = E.INT911007
    ELECTRICITY_FORM = E.INT911008
    SEVERAL_HOUSES = E.INT911009
    BAD_REPLACEMENT = E.INT911010
    FOREIGN_ACCOUNT = E.INT911011


@dataclass(frozen=True, slots=True)
class Meter:
    """One metered resource with its base values (показания на момент ввода): T1[, T2, T3]."""

    resource: NsiRef
    values: tuple[str, ...] = ()
    unit: str | None = None
    tariff_count: int | None = None  # MunicipalResources only


@dataclass(frozen=True, slots=True)
class Link:
    """``LinkedWithMetering``: the device works with others (in = inside, out = outside)."""

    place: str
    versions: tuple[str, ...] = ()


def is_energy(form: ResourceForm, resources: tuple[str, ...]) -> bool:
    """An electric device: ``MunicipalResourceEnergy``, or electricity among its resources."""
    return form is ResourceForm.ENERGY or (form is ResourceForm.RESOURCES and ELECTRICITY in resources)


def tariff_count(form: ResourceForm, meters: tuple[Meter, ...], resources: tuple[str, ...]) -> int:
    """1–3 for an electric device (its base values or declared count), 1 for any other."""
    if form is ResourceForm.ENERGY:
        return max(len(meters[0].values), 1)
    if is_energy(form, resources):
        return next((m.tariff_count or 1 for m in meters if m.resource.code == ELECTRICITY), 1)
    return 1


def base_values(meters: tuple[Meter, ...]) -> dict[tuple[str, int], Decimal]:
    """Readings at commissioning: (NSI 2 code, tariff 1–3) → value."""
    return {
        (meter.resource.code, tariff): Decimal(value)
        for meter in meters
        for tariff, value in enumerate(meter.values, start=1)
    }


@dataclass(frozen=True, slots=True)
class DeviceData:
    """What the client says about a device (one version)."""

    kind: DeviceKind
    number: str
    remote_metering: bool
    temperature_sensor: bool
    pressure_sensor: bool
    form: ResourceForm
    meters: tuple[Meter, ...]
    stamp: str | None = None
    model: str | None = None
    installation_date: date | None = None
    commissioning_date: date | None = None
    remote_info: str | None = None
    first_verification_date: date | None = None
    verification_interval: NsiRef | None = None
    factory_seal_date: date | None = None
    consumed_volume: bool | None = None
    transformation_ratio: str | None = None
    temperature_info: str | None = None
    pressure_info: str | None = None
    houses: tuple[str, ...] = ()
    premises: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    link: Link | None = None

    @property
    def device_type(self) -> str:
        return DEVICE_TYPE[self.kind]

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(m.resource.code for m in self.meters)

    @property
    def energy(self) -> bool:
        return is_energy(self.form, self.resources)

    @property
    def tariff_count(self) -> int:
        return tariff_count(self.form, self.meters, self.resources)

    @property
    def places(self) -> tuple[str, ...]:
        """The GUIDs of the housing objects the kind requires (premises, rooms or houses)."""
        kind = PLACE_KIND[self.kind]
        return self.premises if kind == "premises" else self.rooms if kind == "room" else self.houses

    def base_values(self) -> dict[tuple[str, int], Decimal]:
        return base_values(self.meters)


@dataclass(frozen=True, slots=True)
class Archive:
    """Why and when a device left service; a replaced device keeps its last readings here."""

    on: date
    reason: NsiRef | None = None
    replaced_by: str | None = None  # root GUID of the replacing device
    verification_date: date | None = None
    planned_verification: bool = False
    verification_reason: NsiRef | None = None
    final_meters: tuple[Meter, ...] = ()


@dataclass(frozen=True, slots=True)
class Device:
    """A placed device: its current version."""

    root_guid: str
    version_guid: str
    version_number: int
    gis_number: str
    owner_org_id: int
    house_guid: str
    data: DeviceData
    created_at: datetime
    updated_at: datetime
    archive: Archive | None = None
    replaced_root_guid: str | None = None

    @property
    def archived(self) -> bool:
        return self.archive is not None


@dataclass(frozen=True, slots=True)
class Patch:
    """``UpdateAfterDevicesValues``: only what is given changes (None = keep)."""

    number: str | None = None
    stamp: str | None = None
    model: str | None = None
    installation_date: date | None = None
    commissioning_date: date | None = None
    remote_metering: bool | None = None
    remote_info: str | None = None
    temperature_sensor: bool | None = None
    pressure_sensor: bool | None = None
    temperature_info: str | None = None
    pressure_info: str | None = None
    accounts: tuple[str, ...] | None = None
    meters: tuple[Meter, ...] | None = None  # new base values of the same resources
    transformation_ratio: str | None = None
    first_verification_date: date | None = None
    factory_seal_date: date | None = None
    consumed_volume: bool | None = None
    link: Link | None = None
    unlink: bool = False
    address_kind: DeviceKind | None = None
    address: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Replacement:
    """``ReplaceDevice``: the old device's last readings and the device that replaces it."""

    verification_date: date
    replacing_version_guid: str
    planned: bool = False
    reason: NsiRef | None = None
    final_meters: tuple[Meter, ...] = ()


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """One ``MeteringDevice`` of an importMeteringDeviceDataRequest."""

    transport_guid: str
    action: Action
    where: str
    version_guid: str | None = None  # DeviceDataToUpdate/MeteringDeviceVersionGUID
    data: DeviceData | None = None  # create, update before readings
    patch: Patch | None = None
    links: tuple[str, ...] = ()  # LinkedWithMetering of an update
    archive_reason: NsiRef | None = None
    replacement: Replacement | None = None
    house_hint: str | None = None  # the request's FIASHouseGuid
    extra: Mapping[str, str] = field(default_factory=dict)


# --- rules ----------------------------------------------------------------------------------


def check_data(data: DeviceData, where: str) -> None:
    """The controls a device's data must pass whatever the action. Raises ``HubError``."""
    codes = data.resources
    if len(set(codes)) != len(codes):
        raise HubError(Errors.RESOURCE_TWICE, f"Коды НСИ 2: {', '.join(codes)}", where=where)
    if data.form is ResourceForm.NOT_ENERGY and ELECTRICITY in codes:
        raise HubError(Errors.ELECTRICITY_FORM, where=f"{where}/MunicipalResourceNotEnergy")
    if data.installation_date and data.commissioning_date and data.commissioning_date < data.installation_date:
        raise HubError(Errors.DATES, "Дата ввода в эксплуатацию раньше даты установки", where=where)
    if not data.places:
        raise HubError(Errors.NO_PLACE, f"Вид прибора учета {data.kind.value}", where=where)


def check_updatable(device: Device, version_guid: str, where: str) -> None:
    """Only the current version of a device in service may be changed."""
    if device.archived:
        raise HubError(Errors.ARCHIVED, f"MeteringDeviceVersionGUID {version_guid}", where=where)
    if device.version_guid != version_guid:
        raise HubError(
            Errors.STALE_VERSION,
            f"MeteringDeviceVersionGUID {version_guid}; актуальная версия {device.version_guid}",
            where=where,
        )


def check_same_kind(device: Device, data: DeviceData, where: str) -> None:
    if data.kind is not device.data.kind:
        raise HubError(Errors.KIND_CHANGED, f"{device.data.kind.value} → {data.kind.value}", where=where)


def _pick(new: object, old: object) -> object:
    return old if new is None else new


def patched(data: DeviceData, patch: Patch, where: str) -> DeviceData:
    """``UpdateAfterDevicesValues`` applied: given fields replace, absent ones are kept."""
    changes: dict[str, object] = {}
    for name in (
        "number",
        "stamp",
        "model",
        "installation_date",
        "commissioning_date",
        "remote_metering",
        "remote_info",
        "temperature_sensor",
        "pressure_sensor",
        "temperature_info",
        "pressure_info",
        "transformation_ratio",
        "first_verification_date",
        "factory_seal_date",
        "consumed_volume",
    ):
        changes[name] = _pick(getattr(patch, name), getattr(data, name))
    if patch.accounts is not None:
        changes["accounts"] = patch.accounts
    if patch.meters is not None:
        changes["meters"] = _rebased(data, patch.meters, where)
    if patch.link is not None:
        changes["link"] = patch.link
    elif patch.unlink:
        changes["link"] = None
    if patch.address_kind is not None:
        if patch.address_kind is not data.kind:
            raise HubError(Errors.KIND_CHANGED, f"{data.kind.value} → {patch.address_kind.value}", where=where)
        field_name = {"premises": "premises", "room": "rooms", "house": "houses"}[PLACE_KIND[data.kind]]
        if patch.address:
            changes[field_name] = patch.address
    return replace(data, **changes)  # type: ignore[arg-type]


def _rebased(data: DeviceData, meters: tuple[Meter, ...], where: str) -> tuple[Meter, ...]:
    """New base values for resources the device already meters (the resources stay)."""
    if data.form is ResourceForm.ENERGY:
        old = data.meters[0]
        return (replace(old, values=meters[0].values),)
    given = {m.resource.code: m for m in meters}
    unknown = set(given) - set(data.resources)
    if unknown:
        raise HubError(
            E.INT002000, f"Прибор учета не учитывает ресурс НСИ 2 с кодом {', '.join(sorted(unknown))}", where=where
        )
    return tuple(
        replace(m, values=given[m.resource.code].values) if m.resource.code in given else m for m in data.meters
    )


def one_house(places: Iterable[tuple[str, str]], where: str) -> str:
    """The single house of the device's places ((place GUID, house GUID) pairs)."""
    houses = sorted({house for _place, house in places})
    if len(houses) != 1:
        raise HubError(Errors.SEVERAL_HOUSES, f"Дома: {', '.join(houses)}", where=where)
    return houses[0]


def check_replacement(old: Device, new: Device, where: str) -> None:
    """The replacing device: another, in service, in the same house, replacing nothing yet."""
    if new.root_guid == old.root_guid:
        raise HubError(Errors.BAD_REPLACEMENT, "Прибор учета не может заменить сам себя", where=where)
    if new.archived:
        raise HubError(Errors.ARCHIVED, f"Заменяющий прибор учета {new.version_guid}", where=where)
    if new.replaced_root_guid is not None:
        raise HubError(
            Errors.BAD_REPLACEMENT,
            f"Прибор учета {new.root_guid} уже заменил прибор {new.replaced_root_guid}",
            where=where,
        )
    if new.house_guid != old.house_guid:
        raise HubError(Errors.BAD_REPLACEMENT, "Заменяющий прибор учета размещен в другом доме", where=where)


def gis_number(value: int) -> str:
    """MeteringDeviceGISGKHNumber: the hub's sequence, 12 digits."""
    return f"{value:012d}"
