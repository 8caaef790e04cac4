"""Use cases of metering devices: apply one imported device, select devices for export.

The rules are in ``hub.areas.devices.rules``; this module adds the outside world — NSI books,
the housing registry (``"housing"`` port), supply contracts (``"supply"`` port), the device
store and number sequences — through the ports below.

Who may (docs/METERING.md):

* a management organization (УО/ТСЖ) places and changes devices in houses it manages
  (``HousingObject.house_manager_org_id``);
* a resource-supply organization (РСО) in houses it supplies, for the resources it supplies
  there under a contract in force (``SupplyLookup.supplied``); while nobody provides the
  ``"supply"`` port an РСО supplies nothing, so it is refused;
* refusals are object-level: INT004171 (no ground to work with the house) or AUT011003 (the
  resource is not supplied there), with the object's TransportGUID;
* export: the devices the caller placed, and those in houses it manages or supplies (for the
  resources it supplies); nothing else — when nothing is left, INT002012, exactly as for a GUID
  that does not exist, so an export cannot probe for other organizations' devices.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Protocol

from hub.areas.devices import rules as dom
from hub.areas.devices.rules import Action, Archive, Device, DeviceCommand, DeviceData, Meter
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services import nsi
from hub.services.imports import ImportSession
from hub.services.ports import AccountLookup, HousingLookup, HousingObject, NsiCatalog, SupplyLookup

NSI_RESOURCE = 2
NSI_VERIFICATION_INTERVAL = 16
NSI_ARCHIVE_REASON = 21
NSI_FAILURE_REASON = 224
SEQ_GIS_NUMBER = "metering_device_number"


class DeviceRepository(Protocol):
    """Devices in the caller's transaction."""

    def by_version(self, guid: str, *, for_update: bool = False) -> Device | None:
        """The device (its current version) that has a version with this GUID."""
        ...

    def known_versions(self, guids: Collection[str]) -> set[str]: ...
    def number_taken(
        self, house_guid: str, number: str, resources: Collection[str], *, except_root: str | None
    ) -> bool:
        """A device in service in the house has this number and one of these resources."""
        ...

    def add(self, device: Device) -> None: ...
    def save(self, device: Device) -> None:
        """Store a new version of a placed device (the version GUID is new)."""
        ...

    def allocate(self, sequence: str) -> int: ...


class DeviceImportSession(ImportSession, Protocol):
    @property
    def devices(self) -> DeviceRepository: ...
    @property
    def housing(self) -> HousingLookup: ...
    @property
    def supply(self) -> SupplyLookup | None: ...
    @property
    def accounts(self) -> AccountLookup | None: ...


@dataclass(frozen=True, slots=True)
class Selection:
    """``exportMeteringDeviceDataRequest``: one device, or a house with filters."""

    root_guid: str | None = None
    version_guid: str | None = None
    house_guid: str | None = None
    current_org_only: bool = False
    updated_since: datetime | None = None
    device_type: str | None = None
    resource: str | None = None
    archive_from: date | None = None
    archive_to: date | None = None
    search_archived: bool = False
    commissioning_from: date | None = None
    commissioning_to: date | None = None


@dataclass(frozen=True, slots=True)
class Exported:
    """One exported version: the device as of that version, and whether it is the current one."""

    device: Device
    current: bool = True


class DeviceFinder(Protocol):
    def in_house(self, house_guid: str) -> list[Device]: ...
    def by_root(self, root_guid: str) -> Device | None: ...
    def version(self, version_guid: str) -> Exported | None: ...


class DeviceExportView(Protocol):
    @property
    def devices(self) -> DeviceFinder: ...
    @property
    def housing(self) -> HousingLookup: ...
    @property
    def supply(self) -> SupplyLookup | None: ...


