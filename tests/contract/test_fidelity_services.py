"""The operations beyond houses and accounts: our XSD against the real GIS 16.3.0.0 one.

1. Facts: every request element we serve accepts the ``base:version`` values and has the
   per-request limits that ``REQUESTS`` states, read from the real XSD (``fixed``, the
   annotation's "Доступны версии", ``maxOccurs``). These are what an operation registry needs.
2. Instances: every builder of ``service_instances``, ``bills_instances`` and
   ``registry_instances`` validates under the real XSD and ours, and so do the real samples of
   these operations (one of which is invalid under 16.3.0.0 for both, asserted as such).
3. Mutations: a few documents per service broken in one way (order, maxOccurs limits, keys,
   facets, fixed values) are rejected by the real XSD and by ours.

"Ours" is our ``xsd/`` compiled the same way as the real contract (``tests/real_contract.py``),
so these tests do not depend on which entry files the hub's ``Schemas`` knows; what the hub
itself accepts is checked at the end.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from hub.contract.schemas import Schemas, default_xsd_dir
from testkit.elements import guid, sub
from tests.contract import bills_instances, registry_instances, service_instances
from tests.contract.comparer import load_xs
from tests.contract.service_instances import (
    BASE,
    BILLS,
    BILLS_BASE,
    DM,
    HM,
    MD_BASE,
    NSI,
    NSI_COMMON,
    ORG_BASE,
    ORG_COMMON,
)
from tests.real_contract import load_real_schema

pytestmark = pytest.mark.shared

XS = "http://www.w3.org/2001/XMLSchema"
VERSION = f"{{{BASE}}}version"


@dataclass(frozen=True)
class Request:
    """What GIS 16.3.0.0 says about one request element."""

    types: str  # the service's types XSD, relative to the contract folder
    element: str
    versions: tuple[str, ...]
    source: str  # "fixed", "annotation" or "none" (the XSD names no version)
    limits: dict[str, int] = field(default_factory=dict)  # descendant element → maxOccurs

    def __str__(self) -> str:
        return self.element


_HM = "house-management/hcs-house-management-types.xsd"
_DM = "device-metering/hcs-device-metering-types.xsd"
_BILLS = "bills/hcs-bills-types.xsd"
_NSI_COMMON = "nsi-common/hcs-nsi-common-types.xsd"
_NSI = "nsi/hcs-nsi-types.xsd"
_ORG = "organizations-registry-common/hcs-organizations-registry-common-types.xsd"

REQUESTS = (
    Request(_HM, "importMeteringDeviceDataRequest", ("11.1.0.8",), "fixed", {"MeteringDevice": 100}),
    Request(_HM, "exportMeteringDeviceDataRequest", ("11.1.0.2", "14.8.0.1"), "annotation"),
    Request(_HM, "importSupplyResourceContractRequest", ("11.3.0.5",), "fixed", {"Contract": 1000}),
    Request(
        _HM,
        "exportSupplyResourceContractRequest",
        ("11.11.0.2", "13.1.1.1"),
        "annotation",
        {"ContractRootGUID": 1000, "ContractGUID": 1000, "ContractSubject": 100},
    ),
    Request(_DM, "importMeteringDeviceValuesRequest", ("10.0.1.1",), "fixed", {"MeteringDevicesValues": 1000}),
    Request(
        _DM,
        "exportMeteringDeviceHistoryRequest",
        (),
        "none",
        {"FIASHouseGuid": 100, "MeteringDeviceType": 100, "MunicipalResource": 100, "MeteringDeviceRootGUID": 100},
    ),
    Request(
        _BILLS,
        "importPaymentDocumentRequest",
        ("11.2.0.16",),
        "fixed",
        {"PaymentDocument": 500, "WithdrawPaymentDocument": 1000},
    ),
    Request(
        _BILLS,
        "exportPaymentDocumentRequest",
        ("11.2.0.10", "12.2.0.1", "13.1.0.1"),
        "annotation",
        {"PaymentDocumentID": 1000, "UnifiedAccountNumber": 1000, "AccountGUID": 1000, "ServiceID": 1000},
    ),
    Request(_NSI_COMMON, "exportNsiListRequest", ("10.0.1.2",), "fixed"),
    Request(_NSI_COMMON, "exportNsiItemRequest", ("10.0.1.2",), "fixed"),
    Request(_NSI_COMMON, "exportNsiPagingItemRequest", ("10.0.1.2",), "fixed"),
    Request(
        _NSI,
        "importAdditionalServicesRequest",
        ("10.0.1.2",),
        "fixed",
        {
            "ImportAdditionalServiceType": 1000,
            "RecoverAdditionalServiceType": 1000,
            "DeleteAdditionalServiceType": 1000,
        },
    ),
    Request(
        _NSI,
        "importMunicipalServicesRequest",
        ("11.0.0.4",),
        "fixed",
        {"ImportMainMunicipalService": 1000, "RecoverMainMunicipalService": 1000, "DeleteMainMunicipalService": 1000},
    ),
    Request(_NSI, "exportDataProviderNsiItemRequest", ("10.0.1.2",), "fixed"),
    Request(_ORG, "exportOrgRegistryRequest", ("10.0.2.1",), "fixed", {"SearchCriteria": 100}),
    Request(_ORG, "exportDataProviderRequest", ("10.0.2.1",), "fixed"),
)

#: exportMeteringDeviceHistoryRequest: 16.3.0.0 pins no version and names none; clients send this
#: one (GIS rejects others, by client developers' comments), and the builder uses it.
EXPORT_METERING_DEVICE_HISTORY_VERSION = "10.0.1.1"

BUILDERS = {
    **service_instances.REQUEST_BUILDERS,
    **bills_instances.REQUEST_BUILDERS,
    **registry_instances.REQUEST_BUILDERS,
    **registry_instances.STATE_BUILDERS,
}


def _reparsed(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _errors(element: etree._Element, contract: Path) -> list[str]:
    schema = load_real_schema(contract)
    if schema.validate(element):
        return []
    return [f"line {e.line}: {e.path}: {e.message}" for e in schema.error_log]


# --- facts ---------------------------------------------------------------------------------


def _real_declaration(real_contract: Path, request: Request) -> etree._Element:
    root = etree.parse(str(real_contract / request.types)).getroot()
    element = root.find(f"{{{XS}}}element[@name='{request.element}']")
    assert element is not None
    return element


@pytest.mark.parametrize("request_", REQUESTS, ids=str)
def test_accepted_versions_are_the_real_contracts(request_: Request, real_contract: Path) -> None:
    element = _real_declaration(real_contract, request_)
    [use] = [a for a in element.iter(f"{{{XS}}}attribute") if a.get("ref") == "base:version"]
    assert use.get("use") == "required"
    text = " ".join(element.findtext(f"{{{XS}}}annotation/{{{XS}}}documentation", "").split())
    named = tuple(re.findall(r"\d+\.\d+\.\d+\.\d+", text.partition("верси")[2]))
    if request_.source == "fixed":
        assert (use.get("fixed"),) == request_.versions
    elif request_.source == "annotation":
        assert use.get("fixed") is None and named == request_.versions
    else:
        assert use.get("fixed") is None and named == () == request_.versions


@pytest.mark.parametrize("request_", [r for r in REQUESTS if r.limits], ids=str)
def test_per_request_limits_are_the_real_contracts(request_: Request, real_contract: Path) -> None:
    schema = load_xs(real_contract / request_.types)
    found: dict[str, set[int | None]] = {}
    for element in schema.elements[request_.element].iter():
        found.setdefault(element.local_name, set()).add(element.max_occurs)
    assert {name: found.get(name) for name in request_.limits} == {n: {m} for n, m in request_.limits.items()}


def test_every_request_we_serve_has_a_builder() -> None:
    built = {etree.QName(b()).localname for b in BUILDERS.values()}
    assert {r.element for r in REQUESTS} <= built
    assert service_instances.export_metering_device_history().get(VERSION) == EXPORT_METERING_DEVICE_HISTORY_VERSION


# --- instances valid under both ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_instance_is_valid_under_real_and_our_xsd(name: str, real_contract: Path) -> None:
    element = _reparsed(BUILDERS[name]())
    assert _errors(element, real_contract) == []
    assert _errors(element, default_xsd_dir()) == []
    request = next((r for r in REQUESTS if r.element == etree.QName(element).localname), None)
    if request is not None and request.versions:
        assert element.get(VERSION) in request.versions


def _envelope_parts(path: Path) -> dict[str, etree._Element]:
    """Header and Body children of a sample, by local name, reparsed on their own."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    return {
        etree.QName(child).localname: _reparsed(child) for part in root for child in part if isinstance(child.tag, str)
    }


