"""The readings handlers on a real store with fakes of the other areas' ports, driven the way
the worker drives them (no HTTP).

``Rig`` is what the ``rig`` fixture yields: a migrated, empty store on one backend with two
management companies (``uk``, ``uk2``) and a resource-supply organization (``rso``), fake
``meters``/``housing``/``supply`` registries the test fills, and the two handlers.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from lxml import etree
from sqlalchemy import Connection, func, select

from hub import ns
from hub.areas.readings.handlers import make_export_history_handler, make_import_values_handler
from hub.areas.readings.store import reading_export_view, reading_import_store
from hub.areas.readings.tables import meter_readings
from hub.contract.responses import get_state_result
from hub.contract.results import failure_fragment
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from hub.services.ports import AuditEvent, HousingObject, InboxEntry, MeteringDevice, NewInboxEntry
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.inbox import SqlInbox
from tests.fakes import FakeNsi

DM = ns.DEVICE_METERING
BASE = ns.BASE
#: the rig's "now": readings dated after it are in the future
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def device_guid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "readings-rig:" + label))


@dataclass
class Registries:
    """Fakes of the ``meters``, ``housing`` and ``supply`` ports (one set shared by every
    connection: they are other areas' data, which the test sets up)."""

    devices: dict[str, MeteringDevice] = field(default_factory=dict)
    by_guid: dict[str, MeteringDevice] = field(default_factory=dict)  # root and version GUIDs
    managers: dict[str, int] = field(default_factory=dict)  # house → managing org id
    supplies: dict[tuple[int, str], frozenset[str]] = field(default_factory=dict)  # (org, house) → NSI 2

    def add(self, device: MeteringDevice) -> MeteringDevice:
        self.devices[device.root_guid] = device
        self.by_guid[device.root_guid] = self.by_guid[device.version_guid] = device
        return device

    # MeteringDeviceLookup
    def find_many(self, guids: Collection[str]) -> dict[str, MeteringDevice]:
        keys = {guid.strip().lower() for guid in guids}
        return {key: self.by_guid[key] for key in keys if key in self.by_guid}

    def select(
        self,
        *,
        house_guids: Collection[str] = (),
        device_types: Collection[str] = (),
        resources: Collection[str] = (),
        include_archived: bool = False,
    ) -> list[MeteringDevice]:
        return sorted(
            (
                d
                for d in self.devices.values()
                if (not house_guids or d.house_guid in house_guids)
                and (not device_types or d.device_type in device_types)
                and (not resources or set(d.resources) & set(resources))
                and (include_archived or not d.archived)
            ),
            key=lambda d: d.root_guid,
        )


class FakeMeters:
    def __init__(self, registries: Registries) -> None:
        self.r = registries

    def __call__(self, _conn: Connection) -> FakeMeters:
        return self

    def find_many(self, guids: Collection[str]) -> dict[str, MeteringDevice]:
        return self.r.find_many(guids)

    def select(self, **kw: object) -> list[MeteringDevice]:
        return self.r.select(**kw)  # type: ignore[arg-type]


class FakeHousing:
    def __init__(self, registries: Registries) -> None:
        self.r = registries

    def __call__(self, _conn: Connection) -> FakeHousing:
        return self

    def find(self, guid: str) -> HousingObject | None:
        return self.find_many([guid]).get(guid.lower())

    def find_many(self, guids: Collection[str]) -> dict[str, HousingObject]:
        return {
            g.lower(): HousingObject("house", g.lower(), g.lower(), self.r.managers.get(g.lower()))
            for g in guids
            if g.lower() in self.r.managers
        }


class FakeSupply:
    def __init__(self, registries: Registries) -> None:
        self.r = registries

    def __call__(self, _conn: Connection) -> FakeSupply:
        return self

    def supplied(self, org_id: int, house_guids: Collection[str], on: date) -> dict[str, frozenset[str]]:
        return {h: self.r.supplies[(org_id, h)] for h in house_guids if (org_id, h) in self.r.supplies}

    def suppliers(self, house_guid: str, on: date) -> dict[int, frozenset[str]]:
        return {org: codes for (org, house), codes in self.r.supplies.items() if house == house_guid}


@dataclass
class Rig:
    store: Store
    inbox: SqlInbox
    directory: SqlDirectory
    uk: int
    uk2: int
    rso: int
    registries: Registries = field(default_factory=Registries)
    house: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        self.registries.managers[self.house] = self.uk

    def device(self, label: str, **kw: object) -> MeteringDevice:
        """A device in the rig's house (cold water, one tariff unless ``kw`` says otherwise)."""
        values: dict[str, object] = {
            "root_guid": device_guid(label),
            "version_guid": device_guid(label + ":v1"),
            "owner_org_id": self.uk,
            "house_guid": self.house,
            "device_type": "1",
            "resources": ("1",),
            "energy": False,
            "tariff_count": 1,
            "consumed_volume": False,
            "commissioned": date(2025, 1, 10),
            "archived": False,
        }
        values.update(kw)
        return self.registries.add(MeteringDevice(**values))  # type: ignore[arg-type]

    def replace_device(self, device: MeteringDevice, **kw: object) -> MeteringDevice:
        return self.registries.add(replace(device, **kw))  # type: ignore[arg-type]

    def entry(self, sender: int, operation: str, attempts: int = 1) -> InboxEntry:
        entry = self.inbox.add(
            NewInboxEntry(
                str(uuid.uuid4()),
                str(uuid.uuid4()),
                sender,
                "device-metering",
                operation,
                "10.0.1.1",
                uuid.uuid4().hex,
                b"",
                b"",
                None,
            ),
            AuditEvent("test", "received", "inbox", "x"),
        )
        return replace(entry, attempts=attempts)

    def import_handler(self, chunk: int = 100):  # type: ignore[no-untyped-def]
        r = self.registries
        return make_import_values_handler(
            imports=reading_import_store(self.store, FakeMeters(r), FakeHousing(r), FakeSupply(r)),
            chunk_size=chunk,
            clock=lambda: NOW,
        )

    def run_import(
        self, request: etree._Element, sender: int | None = None, chunk: int = 100, entry: InboxEntry | None = None
    ) -> etree._Element:
        """importMeteringDeviceValues through the handler: the getStateResult it makes."""
        entry = entry or self.entry(self.uk if sender is None else sender, "importMeteringDeviceValues")
        fragment = self.import_handler(chunk)(entry, etree.tostring(request))
        return state(fragment)

    def run_export(self, request: etree._Element, sender: int | None = None) -> etree._Element:
        r = self.registries
        handler = make_export_history_handler(
            reading=reading_export_view(self.store, FakeMeters(r), FakeHousing(r), FakeSupply(r)),
            directory=self.directory,
            nsi=FakeNsi(),
            today=NOW.date,
        )
        entry = self.entry(self.uk if sender is None else sender, "exportMeteringDeviceHistory")
        try:
            fragment = handler(entry, etree.tostring(request))
        except HubError as exc:  # what hub.services.processing does with it
            fragment = failure_fragment(exc.code, exc.message)
        return state(fragment)

    def stored(self) -> int:
        with self.store.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(meter_readings)).scalar_one())