# --- who may ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Access:
    """The sender's rights over houses and resources, on one transaction."""

    sender_id: int
    ppaguid: str
    supply: SupplyLookup | None
    today: date
    _supplied: dict[str, frozenset[str]] = field(default_factory=dict)

    def supplied(self, house_guid: str) -> frozenset[str]:
        """What the sender supplies to the house today (asked once per house)."""
        if self.supply is None:
            return frozenset()
        if house_guid not in self._supplied:
            found = self.supply.supplied(self.sender_id, [house_guid], self.today)
            self._supplied[house_guid] = found.get(house_guid, frozenset())
        return self._supplied[house_guid]

    def require(self, house: HousingObject, resources: Collection[str], where: str) -> None:
        """The sender manages the house, or supplies every resource there. Raises ``HubError``."""
        if house.house_manager_org_id == self.sender_id:
            return
        supplied = self.supplied(house.house_guid)
        if not supplied:
            raise HubError(E.INT004171, where=where, params=(self.ppaguid, house.house_guid))
        missing = sorted(set(resources) - supplied)
        if missing:
            raise HubError(
                E.AUT011003,
                f"Организация не поставляет в дом {house.house_guid} коммунальный ресурс (НСИ 2) {', '.join(missing)}",
                where=where,
            )

    def may_see(self, device: Device, house: HousingObject | None) -> bool:
        if device.owner_org_id == self.sender_id:
            return True
        if house is not None and house.house_manager_org_id == self.sender_id:
            return True
        return bool(self.supplied(device.house_guid) & set(device.data.resources))


# --- import -----------------------------------------------------------------------------------


def _ref(catalog: NsiCatalog, registry: int, ref: NsiRef, where: str) -> NsiRef:
    element = nsi.resolve(catalog, registry, ref.code, where=where)
    return ref if element is None else NsiRef(element.code, element.guid, element.name)


def _meters(catalog: NsiCatalog, meters: Sequence[Meter], where: str) -> tuple[Meter, ...]:
    return tuple(replace(m, resource=_ref(catalog, NSI_RESOURCE, m.resource, where)) for m in meters)


def resolve_nsi(catalog: NsiCatalog, data: DeviceData, where: str) -> DeviceData:
    """The data with NSI 2 and NSI 16 references matched by Code."""
    interval = data.verification_interval
    if interval is not None:
        interval = _ref(catalog, NSI_VERIFICATION_INTERVAL, interval, f"{where}/VerificationInterval")
    return replace(data, meters=_meters(catalog, data.meters, where), verification_interval=interval)