SAMPLES = {
    "gisexchanger_org-registry-common_exportOrgRegistry_request_v10.0.2.1.xml": (
        "RequestHeader",
        "exportOrgRegistryRequest",
    ),
    **{
        f"gisexchanger_device-metering_getState_response_exportMeteringDeviceHistoryResult_{x}.xml": (
            "ResultHeader",
            "getStateResult",
        )
        for x in "abc"
    },
}


@pytest.mark.parametrize("filename", sorted(SAMPLES))
def test_real_sample_is_valid_under_real_and_our_xsd(filename: str, gis_samples: Path, real_contract: Path) -> None:
    parts = _envelope_parts(gis_samples / filename)
    assert sorted(parts) == sorted(SAMPLES[filename])
    for element in parts.values():
        assert _errors(element, real_contract) == []
        assert _errors(element, default_xsd_dir()) == []


PAYMENT_SAMPLE = "gisexchanger_bills_importPaymentDocumentData_request_signed_v11.2.0.16.xml"


def test_the_2018_payment_document_sample_is_invalid_under_16_3_and_ours_alike(
    gis_samples: Path, real_contract: Path
) -> None:
    """It sends PaymentInformation with WithdrawPaymentDocument. In 16.3.0.0 (and 14.4.0.1)
    withdrawals are the other branch of a choice, without PaymentInformation or a period: the
    schema changed since 2018. Both contracts refuse it at the same element; without that
    PaymentInformation, the rest (signature, 157 withdrawals) is valid under both."""
    parts = _envelope_parts(gis_samples / PAYMENT_SAMPLE)
    assert _errors(parts["RequestHeader"], real_contract) == _errors(parts["RequestHeader"], default_xsd_dir()) == []
    request = parts["importPaymentDocumentRequest"]
    assert request.get(VERSION) == "11.2.0.16"
    real, ours = _errors(request, real_contract), _errors(request, default_xsd_dir())
    assert real and real == ours
    assert "PaymentInformation': This element is not expected" in real[0]
    assert "WithdrawPaymentDocument" in real[0]
    request.remove(request.find(f"{{{BILLS}}}PaymentInformation"))  # type: ignore[arg-type]
    assert len(request.findall(f"{{{BILLS}}}WithdrawPaymentDocument")) == 157
    assert _errors(request, real_contract) == _errors(request, default_xsd_dir()) == []


