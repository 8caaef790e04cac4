"""Rows → canonical request elements, per kind: the same XML a SOAP client signs, minus the signature.

Each mapper takes the rows of every sheet (rows with a problem are reported, not sent) and
returns batches of at most the kind's per-request limit of objects. Each object carries a new
TransportGUID, which is how its per-object result (getState's) finds its way back to its row.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from lxml import etree

from adapters.excel.kinds import ACCOUNT_TYPES, ACCOUNTS, DEVICE_KINDS, DEVICES, HOUSES, READINGS, Kind
from adapters.excel.reader import Row
from hub import ns
from hub.errors import E
from hub.services.uploads import Batch, Lookups, RowProblem, RowRef

DM, MD, BASE, NSI = ns.DEVICE_METERING, ns.METERING_DEVICE_BASE, ns.BASE, ns.NSI_BASE
HM, ACC, IND = ns.HOUSE_MANAGEMENT, ns.ACCOUNT_BASE, ns.INDIVIDUAL_REGISTRY_BASE
#: the request versions the XSD fixes for these operations
READINGS_VERSION = "10.0.1.1"
ACCOUNTS_VERSION = "10.0.1.1"
DEVICES_VERSION = "11.1.0.8"  # fixed by the XSD
#: GUIDs of NSI items for a book the hub does not hold (the hub matches NSI references by code)
_NSI_NS = uuid.UUID("0b8a8f0e-3c2f-4f7e-a1d2-6f1d2b6e9c11")
ACCOUNT_FLAGS = dict(
    zip(
        ACCOUNT_TYPES,
        ("isUOAccount", "isRSOAccount", "isCRAccount", "isRCAccount", "isOGVorOMSAccount", "isTKOAccount"),
        strict=True,
    )
)

Mapped = tuple[list[Batch], list[RowProblem]]
Rows = dict[str, Iterable[Row]]


def _sub(parent: etree._Element, namespace: str, local: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{local}")
    if text is not None:
        child.text = text
    return child


def _root(namespace: str, local: str, version: str, nsmap: dict[str, str]) -> etree._Element:
    element = etree.Element(f"{{{namespace}}}{local}", nsmap=nsmap)
    element.set(f"{{{BASE}}}version", version)
    return element


class NsiCodes:
    """One NSI book's codes → GUIDs as the hub holds them (the hub matches references by code)."""

    def __init__(self, lookups: Lookups, registry: int) -> None:
        self.registry = registry
        self.items = {code: guid for code, guid, _name in lookups.nsi_items(registry)}
        self.complete = lookups.nsi_complete(registry)

    def guid(self, code: str) -> str | None:
        """The item's GUID; None for a code a complete book lacks (a partial book keeps others)."""
        found = self.items.get(code)
        if found is None and not self.complete:
            return str(uuid.uuid5(_NSI_NS, f"{self.registry}:{code}"))
        return found


def _batches(
    kind: Kind, objects: list[tuple[RowRef, Any]], build: Callable[[Sequence[Any]], etree._Element]
) -> list[Batch]:
    """Objects in batches of the kind's limit; each batch builds its request from its objects."""
    found = []
    for start in range(0, len(objects), kind.info.limit):
        chunk = objects[start : start + kind.info.limit]
        found.append(Batch(tuple(ref for ref, _part in chunk), _Maker([part for _ref, part in chunk], build)))
    return found


class _Maker:
    """Builds a batch's request from the chosen objects (all, or one at a time)."""

    def __init__(self, parts: list[Any], build: Callable[[Sequence[Any]], etree._Element]) -> None:
        self.parts = parts
        self.build = build

    def __call__(self, indices: Sequence[int]) -> etree._Element:
        return self.build([self.parts[i] for i in indices])


def _unknown(row: Row, column: str, code: str, registry: int) -> RowProblem:
    return RowProblem(
        row.sheet, row.number, E.INT002000.code, f"{E.INT002000.text}: код {code} (НСИ {registry})", column
    )


