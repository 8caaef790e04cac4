"""Builders of XSD-valid requests (GIS 16.3.0.0) for the operations beyond houses and accounts.

Here: the shared helpers and versions, house management's metering devices and supply
contracts, and device metering; bills are in ``bills_instances.py``, NSI and the organization
registry (and the new services' getStateResult) in ``registry_instances.py``. Same habits as
``instances.py`` (whose ``guid`` and ``sub`` these reuse): a fresh lxml element per call,
deterministic identifiers, and every builder valid under the real GIS XSD and ours
(``tests/contract/test_fidelity.py`` proves it).
Sizes are parameters, so the tests can build requests at and over the per-request limits.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from lxml import etree

from hub import ns
from testkit.elements import SIGNED_ID, guid, sub

_GIS = "http://dom.gosuslugi.ru/schema/integration/"
BASE = ns.BASE
HM = ns.HOUSE_MANAGEMENT
DM = _GIS + "device-metering/"
BILLS = _GIS + "bills/"
NSI_COMMON = _GIS + "nsi-common/"
NSI = _GIS + "nsi/"
ORG_COMMON = _GIS + "organizations-registry-common/"
NSI_BASE = ns.NSI_BASE
ACC = ns.ACCOUNT_BASE
BILLS_BASE = ns.BILLS_BASE
PAYMENTS_BASE = _GIS + "payments-base/"
MD_BASE = ns.METERING_DEVICE_BASE
ORG_BASE = ns.ORGANIZATIONS_BASE
ORG_REG = ns.ORGANIZATIONS_REGISTRY_BASE

#: base:version values GIS 16.3.0.0 accepts (``fixed`` or the annotation's "Доступны версии").
IMPORT_METERING_DEVICE_DATA_VERSION = "11.1.0.8"  # fixed
EXPORT_METERING_DEVICE_DATA_VERSIONS = ("11.1.0.2", "14.8.0.1")
IMPORT_SUPPLY_RESOURCE_CONTRACT_VERSION = "11.3.0.5"  # fixed
EXPORT_SUPPLY_RESOURCE_CONTRACT_VERSIONS = ("11.11.0.2", "13.1.1.1")
IMPORT_METERING_DEVICE_VALUES_VERSION = "10.0.1.1"  # fixed
IMPORT_PAYMENT_DOCUMENT_VERSION = "11.2.0.16"  # fixed
EXPORT_PAYMENT_DOCUMENT_VERSIONS = ("11.2.0.10", "12.2.0.1", "13.1.0.1")
NSI_COMMON_VERSION = "10.0.1.2"  # fixed on the three nsi-common requests
IMPORT_ADDITIONAL_SERVICES_VERSION = "10.0.1.2"  # fixed
IMPORT_MUNICIPAL_SERVICES_VERSION = "11.0.0.4"  # fixed
EXPORT_DATA_PROVIDER_NSI_ITEM_VERSION = "10.0.1.2"  # fixed
ORG_REGISTRY_COMMON_VERSION = "10.0.2.1"  # fixed on both org-registry-common requests

_NSMAP = {
    "base": BASE,
    "hm": HM,
    "dm": DM,
    "b": BILLS,
    "nsi-common": NSI_COMMON,
    "nsi": NSI,
    "ro": ORG_COMMON,
    "nsi-base": NSI_BASE,
    "account-base": ACC,
    "bills-base": BILLS_BASE,
    "payments-base": PAYMENTS_BASE,
    "metering-device-base": MD_BASE,
    "organizations-base": ORG_BASE,
    "organizations-registry-base": ORG_REG,
}

Builder = Callable[[], etree._Element]


def request(namespace: str, local: str, version: str | None, *, signed_id: str | None = SIGNED_ID) -> etree._Element:
    """A request root ``{namespace}local`` with ``Id`` and ``base:version``."""
    element = etree.Element(f"{{{namespace}}}{local}", nsmap=_NSMAP)
    if signed_id is not None:
        element.set("Id", signed_id)
    if version is not None:
        element.set(f"{{{BASE}}}version", version)
    return element


def nsi_ref(parent: etree._Element, namespace: str, local: str, code: str, registry: str) -> etree._Element:
    """``{namespace}local`` of type ``nsi-base:nsiRef`` pointing at ``code`` of NSI ``registry``."""
    ref = sub(parent, namespace, local)
    sub(ref, NSI_BASE, "Code", code)
    sub(ref, NSI_BASE, "GUID", guid(f"nsi:{registry}:{code}"))
    return ref


# --- house management: metering devices ----------------------------------------------------

_PLACEMENTS = ("ResidentialPremiseDevice", "ApartmentHouseDevice", "CollectiveDevice", "LivingRoomDevice")


def _device_to_create(parent: etree._Element, i: int, seed: str) -> None:
    create = sub(parent, HM, "DeviceDataToCreate")
    basic = sub(create, HM, "BasicChatacteristicts")
    sub(basic, HM, "MeteringDeviceNumber", f"СЧ-{i + 1:06d}")
    sub(basic, HM, "MeteringDeviceStamp", "Пульсар")
    sub(basic, HM, "MeteringDeviceModel", "Пульсар-15")
    sub(basic, HM, "InstallationDate", "2023-05-10")
    sub(basic, HM, "CommissioningDate", "2023-05-15")
    sub(basic, HM, "RemoteMeteringMode", False)
    sub(basic, HM, "FirstVerificationDate", "2023-05-10")
    nsi_ref(basic, HM, "VerificationInterval", "6", "16")
    sub(basic, HM, "FactorySealDate", "2023-01-20")
    sub(basic, HM, "TemperatureSensor", False)
    sub(basic, HM, "PressureSensor", False)
    placement = sub(basic, HM, _PLACEMENTS[i % len(_PLACEMENTS)])
    if placement.tag.endswith("ResidentialPremiseDevice"):
        sub(placement, HM, "PremiseGUID", guid(f"{seed}:premises:{i}"))
    elif placement.tag.endswith("LivingRoomDevice"):
        sub(placement, HM, "LivingRoomGUID", guid(f"{seed}:room:{i}"))
    else:
        sub(placement, HM, "FIASHouseGuid", guid("apartment-house:fias"))
    if not placement.tag.endswith("CollectiveDevice"):
        sub(placement, HM, "AccountGUID", guid(f"{seed}:account:{i}"))
    sub(create, HM, "NotLinkedWithMetering", True)
    kind = i % 3
    if kind == 0:  # cold water, one value
        resource = sub(create, HM, "MunicipalResourceNotEnergy")
        nsi_ref(resource, MD_BASE, "MunicipalResource", "1", "2")
        sub(resource, MD_BASE, "MeteringValue", "12.345")
        sub(resource, HM, "Unit", "113")
    elif kind == 1:  # electricity, two tariffs
        energy = sub(create, HM, "MunicipalResourceEnergy")
        sub(energy, MD_BASE, "MeteringValueT1", "1024.5")
        sub(energy, MD_BASE, "MeteringValueT2", "512")
        sub(energy, HM, "TransformationRatio", "1")
        sub(energy, HM, "Unit", "245")
    else:  # heat, by resource
        resources = sub(create, HM, "MunicipalResources")
        nsi_ref(resources, HM, "MunicipalResource", "3", "2")
        sub(resources, HM, "Unit", "233")
        sub(resources, HM, "TariffCount", 1)


def import_metering_device_data(
    *, count: int = 6, seed: str = "devices", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importMeteringDeviceDataRequest`` (at most 100 devices): creations of four placements and
    three resource kinds, then an archiving and a replacement every sixth device."""
    root = request(HM, "importMeteringDeviceDataRequest", IMPORT_METERING_DEVICE_DATA_VERSION, signed_id=signed_id)
    sub(root, HM, "FIASHouseGuid", guid("apartment-house:fias"))
    for i in range(count):
        device = sub(root, HM, "MeteringDevice")
        sub(device, BASE, "TransportGUID", guid(f"{seed}:device:{i}"))
        if i % 6 == 4:
            update = sub(device, HM, "DeviceDataToUpdate")
            sub(update, HM, "MeteringDeviceVersionGUID", guid(f"{seed}:version:{i}"))
            nsi_ref(sub(update, HM, "ArchiveDevice"), HM, "ArchivingReason", "2", "21")
        elif i % 6 == 5:
            update = sub(device, HM, "DeviceDataToUpdate")
            sub(update, HM, "MeteringDeviceVersionGUID", guid(f"{seed}:version:{i}"))
            replace = sub(update, HM, "ReplaceDevice")
            sub(replace, HM, "VerificationDate", "2025-03-01")
            sub(replace, HM, "PlannedVerification", True)
            value = sub(replace, HM, "DeviceValueMunicipalResourceNotElectric")
            nsi_ref(value, MD_BASE, "MunicipalResource", "1", "2")
            sub(value, MD_BASE, "MeteringValue", "310.5")
            sub(replace, HM, "ReplacingMeteringDeviceVersionGUID", guid(f"{seed}:replacing:{i}"))
        else:
            _device_to_create(device, i, seed)
    return root