# --- mutations: both reject ----------------------------------------------------------------

Mutation = Callable[[], etree._Element]


def _first(element: etree._Element, namespace: str, local: str) -> etree._Element:
    found = element.find(f".//{{{namespace}}}{local}")
    assert found is not None, local
    return found


def _devices_101() -> etree._Element:
    return service_instances.import_metering_device_data(count=101)


def _device_fias_after_devices() -> etree._Element:
    doc = service_instances.import_metering_device_data(count=2)
    doc.append(_first(doc, HM, "FIASHouseGuid"))  # FIASHouseGuid moved after the devices
    return doc


def _contracts_1001() -> etree._Element:
    return service_instances.import_supply_resource_contract(count=1001)


def _pair_key_without_subject() -> etree._Element:
    doc = service_instances.import_supply_resource_contract(count=1)
    _first(doc, HM, "PairKey").text = guid("no such subject")  # keyref PairTransportGUIDKeyRef
    return doc


def _same_subject_twice() -> etree._Element:
    doc = service_instances.import_supply_resource_contract(count=1)
    subject = _first(doc, HM, "ContractSubject")
    twin = copy.deepcopy(subject)
    _first(twin, BASE, "TransportGUID").text = guid("twin subject")
    subject.addnext(twin)  # key ServiceTypeAndMunicipalResource
    return doc


def _export_contract_subjects_101() -> etree._Element:
    return service_instances.export_supply_resource_contract(by="criteria", count=101)


def _values_1001() -> etree._Element:
    return service_instances.import_metering_device_values(count=1001)


def _four_current_values() -> etree._Element:
    doc = service_instances.import_metering_device_values(count=1)
    current = _first(doc, DM, "CurrentValue")
    for i in range(3):
        twin = copy.deepcopy(current)
        _first(twin, BASE, "TransportGUID").text = guid(f"extra value {i}")
        current.addnext(twin)  # OneRateDeviceValue/CurrentValue: maxOccurs 3
    return doc


