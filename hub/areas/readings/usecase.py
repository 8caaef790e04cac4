"""Use cases of meter readings: import a chunk of items set-based, export devices' history.

The rules are in ``hub.areas.readings.rules``; this module adds what needs the outside world —
the device registry (``meters`` port, the devices area), the housing registry (``housing``),
supply contracts (``supply``) and the readings store — through the ports below.

Import, per chunk of items (``ReadingChunkImport``), a constant number of statements:

1. the chunk's devices in one ``find_many``, their houses in one ``find_many``, the houses the
   sender does not manage in one ``supplied`` call;
2. the devices' advisory locks (PostgreSQL: two messages for one device serialize) and the last
   stored reading of each (device, resource) in one query;
3. the rules per item in order, against that snapshot plus the items already planned (a second
   reading of the same device in the chunk is compared with the first);
4. one batched insert of every accepted item.

No constraint can refuse the batch (the rows have no unique key besides their own new id), so
there is no conflict fallback; the per-object ``apply`` that ``run_import`` requires is the same
code on a one-item chunk.

Authorization: a device is the sender's to read into when its house is managed by the sender
(``housing``: house_manager_org_id) or the sender supplies every resource of the item there
(``supply``) on the day of processing; otherwise ``AUT011003``. An unknown device is
``INT002000``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from hub.areas.readings import rules
from hub.areas.readings.rules import Previous, ReadingCommand, Role, Stage, Tariffs, Verification
from hub.domain.guids import new_guid
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services.imports import ImportSession
from hub.services.ports import HousingLookup, MeteringDevice, MeteringDeviceLookup, SupplyLookup, ValueKind

#: GIS's export block: at most this many devices per answer (exportMeteringDeviceHistory)
PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class StoredReading:
    """One stored row: one resource's values of one item (a verification stores a START and an
    END row per resource). ``guid`` is the item's: every row of an item shares it."""

    guid: str
    device_root_guid: str
    device_version_guid: str
    house_guid: str
    org_id: int
    kind: ValueKind
    role: Role
    stage: Stage
    resource: str
    resource_guid: str | None
    values: Tariffs
    date_value: date
    entered_at: datetime
    period: tuple[int, int] | None = None
    verification: Verification | None = None


class ReadingRepository(Protocol):
    """Readings in the caller's transaction."""

    def lock_devices(self, root_guids: Collection[str]) -> None: ...
    def last_readings(self, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], Previous]:
        """The latest counter reading (not a volume) of each (device root GUID, NSI 2 code) given."""
        ...

    def add_many(self, rows: Sequence[StoredReading]) -> None: ...
    def history(self, root_guids: Collection[str], date_from: date, date_to: date) -> list[StoredReading]:
        """The devices' rows taken in the date range, by device, date and insertion order."""
        ...


class Registries(Protocol):
    """The other areas' registries, bound to the same transaction."""

    @property
    def meters(self) -> MeteringDeviceLookup: ...
    @property
    def housing(self) -> HousingLookup: ...
    @property
    def supply(self) -> SupplyLookup: ...


class ReadingImportSession(ImportSession, Registries, Protocol):
    @property
    def readings(self) -> ReadingRepository: ...


class ReadingExportView(Registries, Protocol):
    @property
    def readings(self) -> ReadingRepository: ...


# --- permission -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Permissions:
    """Which houses the sender manages, and which resources it supplies in the others."""

    managed: frozenset[str]
    supplied: Mapping[str, frozenset[str]]

    def allows(self, device: MeteringDevice, resources: Collection[str]) -> bool:
        if device.house_guid in self.managed:
            return True
        return bool(resources) and set(resources) <= self.supplied.get(device.house_guid, frozenset())

    def sees(self, device: MeteringDevice) -> bool:
        """Export: a managed house, or a house where the sender supplies one of the resources."""
        if device.house_guid in self.managed:
            return True
        return bool(set(device.resources) & self.supplied.get(device.house_guid, frozenset()))


def permissions(registries: Registries, sender_id: int, houses: Collection[str], on: date) -> Permissions:
    """Two queries: the houses' managers, then supply contracts in the houses not managed."""
    wanted = {h.lower() for h in houses}
    found = registries.housing.find_many(wanted) if wanted else {}
    managed = frozenset(h for h, obj in found.items() if obj.house_manager_org_id == sender_id and not obj.annulled)
    others = wanted - managed
    supplied = registries.supply.supplied(sender_id, others, on) if others else {}
    return Permissions(managed, supplied)