# --- readings (показания ПУ) ----------------------------------------------------------------------


def readings(rows: Rows, lookups: Lookups) -> Mapped:
    """Rows taken a batch at a time from the stream: only the checked readings stay in memory."""
    resources = NsiCodes(lookups, 2)
    problems: list[RowProblem] = []
    objects: list[tuple[RowRef, Any]] = []
    stream = iter(rows[READINGS.main.name])
    while chunk := list(itertools.islice(stream, READINGS.info.limit)):
        good = []
        for row in chunk:
            problems.extend(row.problems)
            if not row.problems:
                good.append(row)
        devices = lookups.meters({str(r.values["device"]) for r in good})
        for row in good:
            reading = _reading(row, devices, resources, problems)
            if reading is not None:
                objects.append((RowRef(row.sheet, row.number, reading.transport), reading))
    nsmap = {"dm": DM, "base": BASE, "metering-device-base": MD, "nsi-base": NSI}

    def build(readings: Sequence[Reading]) -> etree._Element:
        request = _root(DM, "importMeteringDeviceValuesRequest", READINGS_VERSION, nsmap)
        request.extend(_block(r) for r in readings)
        return request

    return _batches(READINGS, objects, build), problems


class Reading(NamedTuple):
    """One row's reading, checked; its XML is built when its batch is sent (a 100 000-row file
    keeps tuples, not element trees, in memory)."""

    device: str
    by_version: bool
    kind: str
    resource: str | None
    resource_guid: str | None
    values: tuple[str | None, str | None, str | None]
    date: str
    transport: str


def _reading(row: Row, devices: Any, resources: NsiCodes, problems: list[RowProblem]) -> Reading | None:
    """The row's reading, its value kind from the meter the hub holds; None with a problem."""
    values = row.values
    given = str(values["device"])
    device = devices.get(given)
    resource = values.get("resource")
    if device is not None and device.consumed_volume:
        kind = "VolumeDeviceValue"
    elif device is not None and device.energy:
        kind = "ElectricDeviceValue"
    else:
        kind = "OneRateDeviceValue"
    if kind != "ElectricDeviceValue" and resource is None:
        if device is not None and device.resources:
            resource = device.resources[0]
        else:
            problems.append(
                RowProblem(
                    row.sheet, row.number, E.FMT916010.code, "«Коммунальный ресурс»: не заполнен", "Коммунальный ресурс"
                )
            )
            return None
    if kind == "ElectricDeviceValue":
        resource = None
    resource_guid = resources.guid(resource) if resource is not None else None
    if resource is not None and resource_guid is None:
        problems.append(_unknown(row, "Коммунальный ресурс", resource, 2))
        return None
    return Reading(
        device=given,
        by_version=device is not None and device.version_guid == given and device.root_guid != given,
        kind=kind,
        resource=resource,
        resource_guid=resource_guid,
        values=(values.get("t1"), values.get("t2"), values.get("t3")),
        date=str(values["date"]),
        transport=str(uuid.uuid4()),
    )


_T = {
    local: f"{{{namespace}}}{local}"
    for namespace, names in (
        (DM, ("MeteringDevicesValues", "MeteringDeviceRootGUID", "MeteringDeviceVersionGUID", "CurrentValue",
              "DateValue", "OneRateDeviceValue", "ElectricDeviceValue", "VolumeDeviceValue")),
        (MD, ("MunicipalResource", "MeteringValue", "MeteringValueT1", "MeteringValueT2", "MeteringValueT3")),
        (NSI, ("Code", "GUID")),
        (BASE, ("TransportGUID",)),
    )
    for local in names
}  # fmt: skip


def _leaf(parent: etree._Element, tag: str, text: str | None) -> None:
    etree.SubElement(parent, tag).text = text