@dataclass(frozen=True, slots=True)
class DeviceImport:
    """``apply`` for ``run_import``: one ``MeteringDevice`` of an importMeteringDeviceDataRequest."""

    sender_id: int
    ppaguid: str
    nsi: NsiCatalog
    clock: Callable[[], datetime]

    def __call__(
        self, session: DeviceImportSession, command: DeviceCommand, _done: Mapping[int, ObjectOutcome]
    ) -> ObjectOutcome:
        access = Access(self.sender_id, self.ppaguid, session.supply, self.clock().date())
        if command.action is Action.CREATE:
            device = self._create(session, access, command)
        else:
            device = self._update(session, access, command)
        return ObjectOutcome(
            command.transport_guid,
            guid=device.version_guid,
            unique_number=device.gis_number,
            update_date=device.updated_at,
            extension={"MeteringDeviceGUID": device.root_guid},
        )

    # --- placing ------------------------------------------------------------------------------

    def _checked(
        self, session: DeviceImportSession, access: Access, command: DeviceCommand, data: DeviceData
    ) -> tuple[DeviceData, str]:
        """NSI, the rules, the places located and authorized: the data and the device's house."""
        where = command.where
        data = resolve_nsi(self.nsi, data, where)
        if not data.places and command.house_hint and dom.PLACE_KIND[data.kind] == "house":
            data = replace(data, houses=(command.house_hint,))
        dom.check_data(data, where)
        found = session.housing.find_many(data.places)
        kind = dom.PLACE_KIND[data.kind]
        located: list[tuple[str, str]] = []
        for guid in data.places:
            place = found.get(guid)
            if place is None or place.annulled or place.kind != kind:
                raise HubError(E.INT002034, f"Идентификатор {guid}", where=f"{where}/{data.kind.value}")
            located.append((guid, place.house_guid))
        house_guid = dom.one_house(located, where)
        house = found[located[0][0]] if kind == "house" else session.housing.find(house_guid)
        if house is None:  # a premises' house always exists; kept for the type checker
            raise HubError(E.INT002034, f"Дом {house_guid}", where=where)
        access.require(house, data.resources, where)
        if data.accounts and session.accounts is not None:
            self._check_accounts(session.accounts, data.accounts, house_guid, where)
        if data.link is not None and data.link.versions:
            self._check_links(session, data.link.versions, where)
        return data, house_guid

    def _check_accounts(self, lookup: AccountLookup, guids: Collection[str], house_guid: str, where: str) -> None:
        """Every account exists (INT002000), is open and has an accommodation in the device's house."""
        found = lookup.find_many(guids)
        for guid in guids:
            account = found.get(guid)
            if account is None:
                raise HubError(E.INT002000, f"AccountGUID {guid}", where=where)
            if account.closed or house_guid not in account.house_guids:
                raise HubError(dom.Errors.FOREIGN_ACCOUNT, f"AccountGUID {guid}, дом {house_guid}", where=where)

    def _check_links(self, session: DeviceImportSession, versions: Collection[str], where: str) -> None:
        unknown = sorted(set(versions) - session.devices.known_versions(versions))
        if unknown:
            raise HubError(E.INT002000, f"LinkedMeteringDeviceVersionGUID {', '.join(unknown)}", where=where)

    def _create(self, session: DeviceImportSession, access: Access, command: DeviceCommand) -> Device:
        assert command.data is not None  # decoded with the create action
        repo = session.devices
        data, house_guid = self._checked(session, access, command, command.data)
        if repo.number_taken(house_guid, data.number, data.resources, except_root=None):
            raise HubError(dom.Errors.DUPLICATE, f"MeteringDeviceNumber {data.number}", where=command.where)
        now = self.clock()
        device = Device(
            root_guid=new_guid(),
            version_guid=new_guid(),
            version_number=1,
            gis_number=dom.gis_number(repo.allocate(SEQ_GIS_NUMBER)),
            owner_org_id=self.sender_id,
            house_guid=house_guid,
            data=data,
            created_at=now,
            updated_at=now,
        )
        repo.add(device)
        return device

    # --- changing -------------------------------------------------------------------------------

    def _existing(self, session: DeviceImportSession, access: Access, command: DeviceCommand) -> Device:
        guid = command.version_guid or ""
        device = session.devices.by_version(guid, for_update=True)
        if device is None:
            raise HubError(E.INT002000, f"MeteringDeviceVersionGUID {guid}", where=command.where)
        house = session.housing.find(device.house_guid)
        if house is None:
            raise HubError(E.INT002034, f"Дом {device.house_guid}", where=command.where)
        access.require(house, device.data.resources, command.where)
        dom.check_updatable(device, guid, command.where)
        return device

    def _update(self, session: DeviceImportSession, access: Access, command: DeviceCommand) -> Device:
        device = self._existing(session, access, command)
        where = command.where
        now = self.clock()
        if command.action is Action.UPDATE_BEFORE:
            assert command.data is not None
            dom.check_same_kind(device, command.data, where)
            data, house_guid = self._checked(session, access, command, command.data)
            self._check_number(session, device, data, house_guid, where)
            changed = replace(device, data=data, house_guid=house_guid)
        elif command.action is Action.UPDATE_AFTER:
            assert command.patch is not None
            patch = command.patch
            if patch.meters is not None:
                patch = replace(patch, meters=_meters(self.nsi, patch.meters, where))
            data, house_guid = self._checked(session, access, command, dom.patched(device.data, patch, where))
            self._check_number(session, device, data, house_guid, where)
            changed = replace(device, data=data, house_guid=house_guid)
        elif command.action is Action.LINK:
            self._check_links(session, command.links, where)
            place = device.data.link.place if device.data.link is not None else "in"
            changed = replace(device, data=replace(device.data, link=dom.Link(place, command.links)))
        elif command.action is Action.ARCHIVE:
            assert command.archive_reason is not None
            reason = _ref(self.nsi, NSI_ARCHIVE_REASON, command.archive_reason, f"{where}/ArchivingReason")
            changed = replace(device, archive=Archive(on=now.date(), reason=reason))
        else:
            changed = self._replace(session, access, device, command, now)
        version = replace(changed, version_guid=new_guid(), version_number=device.version_number + 1, updated_at=now)
        session.devices.save(version)
        return version

    def _check_number(
        self, session: DeviceImportSession, device: Device, data: DeviceData, house_guid: str, where: str
    ) -> None:
        if session.devices.number_taken(house_guid, data.number, data.resources, except_root=device.root_guid):
            raise HubError(dom.Errors.DUPLICATE, f"MeteringDeviceNumber {data.number}", where=where)

    def _replace(
        self, session: DeviceImportSession, access: Access, device: Device, command: DeviceCommand, now: datetime
    ) -> Device:
        """The old device archived with its last readings; the new one records whom it replaced."""
        replacement = command.replacement
        assert replacement is not None
        where = command.where
        new = session.devices.by_version(replacement.replacing_version_guid, for_update=True)
        if new is None:
            raise HubError(
                E.INT002000, f"ReplacingMeteringDeviceVersionGUID {replacement.replacing_version_guid}", where=where
            )
        new_house = session.housing.find(new.house_guid)
        if new_house is None:
            raise HubError(E.INT002034, f"Дом {new.house_guid}", where=where)
        access.require(new_house, new.data.resources, where)
        dom.check_replacement(device, new, where)
        reason = replacement.reason
        if reason is not None:
            reason = _ref(self.nsi, NSI_FAILURE_REASON, reason, f"{where}/ReasonVerification")
        successor = replace(
            new,
            replaced_root_guid=device.root_guid,
            version_guid=new_guid(),
            version_number=new.version_number + 1,
            updated_at=now,
        )
        session.devices.save(successor)
        archive = Archive(
            on=now.date(),
            replaced_by=new.root_guid,
            verification_date=replacement.verification_date,
            planned_verification=replacement.planned,
            verification_reason=reason,
            final_meters=_meters(self.nsi, replacement.final_meters, where),
        )
        return replace(device, archive=archive)


