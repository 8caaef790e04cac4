"""Metering device payloads: XSD-valid ``importMeteringDeviceDataRequest`` /
``exportMeteringDeviceDataRequest`` (GIS 16.3.0.0).

``Dev`` describes a device by what a test varies (kind, places, resources, base values);
``import_request`` puts up to 100 of them in one message; the ``update_*``, ``archive``,
``replace`` builders make the ``DeviceDataToUpdate`` variants; ``place_devices`` splits any
number of devices into messages of 100 (placing 1000 devices = 10 messages).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from testkit.elements import BASE, HM, NSI, SIGNED_ID, guid, root, sub

MD = "http://dom.gosuslugi.ru/schema/integration/metering-device-base/"
IMPORT_DEVICE_VERSION = "11.1.0.8"  # fixed
EXPORT_DEVICE_VERSIONS = ("11.1.0.2", "14.8.0.1")
DEVICE_KINDS = (
    "ResidentialPremiseDevice",
    "NonResidentialPremiseDevice",
    "ApartmentHouseDevice",
    "CollectiveDevice",
    "CollectiveApartmentDevice",
    "LivingRoomDevice",
)
#: NSI 2 names of the codes the kit uses
RESOURCE_NAMES = {"1": "Холодная вода", "2": "Горячая вода", "3": "Электрическая энергия", "5": "Тепловая энергия"}


def _ref(parent: etree._Element, namespace: str, local: str, code: str, registry: int, name: str | None = None) -> None:
    ref = sub(parent, namespace, local)
    sub(ref, NSI, "Code", code)
    sub(ref, NSI, "GUID", guid(f"nsi:{registry}:{code}"))
    if name:
        sub(ref, NSI, "Name", name)


@dataclass
class Dev:
    """One device: ``kind`` (``DEVICE_KINDS``), its places (premises, rooms or houses by kind),
    resources (NSI 2 codes; ``"3"`` alone = an electric device with ``values`` T1–T3), accounts
    (AccountGUIDs: the hub checks that they are open accounts of the device's house; without
    them a made-up GUID is sent, valid only for schema tests)."""

    kind: str
    places: Sequence[str]
    resources: Sequence[str] = ("1",)
    values: Sequence[str] = ("12.5",)
    number: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    accounts: Sequence[str] = ()
    transport_guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    installation: str = "2024-01-10"
    commissioning: str = "2024-01-15"
    consumed_volume: bool | None = None

    @property
    def electric(self) -> bool:
        return list(self.resources) == ["3"]


def _kind_block(basic: etree._Element, dev: Dev) -> None:
    block = sub(basic, HM, dev.kind)
    accounts = list(dev.accounts) or [guid(f"account:{dev.transport_guid}")]
    if dev.kind == "CollectiveDevice":
        for house in dev.places:
            sub(block, HM, "FIASHouseGuid", house)
        return
    place = {"ApartmentHouseDevice": "FIASHouseGuid", "LivingRoomDevice": "LivingRoomGUID"}.get(dev.kind, "PremiseGUID")
    for guid_ in dev.places:
        sub(block, HM, place, guid_)
    for account in accounts:
        sub(block, HM, "AccountGUID", account)


def full_information(parent: etree._Element, dev: Dev) -> None:
    """``MeteringDeviceFullInformationType`` children of ``parent``."""
    basic = sub(parent, HM, "BasicChatacteristicts")
    sub(basic, HM, "MeteringDeviceNumber", dev.number)
    sub(basic, HM, "MeteringDeviceStamp", "Пульсар")
    sub(basic, HM, "MeteringDeviceModel", "СВК-15")
    sub(basic, HM, "InstallationDate", dev.installation)
    sub(basic, HM, "CommissioningDate", dev.commissioning)
    sub(basic, HM, "RemoteMeteringMode", False)
    sub(basic, HM, "FirstVerificationDate", "2023-12-01")
    _ref(basic, HM, "VerificationInterval", "6", 16, "6 лет")
    sub(basic, HM, "FactorySealDate", "2023-12-01")
    sub(basic, HM, "TemperatureSensor", False)
    sub(basic, HM, "PressureSensor", False)
    if dev.consumed_volume is not None:
        sub(basic, HM, "ConsumedVolume", dev.consumed_volume)
    _kind_block(basic, dev)
    sub(parent, HM, "NotLinkedWithMetering", True)
    if dev.electric:
        energy = sub(parent, HM, "MunicipalResourceEnergy")
        for tariff, value in enumerate(dev.values, start=1):
            sub(energy, MD, f"MeteringValueT{tariff}", value)
        sub(energy, HM, "TransformationRatio", "1")
        return
    for code in dev.resources:
        resource = sub(parent, HM, "MunicipalResourceNotEnergy")
        _ref(resource, MD, "MunicipalResource", code, 2, RESOURCE_NAMES.get(code))
        sub(resource, MD, "MeteringValue", dev.values[0])


def _device(request: etree._Element, transport_guid: str) -> etree._Element:
    device = sub(request, HM, "MeteringDevice")
    sub(device, BASE, "TransportGUID", transport_guid)
    return device


def import_request(
    devices: Iterable[Dev], *, house: str | None = None, signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importMeteringDeviceDataRequest`` placing ``devices`` (GIS allows at most 100)."""
    request = root("importMeteringDeviceDataRequest", IMPORT_DEVICE_VERSION, signed_id=signed_id)
    if house is not None:
        sub(request, HM, "FIASHouseGuid", house)
    for dev in devices:
        full_information(sub(_device(request, dev.transport_guid), HM, "DeviceDataToCreate"), dev)
    return request