def _block(reading: Reading) -> etree._Element:
    """The reading's ``MeteringDevicesValues`` block (tags precomputed: 100 000 blocks a file)."""
    block = etree.Element(_T["MeteringDevicesValues"])
    _leaf(block, _T["MeteringDeviceVersionGUID" if reading.by_version else "MeteringDeviceRootGUID"], reading.device)
    current = etree.SubElement(etree.SubElement(block, _T[reading.kind]), _T["CurrentValue"])
    if reading.resource is not None:
        reference = etree.SubElement(current, _T["MunicipalResource"])
        _leaf(reference, _T["Code"], reading.resource)
        _leaf(reference, _T["GUID"], reading.resource_guid)
    if reading.kind == "OneRateDeviceValue":
        _leaf(current, _T["MeteringValue"], reading.values[0])
    else:
        for tariff, value in enumerate(reading.values, start=1):
            if value is not None:
                _leaf(current, _T[f"MeteringValueT{tariff}"], value)
    _leaf(current, _T["DateValue"], reading.date)
    _leaf(current, _T["TransportGUID"], reading.transport)
    return block


# --- accounts (ЛС) ---------------------------------------------------------------------------------


def accounts(rows: Rows, lookups: Lookups) -> Mapped:
    main, places_sheet = ACCOUNTS.sheets
    problems: list[RowProblem] = []
    records: dict[str, Row] = {}
    for row in rows[main.name]:
        record = row.values.get("record")
        if record is not None and record in records:
            row.problems.append(
                RowProblem(row.sheet, row.number, E.FMT916009.code, f"«№ записи» {record} повторяется", "№ записи")
            )
        elif record is not None:
            records[record] = row
    places: dict[str, list[Row]] = {}
    for row in rows[places_sheet.name]:
        record = row.values.get("record")
        owner = records.get(record) if record is not None else None
        if owner is None and not row.problems:
            row.problems.append(
                RowProblem(row.sheet, row.number, E.FMT916009.code, f"Нет ЛС с «№ записи» {record}", "№ записи ЛС")
            )
        chosen = [k for k in ("house", "premises", "room") if row.values.get(k)]
        if len(chosen) != 1 and not row.problems:
            row.problems.append(
                RowProblem(
                    row.sheet, row.number, E.FMT916010.code,
                    "Укажите ровно одно: дом по ФИАС, помещение или комнату", "Идентификатор помещения в ГИС ЖКХ",
                )
            )  # fmt: skip
        problems.extend(row.problems)
        if owner is not None:
            places.setdefault(str(record), []).append(row)
            if row.problems and not owner.problems:
                first = row.problems[0]
                owner.problems.append(
                    RowProblem(
                        owner.sheet, owner.number, first.code, f"Лист «{row.sheet}», строка {row.number}: {first.text}"
                    )
                )
    objects: list[tuple[RowRef, Any]] = []
    for row in rows[main.name]:
        problems.extend(row.problems)
        if row.problems:
            continue
        transport = str(uuid.uuid4())
        objects.append(
            (
                RowRef(row.sheet, row.number, transport),
                _account(row, places.get(str(row.values["record"]), []), transport),
            )
        )
    nsmap = {"hm": HM, "base": BASE, "account-base": ACC, "individual-registry-base": IND}

    def build(parts: Sequence[etree._Element]) -> etree._Element:
        request = _root(HM, "importAccountRequest", ACCOUNTS_VERSION, nsmap)
        request.extend(parts)
        return request

    return _batches(ACCOUNTS, objects, build), problems