def _month_before_year() -> etree._Element:
    doc = service_instances.import_metering_device_values(count=1)
    period = _first(doc, DM, "Period")
    period.append(period[0])  # Year moved after Month
    return doc


def _metering_value_with_comma() -> etree._Element:
    doc = service_instances.import_metering_device_values(count=1)
    _first(doc, MD_BASE, "MeteringValue").text = "123,45"
    return doc


def _history_devices_101() -> etree._Element:
    return service_instances.export_metering_device_history(count=101)


def _history_houses_101() -> etree._Element:
    return service_instances.export_metering_device_history(houses=101)


def _payment_documents_501() -> etree._Element:
    return bills_instances.import_payment_document(count=501)


def _withdrawals_1001() -> etree._Element:
    return bills_instances.withdraw_payment_document(count=1001)


def _withdrawal_with_payment_information() -> etree._Element:
    doc = bills_instances.import_payment_document(count=1)
    withdraw = bills_instances.withdraw_payment_document(count=1)[0]
    doc.append(withdraw)  # the 2018 shape: a choice now
    return doc


def _unknown_payment_information_key() -> etree._Element:
    doc = bills_instances.import_payment_document(count=1)
    keys = doc.findall(f"{{{BILLS}}}PaymentDocument/{{{BILLS}}}PaymentInformationKey")
    keys[0].text = guid("no such account")  # keyref PaymentInformationGUIDKeyRef
    return doc


def _payment_document_id_17() -> etree._Element:
    doc = bills_instances.withdraw_payment_document(count=1)
    _first(doc, BILLS_BASE, "PaymentDocumentID").text = "00АЕ144853-03-811"
    return doc


def _export_document_ids_1001() -> etree._Element:
    return bills_instances.export_payment_document(by="PaymentDocumentID", count=1001)


def _page_zero() -> etree._Element:
    return registry_instances.export_nsi_paging_item(page=0)


def _registry_number_11_digits() -> etree._Element:
    return registry_instances.export_nsi_item(registry=10**10)


def _unknown_list_group() -> etree._Element:
    return registry_instances.export_nsi_list(group="NSIXX")


def _additional_services_1001() -> etree._Element:
    return registry_instances.import_additional_services(count=1001, recover=0, delete=0)


def _okei_and_free_unit() -> etree._Element:
    doc = registry_instances.import_additional_services(count=1, recover=0, delete=0)
    sub(doc[0], NSI, "StringDimensionUnit", "шт")  # choice: one of the two
    return doc


def _duplicate_transport_guid_nsi() -> etree._Element:
    doc = registry_instances.import_municipal_services(count=2)
    guids = list(doc.iter(f"{{{BASE}}}TransportGUID"))
    guids[1].text = guids[0].text
    return doc


def _provider_registry_not_served() -> etree._Element:
    return registry_instances.export_data_provider_nsi_item(registry=2)  # only 1, 51, 59, 219, …


def _criteria_101() -> etree._Element:
    return registry_instances.export_org_registry(count=101)


def _ogrn_12_digits() -> etree._Element:
    doc = registry_instances.export_org_registry(count=1)
    _first(doc, ORG_BASE, "OGRN").text = "102770000000"
    return doc


def _date_before_criteria() -> etree._Element:
    doc = registry_instances.export_org_registry(count=2)
    date = _first(doc, ORG_COMMON, "lastEditingDateFrom")
    doc.insert(0, date)
    return doc


def _is_actual_false() -> etree._Element:
    doc = registry_instances.export_data_provider()
    _first(doc, ORG_COMMON, "IsActual").text = "false"  # fixed="true"
    return doc