# --- import -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadingChunkImport:
    """``apply_chunk`` for ``run_import``: the items of one chunk of an importMeteringDeviceValues."""

    sender_id: int
    clock: Callable[[], datetime]

    def __call__(
        self,
        session: ReadingImportSession,
        items: Sequence[tuple[int, ReadingCommand]],
        _done: Mapping[int, ObjectOutcome],
    ) -> dict[int, ObjectOutcome]:
        now = self.clock()  # one reading per chunk: its items are committed together
        planned = self.plan(session, [command for _seq, command in items], now)
        outcomes: dict[int, ObjectOutcome] = {}
        rows: list[StoredReading] = []
        for (seq, command), result in zip(items, planned, strict=True):
            if isinstance(result, HubError):
                outcomes[seq] = ObjectOutcome.failed(command.transport_guid, result)
            else:
                rows.extend(result)
                outcomes[seq] = ObjectOutcome(command.transport_guid, guid=result[0].guid, update_date=now)
        session.readings.add_many(rows)
        return outcomes

    def plan(
        self, session: ReadingImportSession, commands: Sequence[ReadingCommand], now: datetime
    ) -> list[list[StoredReading] | HubError]:
        """Each command's rows to store, or the error that refuses it (steps 1–3 above)."""
        devices = session.meters.find_many({command.device_guid for command in commands})
        allowed = permissions(session, self.sender_id, {d.house_guid for d in devices.values()}, now.date())
        roots = sorted({d.root_guid for d in devices.values()})
        if roots:
            session.readings.lock_devices(roots)
        pairs = {(d.root_guid, r) for d in devices.values() for r in d.resources}
        last = session.readings.last_readings(pairs) if pairs else {}
        found = {guid: device.root_guid for guid, device in devices.items()}
        results: list[list[StoredReading] | HubError] = []
        # by root GUID now that devices are known: one device named by its root GUID in one block
        # and by a version GUID in another is one device (GUIDs as sent were marked before)
        for command in rules.mark_duplicates(commands, lambda guid: found.get(guid, guid)):
            try:
                results.append(self._plan(command, devices.get(command.device_guid), allowed, last, now))
            except HubError as exc:
                results.append(exc)
        return results

    def _plan(
        self,
        command: ReadingCommand,
        device: MeteringDevice | None,
        allowed: Permissions,
        last: dict[tuple[str, str], Previous],
        now: datetime,
    ) -> list[StoredReading]:
        """The item's rows, or HubError; ``last`` then includes them (later items see them)."""
        if device is None:
            raise HubError(E.INT002000, f"Прибор учета {command.device_guid}", where=command.where)
        resources = {rules.resource_of(device, m) for m in command.meters} if command.meters else set()
        if command.verification is not None:
            resources = {rules.resource_of(device, m) for m in (*command.verification.start, *command.verification.end)}
        if not allowed.allows(device, resources or set(device.resources)):
            raise HubError(
                E.AUT011003,
                f"Дом {device.house_guid} не находится в управлении организации, ресурс не поставляется ею",
                where=command.where,
            )
        stages = rules.check(device, command, last, now.date())
        guid = new_guid()
        rows = [
            StoredReading(
                guid=guid,
                device_root_guid=device.root_guid,
                device_version_guid=device.version_guid,
                house_guid=device.house_guid,
                org_id=self.sender_id,
                kind=command.kind,
                role=command.role,
                stage=stage,
                resource=rules.resource_of(device, meter),
                resource_guid=meter.resource_guid,
                values=meter.values,
                date_value=taken,
                entered_at=now,
                period=command.period,
                verification=command.verification,
            )
            for stage, meter, taken in stages
        ]
        if rules.is_counter(command.kind):
            for row in rows:
                last[(row.device_root_guid, row.resource)] = Previous(row.date_value, _merged(last, row))
        return rows


def _merged(last: Mapping[tuple[str, str], Previous], row: StoredReading) -> Tariffs:
    """The row's values, a tariff it does not give keeping the previous value."""
    before = last.get((row.device_root_guid, row.resource))
    if before is None:
        return row.values
    t1, t2, t3 = (new if new is not None else old for new, old in zip(row.values, before.values, strict=True))
    return (t1, t2, t3)