def _account(row: Row, places: list[Row], transport: str) -> etree._Element:
    values = row.values
    account = etree.Element(f"{{{HM}}}Account")
    _sub(account, HM, ACCOUNT_FLAGS[str(values["type"])], "true")
    for key, local in (("persons", "LivingPersonsNumber"), ("total", "TotalSquare"), ("living", "ResidentialSquare")):
        if values.get(key) is not None:
            _sub(account, HM, local, values[key])
    for place in places:
        accommodation = _sub(account, HM, "Accommodation")
        for key, local in (("premises", "PremisesGUID"), ("house", "FIASHouseGuid"), ("room", "LivingRoomGUID")):
            if place.values.get(key):
                _sub(accommodation, HM, local, place.values[key])
        if place.values.get("share") is not None:
            _sub(accommodation, HM, "SharePercent", place.values["share"])
    payer = _sub(account, HM, "PayerInfo")
    if values.get("renter") == "да":
        _sub(payer, HM, "IsRenter", "true")
    if values.get("surname"):
        ind = _sub(payer, HM, "Ind")
        _sub(ind, IND, "Surname", values["surname"])
        _sub(ind, IND, "FirstName", values.get("name") or "")
        if values.get("patronymic"):
            _sub(ind, IND, "Patronymic", values["patronymic"])
        if values.get("snils"):
            _sub(ind, IND, "SNILS", values["snils"])
    _sub(account, BASE, "TransportGUID", transport)
    _sub(account, ACC, "AccountNumber", values["number"])
    if values.get("account_guid"):
        _sub(account, HM, "AccountGUID", values["account_guid"])
    return account


# --- metering devices (ПУ) --------------------------------------------------------------------------

ELECTRICITY = "3"  # NSI 2: an electric meter carries MunicipalResourceEnergy (tariffs T1–T3)
_PLACE = {
    "ApartmentHouseDevice": "FIASHouseGuid",
    "CollectiveDevice": "FIASHouseGuid",
    "LivingRoomDevice": "LivingRoomGUID",
}


def devices(rows: Rows, lookups: Lookups) -> Mapped:
    resources, intervals = NsiCodes(lookups, 2), NsiCodes(lookups, 16)
    problems: list[RowProblem] = []
    objects: list[tuple[RowRef, Any]] = []
    for row in rows[DEVICES.main.name]:
        kind = DEVICE_KINDS.get(str(row.values.get("kind")))
        if kind is not None and kind != "CollectiveDevice" and not row.values.get("account") and not row.problems:
            row.problems.append(
                RowProblem(
                    row.sheet, row.number, E.FMT916010.code, "«Идентификатор ЛС»: не заполнен", "Идентификатор ЛС"
                )
            )
        for key, header, book in (
            ("resource", "Коммунальный ресурс", resources),
            ("interval", "Межповерочный интервал", intervals),
        ):
            code = row.values.get(key)
            if code is not None and not row.problems and book.guid(code) is None:
                row.problems.append(_unknown(row, header, code, book.registry))
        problems.extend(row.problems)
        if row.problems or kind is None:
            continue
        transport = str(uuid.uuid4())
        objects.append(
            (RowRef(row.sheet, row.number, transport), _device(row.values, kind, transport, resources, intervals))
        )
    nsmap = {"hm": HM, "base": BASE, "metering-device-base": MD, "nsi-base": NSI}

    def build(parts: Sequence[etree._Element]) -> etree._Element:
        request = _root(HM, "importMeteringDeviceDataRequest", DEVICES_VERSION, nsmap)
        request.extend(parts)
        return request

    return _batches(DEVICES, objects, build), problems


def _nsi(parent: etree._Element, namespace: str, local: str, code: str, book: NsiCodes) -> None:
    reference = _sub(parent, namespace, local)
    _sub(reference, NSI, "Code", code)
    _sub(reference, NSI, "GUID", book.guid(code))


