"""XML ↔ domain for meter readings (DeviceMeteringAsync).

In: ``importMeteringDeviceValuesRequest`` → one ``ReadingCommand`` per element that carries a
``base:TransportGUID`` (CurrentValue, ControlValue, VerificationValue), and
``exportMeteringDeviceHistoryRequest`` → ``HistoryQuery``.
Out: the getStateResult children — ``ImportResult`` (base:CommonResultType, one per item; in
this service ImportResult IS the CommonResult, unlike house management's) written as text, and
``exportMeteringDeviceHistoryResult`` elements with ``PagedOutput``, shaped as GIS's own
captured answers (tests/readings/test_codec.py reads them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from lxml import etree

from hub import ns
from hub.areas.readings.rules import Meter, ReadingCommand, Role, Stage, Tariffs, Verification
from hub.areas.readings.usecase import DeviceHistory, HistoryPage, HistoryQuery, StoredReading
from hub.contract import results
from hub.contract.lexical import xs_boolean, xs_date, xs_decimal, xs_integer
from hub.domain.outcomes import ObjectOutcome
from hub.services.ports import ValueKind

DM = ns.DEVICE_METERING
MD = ns.METERING_DEVICE_BASE
BASE = ns.BASE
NSI = ns.NSI_BASE


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


_TRANSPORT = _q(BASE, "TransportGUID")
_RESOURCE = _q(MD, "MunicipalResource")
_ONE_VALUE = _q(MD, "MeteringValue")
_TARIFFS = (_q(MD, "MeteringValueT1"), _q(MD, "MeteringValueT2"), _q(MD, "MeteringValueT3"))
_KINDS = {_q(DM, kind.value): kind for kind in ValueKind}
_ROLES = {_q(DM, "CurrentValue"): Role.CURRENT, _q(DM, "ControlValue"): Role.CONTROL}


def _text(parent: etree._Element, namespace: str, local: str) -> str | None:
    value = parent.findtext(_q(namespace, local))
    return value.strip() if value is not None else None


_CODE = _q(NSI, "Code")
_GUID = _q(NSI, "GUID")
_DATE_VALUE = _q(DM, "DateValue")
_PERIOD = _q(DM, "Period")
_YEAR = _q(BASE, "Year")
_MONTH = _q(BASE, "Month")
_VERIFICATION = _q(DM, "VerificationValue")
#: value element → tariff index (a one-rate MeteringValue is T1)
_TARIFF_INDEX = {_ONE_VALUE: 0, **{tag: i for i, tag in enumerate(_TARIFFS)}}


def _ref(element: etree._Element) -> tuple[str, str | None]:
    """(Code, GUID lowercased) of an nsiRef."""
    code, guid = "", None
    for child in element:
        if child.tag == _CODE:
            code = (child.text or "").strip()
        elif child.tag == _GUID:
            guid = (child.text or "").strip().lower() or None
    return code, guid


def _scan(element: etree._Element) -> tuple[Meter, date | None, str, tuple[int, int] | None]:
    """One pass over a value element's children: (meter, DateValue, TransportGUID, Period).

    The hot path of every readings message (1000 items): each child is looked at once, by tag."""
    code: str | None = None
    guid: str | None = None
    values: list[Decimal | None] = [None, None, None]
    taken: date | None = None
    transport = ""
    period: tuple[int, int] | None = None
    for child in element:
        tag = child.tag
        index = _TARIFF_INDEX.get(tag) if isinstance(tag, str) else None
        if index is not None:
            values[index] = xs_decimal(child.text or "")
        elif tag == _RESOURCE:
            code, guid = _ref(child)
        elif tag == _DATE_VALUE:
            taken = xs_date(child.text or "")
        elif tag == _TRANSPORT:
            transport = (child.text or "").strip()
        elif tag == _PERIOD:
            period = xs_integer(child.findtext(_YEAR) or ""), xs_integer(child.findtext(_MONTH) or "")
    return Meter(code, guid, (values[0], values[1], values[2])), taken, transport, period


def _verification(element: etree._Element) -> Verification:
    reason = element.find(_q(DM, "VerificationReason"))
    code, guid = _ref(reason) if reason is not None else (None, None)
    return Verification(
        start_date=xs_date(element.findtext(_q(DM, "StartDateValue")) or ""),
        end_date=xs_date(element.findtext(_q(DM, "EndDateValue")) or ""),
        seal_date=xs_date(element.findtext(_q(DM, "SealDate")) or ""),
        start=tuple(_scan(e)[0] for e in element.iterfind(_q(DM, "StartValue"))),
        end=tuple(_scan(e)[0] for e in element.iterfind(_q(DM, "EndValue"))),
        # fixed="true": present (even empty, which the XSD fills with the fixed value) means true
        planned=element.find(_q(DM, "PlannedVerification")) is not None,
        reason_code=code,
        reason_guid=guid,
    )


_LOCAL = {
    _q(DM, "CurrentValue"): "CurrentValue",
    _q(DM, "ControlValue"): "ControlValue",
    _VERIFICATION: "VerificationValue",
}


def _items(block: etree._Element, where: str) -> Iterable[ReadingCommand]:
    device_guid = (block[0].text or "").strip().lower()
    values = block[1]
    kind = _KINDS[values.tag]
    counters: dict[str, int] = {}
    for element in values:
        local = _LOCAL.get(element.tag) if isinstance(element.tag, str) else None
        if local is None:
            continue
        counters[local] = number = counters.get(local, 0) + 1
        place = f"{where}/{kind.value}/{local}[{number}]"
        role = _ROLES.get(element.tag)
        if role is None:
            verification = _verification(element)
            transport = (element.findtext(_TRANSPORT) or "").strip()
            yield ReadingCommand(
                transport, device_guid, kind, Role.VERIFICATION, (), verification.end_date, None, verification, place
            )
            continue
        meter, taken, transport, period = _scan(element)
        if taken is None:  # required by the XSD
            raise ValueError(f"{place} without DateValue")
        if role is Role.CURRENT and period is None:
            period = (taken.year, taken.month)  # the annotation: the month of the date taken
        yield ReadingCommand(
            transport, device_guid, kind, role, (meter,), taken, period if role is Role.CURRENT else None, None, place
        )


def decode_import(request: etree._Element) -> list[ReadingCommand]:
    """Every item of the request, in document order (an item's place names its block)."""
    commands: list[ReadingCommand] = []
    for index, block in enumerate(request.iterfind(_q(DM, "MeteringDevicesValues")), start=1):
        commands.extend(_items(block, f"/importMeteringDeviceValuesRequest/MeteringDevicesValues[{index}]"))
    return commands


def import_result_fragment(outcomes: Sequence[ObjectOutcome]) -> bytes:
    """``ImportResult``\\* (base:CommonResultType), one per item, as a result fragment."""
    tns, esc = results.SERVICE_PREFIX, results.escape
    parts = [f'<hub:Result xmlns:hub="{results.RESULT_NS}" xmlns:base="{BASE}" xmlns:{tns}="{DM}">']
    add = parts.append
    for outcome in outcomes:
        add(f"<{tns}:ImportResult>")
        if outcome.guid:
            add(f"<base:GUID>{esc(outcome.guid)}</base:GUID>")
        add(f"<base:TransportGUID>{esc(outcome.transport_guid)}</base:TransportGUID>")
        if outcome.errors:
            for error in outcome.errors:
                add(
                    f"<base:Error><base:ErrorCode>{esc(error.code)}</base:ErrorCode>"
                    f"<base:Description>{esc(error.description)}</base:Description></base:Error>"
                )
        else:
            stamp = (outcome.update_date or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
            add(f"<base:UpdateDate>{stamp}</base:UpdateDate>")
        add(f"</{tns}:ImportResult>")
    add("</hub:Result>")
    return "".join(parts).encode()


# --- export -----------------------------------------------------------------------------------


def _codes(request: etree._Element, local: str) -> tuple[str, ...]:
    return tuple((e.findtext(_q(NSI, "Code")) or "").strip() for e in request.iterfind(_q(DM, local)))


def _guids(request: etree._Element, local: str) -> tuple[str, ...]:
    return tuple((e.text or "").strip().lower() for e in request.iterfind(_q(DM, local)))


def _optional(request: etree._Element, local: str, parse: Callable[[str], object]) -> object:
    value = request.findtext(_q(DM, local))
    return parse(value) if value is not None else None


def decode_export(request: etree._Element) -> HistoryQuery:
    """The filters of an exportMeteringDeviceHistoryRequest (docs/READINGS.md)."""

    def day(local: str) -> date | None:
        value = request.findtext(_q(DM, local))
        return xs_date(value) if value is not None else None

    def flag(local: str) -> bool:
        value = request.findtext(_q(DM, local))
        return value is not None and xs_boolean(value)

    cursor = _guids(request, "ExportMeteringDeviceRootGUID")
    return HistoryQuery(
        houses=_guids(request, "FIASHouseGuid"),
        cursor=cursor[0] if cursor else None,
        device_types=_codes(request, "MeteringDeviceType"),
        resources=_codes(request, "MunicipalResource"),
        root_guids=_guids(request, "MeteringDeviceRootGUID"),
        commissioned_from=day("CommissioningDateFrom"),
        commissioned_to=day("CommissioningDateTo"),
        archived=flag("SerchArchived"),
        archived_from=day("ArchiveDateFrom"),
        archived_to=day("ArchiveDateTo"),
        date_from=day("inputDateFrom"),
        date_to=day("inputDateTo"),
        exclude_current_org=flag("ExcludeCurrentOrgAsDataSource"),
        exclude_other_org=flag("ExcludeOtherOrgAsDataSource"),
    )


#: how the export names an entering organization: (orgPPAGUID, ReadingsSource) by org id
Sources = Callable[[int], tuple[str, str] | None]
#: the GUID of an NSI 2 element by code (the hub's own GUID, as its NSI exports give it)
ResourceGuids = Callable[[str], str]


class _Writer:
    def __init__(self, sources: Sources, resource_guid: ResourceGuids) -> None:
        self.sources = sources
        self.resource_guid = resource_guid

    def _sub(self, parent: etree._Element, namespace: str, local: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, _q(namespace, local))
        if text is not None:
            child.text = text
        return child

    def resource(self, parent: etree._Element, code: str, guid: str | None) -> None:
        ref = self._sub(parent, MD, "MunicipalResource")
        self._sub(ref, NSI, "Code", code)
        self._sub(ref, NSI, "GUID", guid or self.resource_guid(code))

    def values(self, parent: etree._Element, kind: ValueKind, values: Tariffs, code: str, guid: str | None) -> None:
        if kind is ValueKind.ONE_RATE:
            self.resource(parent, code, guid)
            self._sub(parent, MD, "MeteringValue", _number(values[0]))
            return
        if kind is ValueKind.VOLUME:
            self.resource(parent, code, guid)
        for tag, value in zip(("MeteringValueT1", "MeteringValueT2", "MeteringValueT3"), values, strict=True):
            if value is not None:
                self._sub(parent, MD, tag, _number(value))

    def source(self, parent: etree._Element, org_id: int | None, entered: datetime, namespace: str = MD) -> None:
        """ReadingsSource, orgPPAGUID, EnterIntoSystem: of metering-device-base in the counters'
        types, of device-metering in the volumes' (VolumeMeteringValueExportBaseType)."""
        found = self.sources(org_id) if org_id is not None else None
        if found is not None:
            self._sub(parent, namespace, "ReadingsSource", found[1])
            self._sub(parent, namespace, "orgPPAGUID", found[0])
        self._sub(parent, namespace, "EnterIntoSystem", _stamp(entered))

    def reading(self, parent: etree._Element, local: str, row: StoredReading, *, dated: bool) -> etree._Element:
        element = self._sub(parent, DM, local)
        self.values(element, row.kind, row.values, row.resource, row.resource_guid)
        self.source(element, row.org_id, row.entered_at, DM if row.kind is ValueKind.VOLUME else MD)
        if dated:
            self._sub(element, DM, "DateValue", f"{row.date_value.isoformat()}T00:00:00")
        if row.period is not None and local == "CurrentValue":
            period = self._sub(element, DM, "Period")
            self._sub(period, BASE, "Year", str(row.period[0]))
            self._sub(period, BASE, "Month", str(row.period[1]))
        return element


def _number(value: Decimal | None) -> str:
    return format(value if value is not None else Decimal(0), "f")


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _device_kind(history: DeviceHistory) -> ValueKind:
    device = history.device
    if device.consumed_volume:
        return ValueKind.VOLUME
    return ValueKind.ELECTRIC if device.energy else ValueKind.ONE_RATE


_Group = tuple[StoredReading, list[StoredReading], list[StoredReading]]


def _verifications(rows: Sequence[StoredReading]) -> list[_Group]:
    """Verification rows grouped by item: (first row, start rows, end rows)."""
    groups: dict[str, _Group] = {}
    for row in rows:
        if row.role is Role.VERIFICATION:
            _first, start, end = groups.setdefault(row.guid, (row, [], []))
            (start if row.stage is Stage.START else end).append(row)
    return list(groups.values())


def encode_history(
    page: HistoryPage, query: HistoryQuery, sources: Sources, resource_guid: ResourceGuids
) -> list[etree._Element]:
    """``exportMeteringDeviceHistoryResult`` per device, then ``PagedOutput`` when GIS gives it."""
    writer = _Writer(sources, resource_guid)
    nsmap = {"base": BASE, "metering-device-base": MD, "nsi-base": NSI}
    out: list[etree._Element] = []
    for history in page.devices:
        device = history.device
        result = etree.Element(_q(DM, "exportMeteringDeviceHistoryResult"), nsmap=nsmap)
        writer._sub(result, DM, "MeteringDeviceRootGUID", device.root_guid)
        if len(query.houses) != 1:
            writer._sub(result, DM, "FIASHouseGuid", device.house_guid)
        kind = _device_kind(history)
        block = writer._sub(result, DM, kind.value)
        if kind is ValueKind.VOLUME:
            _volume(writer, block, history.readings)
        else:
            _counter(writer, block, kind, device.base_values, history)
        if device.archive_reason is not None and device.archive_reason.guid:
            reason = writer._sub(writer._sub(result, DM, "ArchivedValues"), DM, "ArchivingReason")
            writer._sub(reason, NSI, "Code", device.archive_reason.code)
            writer._sub(reason, NSI, "GUID", device.archive_reason.guid)
            if device.archive_reason.name:
                writer._sub(reason, NSI, "Name", device.archive_reason.name)
        out.append(result)
    if page.paged:
        paged = etree.Element(_q(DM, "PagedOutput"), nsmap=nsmap)
        if page.next_root is not None:
            writer._sub(paged, DM, "ExportMeteringDeviceRootGUID", page.next_root)
        else:
            writer._sub(paged, DM, "LastPage", "true")
        out.append(paged)
    return out


def _counter(
    writer: _Writer,
    block: etree._Element,
    kind: ValueKind,
    base_values: object,
    history: DeviceHistory,
) -> None:
    device = history.device
    entered = datetime.combine(device.commissioned or date(2000, 1, 1), datetime.min.time(), UTC)
    by_resource: dict[str, list[Decimal | None]] = {}
    for (resource, tariff), value in sorted(device.base_values.items()):
        by_resource.setdefault(resource, [None, None, None])[tariff - 1] = value
    bases = list(by_resource.items())
    if kind is ValueKind.ELECTRIC:
        bases = bases[:1]
    for resource, values in bases[:3]:
        base = writer._sub(block, DM, "BaseValue")
        tariffs: Tariffs = (values[0] if values[0] is not None else Decimal(0), values[1], values[2])
        writer.values(base, kind, tariffs, resource, None)
        writer.source(base, device.owner_org_id, entered)
    section = writer._sub(block, DM, "Values")
    rows = history.readings
    for row in rows:
        if row.role is Role.CURRENT:
            writer.reading(section, "CurrentValue", row, dated=True)
    for row in rows:
        if row.role is Role.CONTROL:
            writer.reading(section, "ControlValue", row, dated=True)
    for first, start, end in _verifications(rows):
        _verification_element(writer, section, first, start, end, kind)


def _verification_element(
    writer: _Writer,
    section: etree._Element,
    first: StoredReading,
    start: list[StoredReading],
    end: list[StoredReading],
    kind: ValueKind,
) -> None:
    v = first.verification
    if v is None:
        return
    element = writer._sub(section, DM, "VerificationValue")
    writer._sub(element, DM, "StartDateValue", v.start_date.isoformat())
    writer._sub(element, DM, "EndDateValue", v.end_date.isoformat())
    writer._sub(element, DM, "SealDate", v.seal_date.isoformat())
    limit = 1 if kind is ValueKind.ELECTRIC else 3
    for local, rows in (("StartValue", start), ("EndValue", end)):
        for row in rows[:limit]:
            writer.reading(element, local, row, dated=False)
    if v.planned or v.reason_code is None:
        writer._sub(element, DM, "PlannedVerification", "true")
    else:
        reason = writer._sub(element, DM, "VerificationReason")
        writer._sub(reason, NSI, "Code", v.reason_code)
        writer._sub(reason, NSI, "GUID", v.reason_guid or writer.resource_guid(v.reason_code))


def _volume(writer: _Writer, block: etree._Element, rows: Sequence[StoredReading]) -> None:
    for row in rows:
        if row.role is Role.CURRENT:
            writer.reading(block, "CurrentValue", row, dated=True)
    for row in rows:
        if row.role is Role.CONTROL:
            writer.reading(block, "ControlValue", row, dated=True)
    for first, start, end in _verifications(rows):
        _verification_element(writer, block, first, start, end, ValueKind.VOLUME)