@dataclass(frozen=True, slots=True)
class ReadingImport:
    """``apply`` for ``run_import``: one item, planned as a one-item chunk (one code path)."""

    sender_id: int
    clock: Callable[[], datetime]

    def __call__(
        self, session: ReadingImportSession, command: ReadingCommand, _done: Mapping[int, ObjectOutcome]
    ) -> ObjectOutcome:
        now = self.clock()
        [result] = ReadingChunkImport(self.sender_id, self.clock).plan(session, [command], now)
        if isinstance(result, HubError):
            raise result
        session.readings.add_many(result)
        return ObjectOutcome(command.transport_guid, guid=result[0].guid, update_date=now)


# --- export -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """An exportMeteringDeviceHistoryRequest, decoded."""

    houses: tuple[str, ...] = ()
    cursor: str | None = None  # ExportMeteringDeviceRootGUID: the first device of the block
    device_types: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    root_guids: tuple[str, ...] = ()
    commissioned_from: date | None = None
    commissioned_to: date | None = None
    archived: bool = False
    archived_from: date | None = None  # ArchiveDateFrom/To: which archived devices (active ones stay)
    archived_to: date | None = None
    date_from: date | None = None
    date_to: date | None = None
    exclude_current_org: bool = False
    exclude_other_org: bool = False


@dataclass(frozen=True, slots=True)
class DeviceHistory:
    device: MeteringDevice
    readings: list[StoredReading] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    devices: list[DeviceHistory]
    #: PagedOutput is given (GIS: always, but when exactly one FIASHouseGuid was asked for)
    paged: bool
    next_root: str | None  # the first device of the next block; None: this is the last block


def default_range(today: date) -> tuple[date, date]:
    """GIS's defaults: from the 1st of the previous month to today."""
    first_of_month = today.replace(day=1)
    return (first_of_month - timedelta(days=1)).replace(day=1), today


def _selected(view: ReadingExportView, query: HistoryQuery) -> list[MeteringDevice]:
    if query.root_guids:
        found = view.meters.find_many(query.root_guids)
        unique = {d.root_guid: d for d in found.values()}
        devices = [d for d in unique.values() if query.archived or not d.archived]
        if query.houses:
            houses = set(query.houses)
            devices = [d for d in devices if d.house_guid in houses]
        return sorted(devices, key=lambda d: d.root_guid)
    return view.meters.select(
        house_guids=query.houses,
        device_types=query.device_types,
        resources=query.resources,
        include_archived=query.archived,
    )


def _archived_within(device: MeteringDevice, start: date | None, end: date | None) -> bool:
    """Archive-date bounds choose among archived devices; a device in service is not filtered."""
    if not device.archived or device.archived_on is None:
        return not device.archived
    return (start is None or device.archived_on >= start) and (end is None or device.archived_on <= end)


def export_history(view: ReadingExportView, sender_id: int, query: HistoryQuery, today: date) -> HistoryPage:
    """The block of devices the sender may see, from ``query.cursor`` on, with their readings in
    the date range; INT002012 when there is none. A block is at most ``PAGE_SIZE`` devices,
    except when exactly one house is asked for: GIS gives that house whole, without PagedOutput."""
    devices = _selected(view, query)
    if query.commissioned_from is not None:
        devices = [d for d in devices if d.commissioned is not None and d.commissioned >= query.commissioned_from]
    if query.commissioned_to is not None:
        devices = [d for d in devices if d.commissioned is not None and d.commissioned <= query.commissioned_to]
    if query.archived_from is not None or query.archived_to is not None:
        devices = [d for d in devices if _archived_within(d, query.archived_from, query.archived_to)]
    allowed = permissions(view, sender_id, {d.house_guid for d in devices}, today)
    visible = [d for d in devices if allowed.sees(d)]
    if query.cursor is not None:
        visible = [d for d in visible if d.root_guid >= query.cursor]
    if not visible:
        raise HubError(E.INT002012, "Приборы учета по условиям запроса не найдены")
    paged = len(query.houses) != 1  # GIS pages unless exactly one house is asked for
    block, rest = (visible[:PAGE_SIZE], visible[PAGE_SIZE:]) if paged else (visible, [])
    date_from, date_to = default_range(today)
    date_from = query.date_from or date_from
    date_to = query.date_to or date_to
    by_device: dict[str, list[StoredReading]] = {d.root_guid: [] for d in block}
    for row in view.readings.history(list(by_device), date_from, date_to):
        if query.exclude_current_org and row.org_id == sender_id:
            continue
        if query.exclude_other_org and row.org_id != sender_id:
            continue
        by_device[row.device_root_guid].append(row)
    return HistoryPage(
        devices=[DeviceHistory(d, by_device[d.root_guid]) for d in block],
        paged=paged,
        next_root=rest[0].root_guid if rest else None,
    )