def _device(
    values: dict[str, str | None], kind: str, transport: str, resources: NsiCodes, intervals: NsiCodes
) -> etree._Element:
    device = etree.Element(f"{{{HM}}}MeteringDevice")
    _sub(device, BASE, "TransportGUID", transport)
    data = _sub(device, HM, "DeviceDataToCreate")
    basic = _sub(data, HM, "BasicChatacteristicts")
    _sub(basic, HM, "MeteringDeviceNumber", values["number"])
    for key, local in (("stamp", "MeteringDeviceStamp"), ("model", "MeteringDeviceModel"),
                       ("installed", "InstallationDate"), ("commissioned", "CommissioningDate")):  # fmt: skip
        if values.get(key):
            _sub(basic, HM, local, values[key])
    _sub(basic, HM, "RemoteMeteringMode", "true" if values.get("remote") == "да" else "false")
    if values.get("verified"):
        _sub(basic, HM, "FirstVerificationDate", values["verified"])
    if values.get("interval"):
        _nsi(basic, HM, "VerificationInterval", str(values["interval"]), intervals)
    if values.get("sealed"):
        _sub(basic, HM, "FactorySealDate", values["sealed"])
    _sub(basic, HM, "TemperatureSensor", "true" if values.get("temperature") == "да" else "false")
    _sub(basic, HM, "PressureSensor", "true" if values.get("pressure") == "да" else "false")
    block = _sub(basic, HM, kind)
    _sub(block, HM, _PLACE.get(kind, "PremiseGUID"), values["place"])
    if kind != "CollectiveDevice":
        _sub(block, HM, "AccountGUID", values["account"])
    _sub(data, HM, "NotLinkedWithMetering", "true")
    resource = str(values["resource"])
    if resource == ELECTRICITY:
        energy = _sub(data, HM, "MunicipalResourceEnergy")
        for tariff in ("t1", "t2", "t3"):
            if values.get(tariff) is not None:
                _sub(energy, MD, f"MeteringValue{tariff.upper()}", values[tariff])
        if values.get("ratio") is not None:
            _sub(energy, HM, "TransformationRatio", values["ratio"])
    else:
        not_energy = _sub(data, HM, "MunicipalResourceNotEnergy")
        _nsi(not_energy, MD, "MunicipalResource", resource, resources)
        _sub(not_energy, MD, "MeteringValue", values["t1"])
        if values.get("unit"):
            _sub(not_energy, HM, "Unit", values["unit"])
    return device


# --- houses with premises (МКД) ----------------------------------------------------------------------

HOUSES_VERSION = "13.2.3.2"


def houses(rows: Rows, lookups: Lookups) -> Mapped:
    """One house a message (GIS's limit), with its residential premises: the house row and its
    premises rows are the message's objects, each with its own TransportGUID and result."""
    main, premises_sheet = HOUSES.sheets
    books = {key: NsiCodes(lookups, registry) for key, registry in (("state", 24), ("tz", 32), ("characteristic", 30))}
    problems: list[RowProblem] = []
    records: dict[str, Row] = {}
    for row in rows[main.name]:
        record = str(row.values.get("record"))
        if record in records:
            row.problems.append(
                RowProblem(row.sheet, row.number, E.FMT916009.code, f"«№ записи» {record} повторяется", "№ записи")
            )
        records.setdefault(record, row)
    premises: dict[str, list[Row]] = {}
    for row in [*rows[premises_sheet.name], *rows[main.name]]:
        for key in ("state", "tz", "characteristic"):
            code = row.values.get(key)
            if code is not None and not row.problems and books[key].guid(code) is None:
                header = next(c.header for s in HOUSES.sheets for c in s.columns if c.key == key)
                row.problems.append(_unknown(row, header, code, books[key].registry))
    for row in rows[premises_sheet.name]:
        owner = records.get(str(row.values.get("record")))
        if owner is None and not row.problems:
            row.problems.append(
                RowProblem(
                    row.sheet,
                    row.number,
                    E.FMT916009.code,
                    f"Нет дома с «№ записи» {row.values.get('record')}",
                    "№ записи дома",
                )
            )
        problems.extend(row.problems)
        if owner is not None and not row.problems:
            premises.setdefault(str(row.values["record"]), []).append(row)
    batches: list[Batch] = []
    for row in rows[main.name]:
        problems.extend(row.problems)
        if row.problems:
            continue
        refs = [RowRef(row.sheet, row.number, str(uuid.uuid4()))]
        own = premises.get(str(row.values["record"]), [])
        refs += [RowRef(p.sheet, p.number, str(uuid.uuid4())) for p in own]
        request = _house_request(row, own, refs, books)
        batches.append(Batch(tuple(refs), _Whole(request), splittable=False))
    return batches, problems