EXPORT_METERING_DEVICE_SELECTIONS = ("FIASHouseGuid", "MeteringDeviceRootGUID", "MeteringDeviceVersionGUID")


def export_metering_device_data(
    *, by: str = "FIASHouseGuid", version: str = "14.8.0.1", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``exportMeteringDeviceDataRequest`` by house (with filters) or by one device GUID."""
    root = request(HM, "exportMeteringDeviceDataRequest", version, signed_id=signed_id)
    if by == "FIASHouseGuid":
        sub(root, HM, "IsCurrentOrganization", True)
        sub(root, HM, "FIASHouseGuid", guid("apartment-house:fias"))
        sub(root, HM, "UpdateDateTime", "2025-01-01T00:00:00")
        nsi_ref(root, HM, "MunicipalResource", "1", "2")
        sub(root, HM, "SearchArchived", False)
    elif by in EXPORT_METERING_DEVICE_SELECTIONS:
        sub(root, HM, by, guid("devices:" + by))
    else:
        raise ValueError(f"unknown selection {by!r}")
    sub(root, HM, "IncludeFIASHouseGuid", True)
    return root


# --- house management: supply resource contracts -------------------------------------------


def _contract_body(parent: etree._Element, i: int, seed: str) -> None:
    contract = sub(parent, HM, "SupplyResourceContract")
    is_contract = sub(contract, HM, "IsContract")
    sub(is_contract, HM, "ContractNumber", f"ДРСО-{i + 1}")
    sub(is_contract, HM, "SigningDate", "2024-01-10")
    sub(is_contract, HM, "EffectiveDate", "2024-02-01")
    attachment = sub(is_contract, HM, "ContractAttachment")
    sub(attachment, BASE, "Name", "Договор.pdf")
    sub(attachment, BASE, "Description", "Скан договора")
    sub(sub(attachment, BASE, "Attachment"), BASE, "AttachmentGUID", guid(f"{seed}:file:{i}"))
    sub(attachment, BASE, "AttachmentHASH", "0" * 64)
    sub(contract, HM, "IndefiniteTerm", True)
    period = sub(contract, HM, "Period")
    sub(sub(period, HM, "Start"), HM, "StartDate", 20)
    end = sub(period, HM, "End")
    sub(end, HM, "EndDate", 25)
    sub(end, HM, "NextMonth", True)
    nsi_ref(contract, HM, "ContractBase", "1", "58")
    sub(contract, HM, "Offer", True)
    sub(contract, HM, "IsPlannedVolume", False)
    subject_key = guid(f"{seed}:subject:{i}")
    subject = sub(contract, HM, "ContractSubject")
    nsi_ref(subject, HM, "ServiceType", "1", "3")
    nsi_ref(subject, HM, "MunicipalResource", "1", "239")
    sub(subject, HM, "StartSupplyDate", "2024-02-01")
    sub(subject, BASE, "TransportGUID", subject_key)
    sub(contract, HM, "CountingResource", "R")
    sub(contract, HM, "SpecifyingQualityIndicators", "D")
    address = sub(contract, HM, "ObjectAddress")
    sub(address, HM, "HouseType", "MKD")
    sub(address, HM, "FIASHouseGuid", guid("apartment-house:fias"))
    sub(address, BASE, "TransportGUID", guid(f"{seed}:address:{i}"))
    pair = sub(address, HM, "Pair")
    sub(pair, HM, "PairKey", subject_key)
    sub(pair, HM, "StartSupplyDate", "2024-02-01")
    quality = sub(contract, HM, "Quality")
    sub(quality, HM, "PairKey", subject_key)
    nsi_ref(quality, HM, "QualityIndicator", "1", "276")
    sub(sub(quality, HM, "IndicatorValue"), HM, "Correspond", True)
    billing = sub(contract, HM, "BillingDate")
    sub(billing, HM, "Date", 1)
    sub(billing, HM, "DateType", "N")
    payment = sub(contract, HM, "PaymentDate")
    sub(payment, HM, "Date", 10)
    sub(payment, HM, "DateType", "N")


def import_supply_resource_contract(
    *, count: int = 4, seed: str = "contracts", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importSupplyResourceContractRequest`` (at most 1000 contracts): a new contract (full
    terms: subject, address pair, quality), then termination, roll-over and annulment of others."""
    root = request(
        HM, "importSupplyResourceContractRequest", IMPORT_SUPPLY_RESOURCE_CONTRACT_VERSION, signed_id=signed_id
    )
    for i in range(count):
        contract = sub(root, HM, "Contract")
        sub(contract, BASE, "TransportGUID", guid(f"{seed}:contract:{i}"))
        kind = i % 4
        if kind == 0:
            _contract_body(contract, i, seed)
            continue
        sub(contract, HM, "ContractRootGUID", guid(f"{seed}:root:{i}"))
        if kind == 1:
            terminate = sub(contract, HM, "TerminateContract")
            sub(terminate, HM, "Terminate", "2025-12-31")
            nsi_ref(terminate, HM, "ReasonRef", "1", "54")
        elif kind == 2:
            sub(sub(contract, HM, "RollOverContract"), HM, "RollOverDate", "2026-02-01")
        else:
            sub(sub(contract, HM, "AnnulmentContract"), HM, "ReasonOfAnnulment", "Ошибка ввода")
    return root


EXPORT_SUPPLY_RESOURCE_CONTRACT_SELECTIONS = ("ContractRootGUID", "ContractGUID", "criteria")


def export_supply_resource_contract(
    *, by: str = "criteria", count: int = 3, version: str = "13.1.1.1", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``exportSupplyResourceContractRequest`` by root GUIDs, version GUIDs or search criteria."""
    root = request(HM, "exportSupplyResourceContractRequest", version, signed_id=signed_id)
    if by in ("ContractRootGUID", "ContractGUID"):
        for i in range(count):
            sub(root, HM, by, guid(f"contracts:{by}:{i}"))
    elif by == "criteria":
        sub(root, HM, "ContractNumber", "ДРСО-1")
        sub(root, HM, "SigningDateStart", "2024-01-01")
        sub(root, HM, "SigningDateEnd", "2024-12-31")
        sub(root, HM, "FIASHouseGuid", guid("apartment-house:fias"))
        for i in range(count):
            subject = sub(root, HM, "ContractSubject")
            nsi_ref(subject, HM, "ServiceType", str(i + 1), "3")
            nsi_ref(subject, HM, "MunicipalResource", str(i + 1), "239")
    else:
        raise ValueError(f"unknown selection {by!r}")
    return root


# --- device metering ---------------------------------------------------------------------------


def import_metering_device_values(
    *, count: int = 3, seed: str = "readings", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importMeteringDeviceValuesRequest`` (at most 1000 devices): one-rate, electric and
    volume readings in turn, with a verification on the first device."""
    root = request(DM, "importMeteringDeviceValuesRequest", IMPORT_METERING_DEVICE_VALUES_VERSION, signed_id=signed_id)
    sub(root, DM, "FIASHouseGuid", guid("apartment-house:fias"))
    for i in range(count):
        values = sub(root, DM, "MeteringDevicesValues")
        sub(
            values,
            DM,
            "MeteringDeviceRootGUID" if i % 2 == 0 else "MeteringDeviceVersionGUID",
            guid(f"{seed}:device:{i}"),
        )
        kind = i % 3
        if kind == 0:
            device = sub(values, DM, "OneRateDeviceValue")
            current = sub(device, DM, "CurrentValue")
            nsi_ref(current, MD_BASE, "MunicipalResource", "1", "2")
            sub(current, MD_BASE, "MeteringValue", "123.4567")
            sub(current, DM, "DateValue", "2026-11-20")
            sub(current, BASE, "TransportGUID", guid(f"{seed}:value:{i}"))
            period = sub(current, DM, "Period")
            sub(period, BASE, "Year", 2026)
            sub(period, BASE, "Month", 11)
            if i == 0:
                check = sub(device, DM, "VerificationValue")
                sub(check, DM, "StartDateValue", "2026-10-01")
                sub(check, DM, "EndDateValue", "2026-10-05")
                sub(check, DM, "SealDate", "2026-10-05")
                for which, value in (("StartValue", "100"), ("EndValue", "100.5")):
                    reading = sub(check, DM, which)
                    nsi_ref(reading, MD_BASE, "MunicipalResource", "1", "2")
                    sub(reading, MD_BASE, "MeteringValue", value)
                sub(check, DM, "PlannedVerification", True)
                sub(check, BASE, "TransportGUID", guid(f"{seed}:verification:{i}"))
        elif kind == 1:
            current = sub(sub(values, DM, "ElectricDeviceValue"), DM, "CurrentValue")
            sub(current, MD_BASE, "MeteringValueT1", "5000.1")
            sub(current, MD_BASE, "MeteringValueT2", "2500")
            sub(current, DM, "DateValue", "2026-11-20")
            sub(current, BASE, "TransportGUID", guid(f"{seed}:value:{i}"))
        else:
            current = sub(sub(values, DM, "VolumeDeviceValue"), DM, "CurrentValue")
            nsi_ref(current, MD_BASE, "MunicipalResource", "3", "2")
            sub(current, MD_BASE, "MeteringValueT1", "12.5")
            sub(current, DM, "DateValue", "2026-11-20")
            sub(current, BASE, "TransportGUID", guid(f"{seed}:value:{i}"))
    return root


EXPORT_METERING_DEVICE_HISTORY_SELECTIONS = ("MeteringDeviceRootGUID", "MeteringDeviceType", "MunicipalResource")


def export_metering_device_history(
    *,
    by: str = "MeteringDeviceRootGUID",
    count: int = 3,
    houses: int = 1,
    version: str = "10.0.1.1",
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``exportMeteringDeviceHistoryRequest`` (at most 100 houses and 100 devices or NSI refs).

    The element has no ``fixed`` version and its annotation names none; 10.0.1.1 is what
    clients send (the service's getStateResult is pinned to it)."""
    root = request(DM, "exportMeteringDeviceHistoryRequest", version, signed_id=signed_id)
    for h in range(houses):
        sub(root, DM, "FIASHouseGuid", guid(f"house:{h}:fias"))
    for i in range(count):
        if by == "MeteringDeviceRootGUID":
            sub(root, DM, by, guid(f"readings:device:{i}"))
        elif by in EXPORT_METERING_DEVICE_HISTORY_SELECTIONS:
            nsi_ref(root, DM, by, str(i + 1), "27" if by == "MeteringDeviceType" else "2")
        else:
            raise ValueError(f"unknown selection {by!r}")
    sub(root, DM, "inputDateFrom", "2026-10-01")
    sub(root, DM, "inputDateTo", "2026-11-30")
    sub(root, DM, "ExcludePersonAsDataSource", True)
    return root


REQUEST_BUILDERS: dict[str, Builder] = {
    "importMeteringDeviceData-6-kinds": import_metering_device_data,
    "importMeteringDeviceData-100": lambda: import_metering_device_data(count=100),
    **{
        f"exportMeteringDeviceData-{by}-{v}": partial(export_metering_device_data, by=by, version=v)
        for by in EXPORT_METERING_DEVICE_SELECTIONS
        for v in EXPORT_METERING_DEVICE_DATA_VERSIONS
    },
    "importSupplyResourceContract-4-kinds": import_supply_resource_contract,
    "importSupplyResourceContract-1000": lambda: import_supply_resource_contract(count=1000),
    **{
        f"exportSupplyResourceContract-{by}-{v}": partial(export_supply_resource_contract, by=by, version=v)
        for by in EXPORT_SUPPLY_RESOURCE_CONTRACT_SELECTIONS
        for v in EXPORT_SUPPLY_RESOURCE_CONTRACT_VERSIONS
    },
    "exportSupplyResourceContract-ContractGUID-1000": lambda: export_supply_resource_contract(
        by="ContractGUID", count=1000
    ),
    "importMeteringDeviceValues-3-kinds": import_metering_device_values,
    "importMeteringDeviceValues-1000": lambda: import_metering_device_values(count=1000),
    **{
        f"exportMeteringDeviceHistory-{by}": partial(export_metering_device_history, by=by)
        for by in EXPORT_METERING_DEVICE_HISTORY_SELECTIONS
    },
    "exportMeteringDeviceHistory-100-houses-100-devices": lambda: export_metering_device_history(count=100, houses=100),
    "exportMeteringDeviceHistory-all-houses": lambda: export_metering_device_history(houses=0),
}
