"""XML ↔ domain for metering devices: importMeteringDeviceDataRequest in, exportMeteringDeviceDataResult out.

Decoding trusts the XSD (the intake validated the signed element against ours, which mirrors
GIS 16.3.0.0): absent mandatory elements cannot occur and optional ones map to None. Encoding
follows the element order of ``exportMeteringDeviceDataResultType`` and must stay valid under
the REAL contract (tests/devices check every emitted element with the real XSD). Attachments
(``Certificate``, ``ProjectRegistrationNode``) are not stored: the hub has no file store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from lxml import etree

from hub import ns
from hub.areas.devices.rules import (
    ELECTRICITY,
    Action,
    DeviceCommand,
    DeviceData,
    DeviceKind,
    Link,
    Meter,
    Patch,
    Replacement,
    ResourceForm,
)
from hub.areas.devices.usecase import Exported, Selection
from hub.contract import results
from hub.contract.lexical import xs_boolean, xs_date, xs_datetime
from hub.domain.nsi import NsiRef

HM = ns.HOUSE_MANAGEMENT
NSI = ns.NSI_BASE
BASE = ns.BASE
MD = "http://dom.gosuslugi.ru/schema/integration/metering-device-base/"


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def _h(local: str) -> str:
    return _q(HM, local)


# --- decode ---------------------------------------------------------------------------------


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else (element.text or "").strip()


def _child(element: etree._Element, local: str, namespace: str = HM) -> etree._Element | None:
    return element.find(_q(namespace, local))


def _get(element: etree._Element, local: str, namespace: str = HM) -> str | None:
    return _text(_child(element, local, namespace))


def _all(element: etree._Element, local: str, namespace: str = HM) -> tuple[str, ...]:
    return tuple((el.text or "").strip().lower() for el in element.iterfind(_q(namespace, local)))


def _bool(element: etree._Element, local: str) -> bool | None:
    value = _get(element, local)
    return None if value is None else xs_boolean(value)


def _date(element: etree._Element, local: str) -> date | None:
    value = _get(element, local)
    return None if value is None else xs_date(value)


def _ref(element: etree._Element | None) -> NsiRef | None:
    if element is None:
        return None
    return NsiRef(
        _get(element, "Code", NSI) or "", (_get(element, "GUID", NSI) or "").lower(), _get(element, "Name", NSI)
    )


def _tariffs(element: etree._Element, namespace: str) -> tuple[str, ...]:
    """``MeteringValueT1``..``T3`` (electric and volume values)."""
    found = (_get(element, f"MeteringValueT{t}", namespace) for t in (1, 2, 3))
    return tuple(v for v in found if v is not None)


def _one_rate(element: etree._Element, namespace: str) -> Meter:
    """``OneRateMeteringValueBaseType`` (and its extensions with ``Unit``)."""
    resource = _ref(_child(element, "MunicipalResource", namespace))
    assert resource is not None  # XSD: mandatory
    value = _get(element, "MeteringValue", namespace)
    return Meter(resource, (value,) if value else (), _get(element, "Unit", HM))


def _place_guids(block: etree._Element, local: str, info: str) -> tuple[str, ...]:
    guids = list(_all(block, local))
    for item in block.iterfind(_h(info)):
        guid = (_get(item, local) or "").lower()
        if guid and guid not in guids:
            guids.append(guid)
    return tuple(guids)


def _kind_fields(block: etree._Element, kind: DeviceKind) -> dict[str, object]:
    fields: dict[str, object] = {"accounts": _all(block, "AccountGUID")}
    if kind in (DeviceKind.RESIDENTIAL, DeviceKind.NON_RESIDENTIAL, DeviceKind.COLLECTIVE_APARTMENT):
        fields["premises"] = _place_guids(block, "PremiseGUID", "PremiseInfo")
    elif kind is DeviceKind.LIVING_ROOM:
        fields["rooms"] = _place_guids(block, "LivingRoomGUID", "LivingRoomInfo")
    else:
        fields["houses"] = _all(block, "FIASHouseGuid")
    if kind is DeviceKind.COLLECTIVE:
        fields["temperature_info"] = _get(block, "TemperatureSensingElementInfo")
        fields["pressure_info"] = _get(block, "PressureSensingElementInfo")
    return fields


def _link(element: etree._Element) -> Link | None:
    linked = _child(element, "LinkedWithMetering")
    if linked is None:
        return None
    return Link(_get(linked, "InstallationPlace") or "in", _all(linked, "LinkedMeteringDeviceVersionGUID", HM))


def decode_data(full: etree._Element) -> DeviceData:
    """``MeteringDeviceFullInformationType``."""
    basic = _child(full, "BasicChatacteristicts")
    assert basic is not None  # XSD: mandatory
    kind = next(k for k in DeviceKind if _child(basic, k.value) is not None)
    block = _child(basic, kind.value)
    assert block is not None
    ratio = None
    energy = _child(full, ResourceForm.ENERGY.value)
    if energy is not None:
        form = ResourceForm.ENERGY
        meters: tuple[Meter, ...] = (Meter(NsiRef(ELECTRICITY), _tariffs(energy, MD), _get(energy, "Unit")),)
        ratio = _get(energy, "TransformationRatio")
    elif _child(full, ResourceForm.NOT_ENERGY.value) is not None:
        form = ResourceForm.NOT_ENERGY
        meters = tuple(_one_rate(m, MD) for m in full.iterfind(_h(ResourceForm.NOT_ENERGY.value)))
    else:
        form = ResourceForm.RESOURCES
        items = list(full.iterfind(_h(ResourceForm.RESOURCES.value)))
        meters = tuple(
            Meter(
                _ref(_child(m, "MunicipalResource")) or NsiRef(""),
                (),
                _get(m, "Unit"),
                int(_get(m, "TariffCount") or 1),
            )
            for m in items
        )
        ratio = next((r for r in (_get(m, "TransformationRatio") for m in items) if r), None)
    return DeviceData(
        kind=kind,
        number=_get(basic, "MeteringDeviceNumber") or "",
        remote_metering=bool(_bool(basic, "RemoteMeteringMode")),
        temperature_sensor=bool(_bool(basic, "TemperatureSensor")),
        pressure_sensor=bool(_bool(basic, "PressureSensor")),
        form=form,
        meters=meters,
        stamp=_get(basic, "MeteringDeviceStamp"),
        model=_get(basic, "MeteringDeviceModel"),
        installation_date=_date(basic, "InstallationDate"),
        commissioning_date=_date(basic, "CommissioningDate"),
        remote_info=_get(basic, "RemoteMeteringInfo"),
        first_verification_date=_date(basic, "FirstVerificationDate"),
        verification_interval=_ref(_child(basic, "VerificationInterval")),
        factory_seal_date=_date(basic, "FactorySealDate"),
        consumed_volume=_bool(basic, "ConsumedVolume"),
        transformation_ratio=ratio,
        link=_link(full),
        **_kind_fields(block, kind),  # type: ignore[arg-type]
    )


def _patch(element: etree._Element) -> Patch:
    """``MeteringDeviceToUpdateAfterDevicesValuesType``."""
    collective = _child(element, "CollectiveDevice")
    meters: tuple[Meter, ...] | None = None
    ratio = None
    energy = _child(element, ResourceForm.ENERGY.value)
    if energy is not None:
        meters = (Meter(NsiRef(ELECTRICITY), _tariffs(energy, MD)),)
        ratio = _get(energy, "TransformationRatio")
    elif _child(element, ResourceForm.NOT_ENERGY.value) is not None:
        meters = tuple(_one_rate(m, MD) for m in element.iterfind(_h(ResourceForm.NOT_ENERGY.value)))
    accounts = _all(element, "AccountGUID")
    address_kind = None
    address: tuple[str, ...] = ()
    address_el = _child(element, "AddressChatacteristicts")
    if address_el is not None and len(address_el):
        block = address_el[0]
        address_kind = DeviceKind(etree.QName(block).localname)
        address = tuple(
            (el.text or "").strip().lower() for el in block if etree.QName(el).localname != "isChangeToFIASHouseGuid"
        )
    return Patch(
        number=_get(element, "MeteringDeviceNumber"),
        stamp=_get(element, "MeteringDeviceStamp"),
        model=_get(element, "MeteringDeviceModel"),
        installation_date=_date(element, "InstallationDate"),
        commissioning_date=_date(element, "CommissioningDate"),
        remote_metering=_bool(element, "RemoteMeteringMode"),
        remote_info=_get(element, "RemoteMeteringInfo"),
        temperature_sensor=_bool(element, "TemperatureSensor"),
        pressure_sensor=_bool(element, "PressureSensor"),
        temperature_info=_get(collective, "TemperatureSensorInformation") if collective is not None else None,
        pressure_info=_get(collective, "PressureSensorInformation") if collective is not None else None,
        accounts=accounts or None,
        meters=meters,
        transformation_ratio=ratio,
        first_verification_date=_date(element, "FirstVerificationDate"),
        factory_seal_date=_date(element, "FactorySealDate"),
        consumed_volume=_bool(element, "ConsumedVolume"),
        link=_link(element),
        unlink=_child(element, "NotLinkedWithMetering") is not None,
        address_kind=address_kind,
        address=address,
    )


def _replacement(element: etree._Element) -> Replacement:
    final: tuple[Meter, ...] = ()
    electric = _child(element, "DeviceValueMunicipalResourceElectric")
    if electric is not None:
        final = (Meter(NsiRef(ELECTRICITY), _tariffs(electric, MD)),)
    elif _child(element, "DeviceValueMunicipalResourceNotElectric") is not None:
        final = tuple(_one_rate(m, MD) for m in element.iterfind(_h("DeviceValueMunicipalResourceNotElectric")))
    else:
        final = tuple(
            Meter(_ref(_child(m, "MunicipalResource", MD)) or NsiRef(""), _tariffs(m, MD))
            for m in element.iterfind(_h("VolumeDeviceValues"))
        )
    return Replacement(
        verification_date=_date(element, "VerificationDate") or date.min,
        replacing_version_guid=(_get(element, "ReplacingMeteringDeviceVersionGUID") or "").lower(),
        planned=_child(element, "PlannedVerification") is not None,
        reason=_ref(_child(element, "ReasonVerification")),
        final_meters=final,
    )


def decode_device(device: etree._Element, where: str, house_hint: str | None) -> DeviceCommand:
    transport = _get(device, "TransportGUID", BASE) or ""
    create = _child(device, "DeviceDataToCreate")
    if create is not None:
        return DeviceCommand(transport, Action.CREATE, where, data=decode_data(create), house_hint=house_hint)
    update = _child(device, "DeviceDataToUpdate")
    assert update is not None  # XSD choice
    guid = (_get(update, "MeteringDeviceVersionGUID") or "").lower()
    base = DeviceCommand(
        transport, Action.CREATE, f"{where}/DeviceDataToUpdate", version_guid=guid, house_hint=house_hint
    )
    action_el = update[-1]
    action = Action(etree.QName(action_el).localname)
    if action is Action.UPDATE_BEFORE:
        return _with(base, action, data=decode_data(action_el))
    if action is Action.UPDATE_AFTER:
        return _with(base, action, patch=_patch(action_el))
    if action is Action.LINK:
        return _with(base, action, links=_all(action_el, "LinkedMeteringDeviceVersionGUID"))
    if action is Action.ARCHIVE:
        return _with(base, action, archive_reason=_ref(_child(action_el, "ArchivingReason")))
    return _with(base, action, replacement=_replacement(action_el))


def _with(command: DeviceCommand, action: Action, **changes: object) -> DeviceCommand:
    return replace(command, action=action, **changes)  # type: ignore[arg-type]


def decode_import(request: etree._Element) -> list[DeviceCommand]:
    hint = _get(request, "FIASHouseGuid")
    return [
        decode_device(
            device, f"/importMeteringDeviceDataRequest/MeteringDevice[{index}]", hint.lower() if hint else None
        )
        for index, device in enumerate(request.iterchildren(_h("MeteringDevice")), start=1)
    ]


#: an xs:dateTime without an offset is Moscow time, as GIS reads it
MOSCOW = timezone(timedelta(hours=3))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=MOSCOW)


def decode_selection(request: etree._Element) -> Selection:
    """``exportMeteringDeviceDataRequest`` as a ``Selection``."""
    root_guid = _get(request, "MeteringDeviceRootGUID")
    version_guid = _get(request, "MeteringDeviceVersionGUID")
    house = _get(request, "FIASHouseGuid")
    updated = _get(request, "UpdateDateTime")
    device_type = _ref(_child(request, "MeteringDeviceType"))
    resource = _ref(_child(request, "MunicipalResource"))
    return Selection(
        root_guid=root_guid.lower() if root_guid else None,
        version_guid=version_guid.lower() if version_guid else None,
        house_guid=house.lower() if house else None,
        current_org_only=_child(request, "IsCurrentOrganization") is not None,
        updated_since=_aware(xs_datetime(updated)) if updated else None,
        device_type=device_type.code if device_type else None,
        resource=resource.code if resource else None,
        archive_from=_date(request, "ArchiveDateFrom"),
        archive_to=_date(request, "ArchiveDateTo"),
        search_archived=bool(_bool(request, "SearchArchived")),
        commissioning_from=_date(request, "CommissioningDateFrom"),
        commissioning_to=_date(request, "CommissioningDateTo"),
    )


# --- encode ---------------------------------------------------------------------------------


def _sub(parent: etree._Element, namespace: str, local: str, text: object = None) -> etree._Element:
    child = etree.SubElement(parent, _q(namespace, local))
    if text is not None:
        child.text = ("true" if text else "false") if isinstance(text, bool) else str(text)
    return child


def _opt(parent: etree._Element, namespace: str, local: str, value: object) -> None:
    if value is not None:
        _sub(parent, namespace, local, value.isoformat() if hasattr(value, "isoformat") else value)


def _encode_ref(parent: etree._Element, local: str, ref: NsiRef, namespace: str = HM) -> None:
    el = _sub(parent, namespace, local)
    _sub(el, NSI, "Code", ref.code)
    _sub(el, NSI, "GUID", ref.guid)
    _opt(el, NSI, "Name", ref.name)


def _encode_kind(basic: etree._Element, data: DeviceData) -> None:
    block = _sub(basic, HM, data.kind.value)
    if data.kind is DeviceKind.COLLECTIVE:
        for guid in data.houses:
            _sub(block, HM, "FIASHouseGuid", guid)
        _opt(block, HM, "TemperatureSensingElementInfo", data.temperature_info)
        _opt(block, HM, "PressureSensingElementInfo", data.pressure_info)
        return
    places = {
        DeviceKind.APARTMENT_HOUSE: ("FIASHouseGuid", data.houses),
        DeviceKind.LIVING_ROOM: ("LivingRoomGUID", data.rooms),
    }.get(data.kind, ("PremiseGUID", data.premises))
    for guid in places[1]:
        _sub(block, HM, places[0], guid)
    for guid in data.accounts:
        _sub(block, HM, "AccountGUID", guid)


def _encode_basic(parent: etree._Element, data: DeviceData) -> None:
    basic = _sub(parent, HM, "BasicChatacteristicts")
    _sub(basic, HM, "MeteringDeviceNumber", data.number)
    _opt(basic, HM, "MeteringDeviceStamp", data.stamp)
    _opt(basic, HM, "MeteringDeviceModel", data.model)
    _opt(basic, HM, "InstallationDate", data.installation_date)
    _opt(basic, HM, "CommissioningDate", data.commissioning_date)
    _sub(basic, HM, "RemoteMeteringMode", data.remote_metering)
    _opt(basic, HM, "RemoteMeteringInfo", data.remote_info)
    _opt(basic, HM, "FirstVerificationDate", data.first_verification_date)
    if data.verification_interval is not None:
        _encode_ref(basic, "VerificationInterval", data.verification_interval)
    _opt(basic, HM, "FactorySealDate", data.factory_seal_date)
    _sub(basic, HM, "TemperatureSensor", data.temperature_sensor)
    _sub(basic, HM, "PressureSensor", data.pressure_sensor)
    _opt(basic, HM, "ConsumedVolume", data.consumed_volume)
    _encode_kind(basic, data)


def _encode_resources(parent: etree._Element, data: DeviceData) -> None:
    if data.form is ResourceForm.ENERGY:
        energy = _sub(parent, HM, ResourceForm.ENERGY.value)
        for tariff, value in enumerate(data.meters[0].values or ("0",), start=1):
            _sub(energy, MD, f"MeteringValueT{tariff}", value)
        _opt(energy, HM, "TransformationRatio", data.transformation_ratio)
        _opt(energy, HM, "Unit", data.meters[0].unit)
        return
    for meter in data.meters:
        el = _sub(parent, HM, data.form.value)
        if data.form is ResourceForm.NOT_ENERGY:
            _encode_ref(el, "MunicipalResource", meter.resource, MD)
            _sub(el, MD, "MeteringValue", meter.values[0] if meter.values else "0")
            _opt(el, HM, "Unit", meter.unit)
        else:
            _encode_ref(el, "MunicipalResource", meter.resource)
            _opt(el, HM, "Unit", meter.unit)
            _opt(el, HM, "TariffCount", meter.tariff_count)
            if meter.resource.code == ELECTRICITY:
                _opt(el, HM, "TransformationRatio", data.transformation_ratio)


def _datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def encode_device(exported: Exported) -> etree._Element:
    """One ``exportMeteringDeviceDataResult`` (``exportMeteringDeviceDataResultType``)."""
    device = exported.device
    data = device.data
    el = etree.Element(_h("exportMeteringDeviceDataResult"), nsmap={"hm": HM, "base": BASE, "nsi-base": NSI, "md": MD})
    _encode_basic(el, data)
    if data.link is None:
        _sub(el, HM, "NotLinkedWithMetering", True)
    else:
        linked = _sub(el, HM, "LinkedWithMetering")
        _sub(linked, HM, "InstallationPlace", data.link.place)
        for guid in data.link.versions:
            _sub(linked, HM, "LinkedMeteringDeviceVersionGUID", guid)
    _encode_resources(el, data)
    _sub(el, HM, "MeteringDeviceRootGUID", device.root_guid)
    _sub(el, HM, "StatusRootDoc", "Archival" if device.archived else "Active")
    _sub(el, HM, "MeteringDeviceVersionGUID", device.version_guid)
    _sub(el, HM, "VersionNumber", device.version_number)
    _sub(el, HM, "StatusVersion", "Active" if exported.current else "Archival")
    _sub(el, HM, "UpdateDateTime", _datetime(device.updated_at))
    _sub(el, HM, "MeteringDeviceGISGKHNumber", device.gis_number)
    return el


_EXTENSION_XML = (
    f"<{results.SERVICE_PREFIX}:importMeteringDevice>"
    f"<{results.SERVICE_PREFIX}:MeteringDeviceGUID>{{}}</{results.SERVICE_PREFIX}:MeteringDeviceGUID>"
    f"</{results.SERVICE_PREFIX}:importMeteringDevice>"
)


def import_device_extension_xml(extension: Mapping[str, str]) -> str | None:
    """``CommonResult/importMeteringDevice{MeteringDeviceGUID}``: the device's root GUID."""
    guid = extension.get("MeteringDeviceGUID")
    return None if guid is None else _EXTENSION_XML.format(results.escape(guid))