# --- export -----------------------------------------------------------------------------------


def _matches(device: Device, selection: Selection, sender_id: int) -> bool:
    data = device.data
    archive = device.archive
    checks = (
        # IsCurrentOrganization: "the criterion applies to collective devices (ОДПУ) only"
        not selection.current_org_only or data.device_type != "2" or device.owner_org_id == sender_id,
        selection.updated_since is None or device.updated_at >= selection.updated_since,
        selection.device_type is None or data.device_type == selection.device_type,
        selection.resource is None or selection.resource in data.resources,
        archive is None or selection.search_archived,
        selection.archive_from is None or (archive is not None and archive.on >= selection.archive_from),
        selection.archive_to is None or (archive is not None and archive.on <= selection.archive_to),
        selection.commissioning_from is None
        or (data.commissioning_date is not None and data.commissioning_date >= selection.commissioning_from),
        selection.commissioning_to is None
        or (data.commissioning_date is not None and data.commissioning_date <= selection.commissioning_to),
    )
    return all(checks)


def export_devices(view: DeviceExportView, access: Access, selection: Selection) -> list[Exported]:
    """The devices of the selection the sender may see; INT002012 when there are none."""
    found: list[Exported] = []
    if selection.version_guid is not None:
        version = view.devices.version(selection.version_guid)
        found = [version] if version is not None else []
    elif selection.root_guid is not None:
        device = view.devices.by_root(selection.root_guid)
        found = [Exported(device)] if device is not None else []
    elif selection.house_guid is not None:
        found = [
            Exported(d) for d in view.devices.in_house(selection.house_guid) if _matches(d, selection, access.sender_id)
        ]
    houses: dict[str, HousingObject | None] = {}

    def house(guid: str) -> HousingObject | None:
        if guid not in houses:
            houses[guid] = view.housing.find(guid)
        return houses[guid]

    visible = [e for e in found if access.may_see(e.device, house(e.device.house_guid))]
    if not visible:
        raise HubError(E.INT002012, "Приборы учета по условию запроса не найдены")
    return visible