def _update(request: etree._Element, version_guid: str, transport_guid: str | None) -> etree._Element:
    update = sub(_device(request, transport_guid or str(uuid.uuid4())), HM, "DeviceDataToUpdate")
    sub(update, HM, "MeteringDeviceVersionGUID", version_guid)
    return update


def update_before(version_guid: str, dev: Dev, *, transport_guid: str | None = None) -> etree._Element:
    """``UpdateBeforeDevicesValues``: all the device's data again."""
    request = root("importMeteringDeviceDataRequest", IMPORT_DEVICE_VERSION)
    full_information(sub(_update(request, version_guid, transport_guid), HM, "UpdateBeforeDevicesValues"), dev)
    return request


def update_after(
    version_guid: str,
    *,
    model: str | None = None,
    accounts: Sequence[str] = (),
    transport_guid: str | None = None,
) -> etree._Element:
    """``UpdateAfterDevicesValues``: only what changes."""
    request = root("importMeteringDeviceDataRequest", IMPORT_DEVICE_VERSION)
    after = sub(_update(request, version_guid, transport_guid), HM, "UpdateAfterDevicesValues")
    if model is not None:
        sub(after, HM, "MeteringDeviceModel", model)
    for account in accounts:
        sub(after, HM, "AccountGUID", account)
    return request


def archive(version_guid: str, *, reason: str = "1", transport_guid: str | None = None) -> etree._Element:
    """``ArchiveDevice`` with an NSI 21 reason."""
    request = root("importMeteringDeviceDataRequest", IMPORT_DEVICE_VERSION)
    archive_el = sub(_update(request, version_guid, transport_guid), HM, "ArchiveDevice")
    _ref(archive_el, HM, "ArchivingReason", reason, 21, "Истек срок эксплуатации")
    return request


def replace(
    version_guid: str,
    replacing_version_guid: str,
    *,
    resource: str = "1",
    last_value: str = "99.5",
    transport_guid: str | None = None,
) -> etree._Element:
    """``ReplaceDevice``: the old device's last reading, then the device that replaces it."""
    request = root("importMeteringDeviceDataRequest", IMPORT_DEVICE_VERSION)
    replace_el = sub(_update(request, version_guid, transport_guid), HM, "ReplaceDevice")
    sub(replace_el, HM, "VerificationDate", "2025-06-01")
    sub(replace_el, HM, "PlannedVerification", True)
    value = sub(replace_el, HM, "DeviceValueMunicipalResourceNotElectric")
    _ref(value, MD, "MunicipalResource", resource, 2, RESOURCE_NAMES.get(resource))
    sub(value, MD, "MeteringValue", last_value)
    sub(replace_el, HM, "ReplacingMeteringDeviceVersionGUID", replacing_version_guid)
    return request


def export_request(
    *,
    house: str | None = None,
    root_guid: str | None = None,
    version_guid: str | None = None,
    device_type: str | None = None,
    search_archived: bool = False,
    version: str = EXPORT_DEVICE_VERSIONS[-1],
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``exportMeteringDeviceDataRequest`` by root GUID, version GUID or house (with filters)."""
    request = root("exportMeteringDeviceDataRequest", version, signed_id=signed_id)
    if root_guid is not None:
        sub(request, HM, "MeteringDeviceRootGUID", root_guid)
    elif version_guid is not None:
        sub(request, HM, "MeteringDeviceVersionGUID", version_guid)
    else:
        sub(request, HM, "FIASHouseGuid", house or guid("apartment-house:fias"))
        if device_type is not None:
            _ref(request, HM, "MeteringDeviceType", device_type, 27)
        if search_archived:
            sub(request, HM, "SearchArchived", True)
    return request


def place_devices(devices: Sequence[Dev], *, per_message: int = 100) -> list[etree._Element]:
    """Import messages of at most ``per_message`` devices each (1000 devices = 10 messages)."""
    return [import_request(devices[i : i + per_message]) for i in range(0, len(devices), per_message)]


def one_of_each_kind(
    house: str, premises: Sequence[str], rooms: Sequence[str], accounts: Sequence[str] = ()
) -> list[Dev]:
    """A device of every kind in one house (premises ≥ 3, rooms ≥ 1): cold water, hot water,
    electricity with two tariffs, heat; linked to ``accounts`` (open accounts of the house: the
    hub checks them when the accounts area is there)."""
    return [
        Dev("ResidentialPremiseDevice", [premises[0]], ("1",), accounts=accounts),
        Dev("NonResidentialPremiseDevice", [premises[1]], ("2",), accounts=accounts),
        Dev("ApartmentHouseDevice", [house], ("3",), values=("100.1", "50.2"), accounts=accounts),
        Dev("CollectiveDevice", [house], ("5",), consumed_volume=True),
        Dev("CollectiveApartmentDevice", [premises[2]], ("1", "2"), accounts=accounts),
        Dev("LivingRoomDevice", [rooms[0]], ("3",), values=("7",), accounts=accounts),
    ]