def run_guarded(rig: Rig, request: etree._Element) -> etree._Element:
    """``rig.run_import`` as the processor runs it: a HubError becomes the ErrorMessage."""
    try:
        return rig.run_import(request)
    except HubError as exc:
        return state(failure_fragment(exc.code, exc.message))


def state(fragment: bytes) -> etree._Element:
    """The getStateResult the hub would send for ``fragment`` (unsigned)."""
    element = get_state_result(
        service_namespace=DM, version="10.0.1.1", state=3, message_guid=str(uuid.uuid4()), result=fragment
    )
    return parse_xml(etree.tostring(element))


@dataclass(frozen=True)
class Outcome:
    transport_guid: str
    guid: str | None
    errors: tuple[str, ...]


def outcomes(result: etree._Element) -> dict[str, Outcome]:
    """ImportResult by TransportGUID."""
    found = {}
    for item in result.iterfind(f"{{{DM}}}ImportResult"):
        transport = item.findtext(f"{{{BASE}}}TransportGUID") or ""
        found[transport] = Outcome(
            transport,
            item.findtext(f"{{{BASE}}}GUID"),
            tuple(e.text or "" for e in item.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")),
        )
    return found


def error_code(result: etree._Element) -> str | None:
    return result.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode")


def open_rig(store: Store) -> Rig:
    directory = SqlDirectory(store)

    def org(name: str, role: str) -> int:
        return directory.add_organization(
            ppaguid=str(uuid.uuid4()),
            name=name,
            ogrn="1027700000001",
            inn="7700000001",
            kpp="770001001",
            roles=[role],
            password_hash=None,
            actor="test",
        ).id

    return Rig(store, SqlInbox(store), directory, org("УК А", "УО"), org("УК Б", "УО"), org("РСО", "РСО"))


def dec(value: str) -> Decimal:
    return Decimal(value)