MUTATIONS: dict[str, Mutation] = {
    "importMeteringDeviceData: 101 devices (maxOccurs 100)": _devices_101,
    "importMeteringDeviceData: FIASHouseGuid after the devices": _device_fias_after_devices,
    "importSupplyResourceContract: 1001 contracts (maxOccurs 1000)": _contracts_1001,
    "importSupplyResourceContract: PairKey naming no ContractSubject (keyref)": _pair_key_without_subject,
    "importSupplyResourceContract: same service and resource twice (key)": _same_subject_twice,
    "exportSupplyResourceContract: 101 ContractSubject (maxOccurs 100)": _export_contract_subjects_101,
    "importMeteringDeviceValues: 1001 devices (maxOccurs 1000)": _values_1001,
    "importMeteringDeviceValues: 4 one-rate CurrentValue (maxOccurs 3)": _four_current_values,
    "importMeteringDeviceValues: Month before Year": _month_before_year,
    "importMeteringDeviceValues: decimal comma in MeteringValue": _metering_value_with_comma,
    "exportMeteringDeviceHistory: 101 devices (maxOccurs 100)": _history_devices_101,
    "exportMeteringDeviceHistory: 101 houses (maxOccurs 100)": _history_houses_101,
    "importPaymentDocument: 501 documents (maxOccurs 500)": _payment_documents_501,
    "importPaymentDocument: 1001 withdrawals (maxOccurs 1000)": _withdrawals_1001,
    "importPaymentDocument: withdrawal beside documents (choice)": _withdrawal_with_payment_information,
    "importPaymentDocument: PaymentInformationKey naming no account (keyref)": _unknown_payment_information_key,
    "importPaymentDocument: PaymentDocumentID of 17 characters": _payment_document_id_17,
    "exportPaymentDocument: 1001 PaymentDocumentID (maxOccurs 1000)": _export_document_ids_1001,
    "exportNsiPagingItem: Page 0": _page_zero,
    "exportNsiItem: RegistryNumber of 11 digits": _registry_number_11_digits,
    "exportNsiList: unknown ListGroup": _unknown_list_group,
    "importAdditionalServices: 1001 services (maxOccurs 1000)": _additional_services_1001,
    "importAdditionalServices: OKEI and a free-text unit (choice)": _okei_and_free_unit,
    "importMunicipalServices: duplicate TransportGUID (xs:key)": _duplicate_transport_guid_nsi,
    "exportDataProviderNsiItem: registry 2 (not a provider's book)": _provider_registry_not_served,
    "exportOrgRegistry: 101 SearchCriteria (maxOccurs 100)": _criteria_101,
    "exportOrgRegistry: OGRN of 12 digits": _ogrn_12_digits,
    "exportOrgRegistry: lastEditingDateFrom before the criteria": _date_before_criteria,
    "exportDataProvider: IsActual false (fixed true)": _is_actual_false,
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_mutation_is_rejected_by_real_and_our_xsd(name: str, real_contract: Path) -> None:
    element = _reparsed(MUTATIONS[name]())
    real = _errors(element, real_contract)
    assert real, "the real XSD accepts it: not a mutation"
    assert _errors(element, default_xsd_dir()) == real  # refused for the same reason, at the same place
    assert not Schemas.load().is_valid(element)


#: libxml2 ignores ``fixed`` on ``xs:attribute ref="base:version" fixed=…`` (GIS's Xerces does
#: not): a wrong version is refused by a conformant validator (xmlschema) under both contracts.
WRONG_VERSIONS: dict[str, tuple[str, Mutation]] = {
    "importMeteringDeviceValuesRequest 10.0.1.2": (_DM, service_instances.import_metering_device_values),
    "exportNsiItemRequest 10.0.1.1": (_NSI_COMMON, registry_instances.export_nsi_item),
    "importMunicipalServicesRequest 10.0.1.2": (_NSI, registry_instances.import_municipal_services),
    "exportOrgRegistryRequest 10.0.1.1": (_ORG, registry_instances.export_org_registry),
    "getStateResult (nsi-common) 10.0.1.1": (_NSI_COMMON, lambda: registry_instances.get_state_error(NSI_COMMON)),
}


@pytest.mark.parametrize("name", list(WRONG_VERSIONS))
def test_a_version_other_than_the_fixed_one_is_refused_by_both(name: str, real_contract: Path) -> None:
    types, build = WRONG_VERSIONS[name]
    element = build()
    element.set(VERSION, name.rpartition(" ")[2])
    data = etree.tostring(element)
    assert load_real_schema(real_contract).validate(_reparsed(element)), "libxml2 learned fixed attributes"
    assert not load_xs(real_contract / types).is_valid(data)
    assert not load_xs(default_xsd_dir() / types).is_valid(data)
    assert not Schemas.load().is_valid(element)


# --- what the hub's own gatekeeper accepts -------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_hubs_schemas_accept_the_instance(name: str) -> None:
    Schemas.load().validate(_reparsed(BUILDERS[name]()))