class _Whole:
    """A batch that is one object: the same request whatever rows are asked for."""

    def __init__(self, request: etree._Element) -> None:
        self.request = request

    def __call__(self, _indices: Sequence[int]) -> etree._Element:
        return self.request


def _cadastre(parent: etree._Element, number: str | None) -> None:
    if number:
        _sub(parent, HM, "CadastralNumber", number)
    else:
        _sub(parent, HM, "No_RSO_GKN_EGRP_Registered", "true")


def _house_request(house: Row, premises: list[Row], refs: list[RowRef], books: dict[str, NsiCodes]) -> etree._Element:
    values = house.values
    nsmap = {"hm": HM, "base": BASE, "nsi-base": NSI}
    request = _root(HM, "importHouseUORequest", HOUSES_VERSION, nsmap)
    element = _sub(request, HM, "ApartmentHouse")
    create = _sub(element, HM, "ApartmentHouseToCreate")
    basic = _sub(create, HM, "BasicCharacteristicts")
    _cadastre(basic, values.get("cadastral"))
    _sub(basic, HM, "FIASHouseGuid", values["fias"])
    _sub(basic, HM, "TotalSquare", values["total"])
    _nsi(basic, HM, "State", str(values["state"]), books["state"])
    _sub(basic, HM, "UsedYear", values["year"])
    _sub(basic, HM, "FloorCount", values["floors"])
    if values.get("oktmo"):
        _sub(_sub(basic, HM, "OKTMO"), BASE, "code", values["oktmo"])
    _nsi(basic, HM, "OlsonTZ", str(values["tz"]), books["tz"])
    _sub(basic, HM, "CulturalHeritage", "true" if values["heritage"] == "да" else "false")
    _sub(create, HM, "UndergroundFloorCount", values["underground"])
    _sub(create, BASE, "TransportGUID", refs[0].transport_guid)
    for entrance in sorted({int(str(p.values["entrance"])) for p in premises if p.values.get("entrance")}):
        created = _sub(element, HM, "EntranceToCreate")
        _sub(created, HM, "EntranceNum", str(entrance))
        _sub(created, BASE, "TransportGUID", str(uuid.uuid4()))
    for row, ref in zip(premises, refs[1:], strict=True):
        p = row.values
        create_p = _sub(_sub(element, HM, "ResidentialPremises"), HM, "ResidentialPremisesToCreate")
        _cadastre(create_p, p.get("cadastral"))
        _sub(create_p, HM, "PremisesNum", p["number"])
        if p.get("entrance"):
            _sub(create_p, HM, "EntranceNum", p["entrance"])
        else:
            _sub(create_p, HM, "HasNoEntrance", "true")
        if p.get("characteristic"):
            _nsi(create_p, HM, "PremisesCharacteristic", str(p["characteristic"]), books["characteristic"])
        if p.get("total"):
            _sub(create_p, HM, "TotalArea", p["total"])
        if p.get("gross"):
            _sub(create_p, HM, "GrossArea", p["gross"])
        else:
            _sub(create_p, HM, "NoGrossArea", "true")
        _sub(create_p, BASE, "TransportGUID", ref.transport_guid)
    return request


#: kind → its mapper (ПД: one more entry)
MAPPERS: dict[str, Callable[[Rows, Lookups], Mapped]] = {
    READINGS.info.kind: readings,
    ACCOUNTS.info.kind: accounts,
    DEVICES.info.kind: devices,
    HOUSES.info.kind: houses,
}
