"""Builders of XSD-valid NSI and organization-registry requests, and of every new service's
``getStateResult`` (GIS 16.3.0.0).

The request builders cover nsi-common (public books), nsi (an organization's own books) and
organizations-registry-common. The ``getStateResult`` builders are what the hub will answer
for these services and for device metering and bills; each is valid under the real XSD too,
with the ``base:version`` GIS pins for that service (``GET_STATE_RESULT_VERSIONS``).
"""

from __future__ import annotations

from functools import partial

from lxml import etree

from testkit.elements import SIGNED_ID, guid, sub
from tests.contract.instances import common_result
from tests.contract.service_instances import (
    BASE,
    BILLS,
    DM,
    NSI,
    NSI_BASE,
    NSI_COMMON,
    NSI_COMMON_VERSION,
    ORG_BASE,
    ORG_COMMON,
    ORG_REG,
    ORG_REGISTRY_COMMON_VERSION,
    Builder,
    nsi_ref,
    request,
)

#: getStateResult/@base:version per service namespace (``fixed`` in each service's XSD)
GET_STATE_RESULT_VERSIONS = {
    DM: "10.0.1.1",
    BILLS: "10.0.1.1",
    NSI_COMMON: "10.0.1.2",
    NSI: "10.0.1.2",
    ORG_COMMON: "10.0.2.1",
}


# --- nsi-common ----------------------------------------------------------------------------


def export_nsi_list(*, group: str | None = "NSI", signed_id: str | None = SIGNED_ID) -> etree._Element:
    """``exportNsiListRequest``: the list of public books (``NSI`` or ``NSIRAO``; optional)."""
    root = request(NSI_COMMON, "exportNsiListRequest", NSI_COMMON_VERSION, signed_id=signed_id)
    if group is not None:
        sub(root, NSI_BASE, "ListGroup", group)
    return root


def export_nsi_item(
    *, registry: int = 95, modified_after: str | None = "2026-01-01T00:00:00", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``exportNsiItemRequest``: one public book, optionally only what changed since a moment."""
    root = request(NSI_COMMON, "exportNsiItemRequest", NSI_COMMON_VERSION, signed_id=signed_id)
    sub(root, NSI_COMMON, "RegistryNumber", registry)
    sub(root, NSI_BASE, "ListGroup", "NSI")
    if modified_after is not None:
        sub(root, NSI_COMMON, "ModifiedAfter", modified_after)
    return root


def export_nsi_paging_item(*, registry: int = 2, page: int = 1, signed_id: str | None = SIGNED_ID) -> etree._Element:
    """``exportNsiPagingItemRequest``: one page (from 1) of a public book."""
    root = request(NSI_COMMON, "exportNsiPagingItemRequest", NSI_COMMON_VERSION, signed_id=signed_id)
    sub(root, NSI_COMMON, "RegistryNumber", registry)
    sub(root, NSI_BASE, "ListGroup", "NSI")
    sub(root, NSI_COMMON, "Page", page)
    return root


# --- nsi (the provider's own books) --------------------------------------------------------


def import_additional_services(
    *, count: int = 3, recover: int = 1, delete: int = 1, seed: str = "nsi1", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importAdditionalServicesRequest`` (book 1): ``count`` services to add (at most 1000 of
    each kind), alternating OKEI and free-text units, then recoveries and deletions."""
    root = request(NSI, "importAdditionalServicesRequest", "10.0.1.2", signed_id=signed_id)
    for i in range(count):
        service = sub(root, NSI, "ImportAdditionalServiceType")
        sub(service, BASE, "TransportGUID", guid(f"{seed}:add:{i}"))
        sub(service, NSI, "AdditionalServiceTypeName", f"Домофон {i + 1}")
        if i % 2:
            sub(service, NSI, "StringDimensionUnit", "абонент")
        else:
            sub(service, BASE, "OKEI", "A056")
    for kind, n in (("RecoverAdditionalServiceType", recover), ("DeleteAdditionalServiceType", delete)):
        for i in range(n):
            element = sub(root, NSI, kind)
            sub(element, BASE, "TransportGUID", guid(f"{seed}:{kind}:{i}"))
            sub(element, NSI, "ElementGuid", guid(f"{seed}:element:{kind}:{i}"))
    return root


def import_municipal_services(
    *, count: int = 2, seed: str = "nsi51", signed_id: str | None = SIGNED_ID
) -> etree._Element:
    """``importMunicipalServicesRequest`` (book 51): ``count`` main municipal services to add
    (at most 1000), then one recovery and one deletion."""
    root = request(NSI, "importMunicipalServicesRequest", "11.0.0.4", signed_id=signed_id)
    for i in range(count):
        service = sub(root, NSI, "ImportMainMunicipalService")
        sub(service, BASE, "TransportGUID", guid(f"{seed}:add:{i}"))
        nsi_ref(service, NSI, "MunicipalServiceRef", str(i + 1), "3")
        sub(service, NSI, "SelfProduced", False)
        sub(service, NSI, "MainMunicipalServiceName", f"Холодное водоснабжение {i + 1}")
        nsi_ref(service, NSI, "MunicipalResourceRef", str(i + 1), "2")
        sub(service, BASE, "OKEI", "113")
        if i % 2:
            sub(service, NSI, "SortOrderNotDefined", True)
        else:
            sub(service, NSI, "SortOrder", str(i + 1))
    recover = sub(root, NSI, "RecoverMainMunicipalService")
    sub(recover, BASE, "TransportGUID", guid(f"{seed}:recover"))
    sub(recover, NSI, "ElementGuid", guid(f"{seed}:element:recover"))
    sub(recover, NSI, "HierarchyRecover", True)
    delete = sub(root, NSI, "DeleteMainMunicipalService")
    sub(delete, BASE, "TransportGUID", guid(f"{seed}:delete"))
    sub(delete, NSI, "ElementGuid", guid(f"{seed}:element:delete"))
    return root


DATA_PROVIDER_REGISTRIES = (1, 51, 59, 219, 272, 302, 337)


def export_data_provider_nsi_item(*, registry: int = 1, signed_id: str | None = SIGNED_ID) -> etree._Element:
    """``exportDataProviderNsiItemRequest``: one of the provider's books (``DATA_PROVIDER_REGISTRIES``)."""
    root = request(NSI, "exportDataProviderNsiItemRequest", "10.0.1.2", signed_id=signed_id)
    sub(root, NSI, "RegistryNumber", registry)
    sub(root, NSI, "ModifiedAfter", "2026-01-01T00:00:00")
    return root


# --- organizations-registry-common ---------------------------------------------------------

ORG_SEARCH_KINDS = ("OGRN", "OGRNIP", "NZA", "orgVersionGUID", "orgRootEntityGUID", "orgPPAGUID")


def export_org_registry(*, count: int = 6, signed_id: str | None = SIGNED_ID) -> etree._Element:
    """``exportOrgRegistryRequest`` with ``count`` search criteria (at most 100), cycling
    through OGRN+KPP, OGRNIP, NZA and the three GUIDs."""
    root = request(ORG_COMMON, "exportOrgRegistryRequest", ORG_REGISTRY_COMMON_VERSION, signed_id=signed_id)
    for i in range(count):
        criteria = sub(root, ORG_COMMON, "SearchCriteria")
        kind = ORG_SEARCH_KINDS[i % len(ORG_SEARCH_KINDS)]
        if kind == "OGRN":
            sub(criteria, ORG_BASE, "OGRN", f"{1027700000000 + i}")
            sub(criteria, ORG_BASE, "KPP", "770101001")
        elif kind == "OGRNIP":
            sub(criteria, ORG_BASE, "OGRNIP", f"{304770000000000 + i}")
        elif kind == "NZA":
            sub(criteria, ORG_BASE, "NZA", f"{10000000000 + i}")
        elif kind == "orgPPAGUID":
            sub(criteria, ORG_COMMON, kind, guid(f"org:ppa:{i}"))
        else:
            sub(criteria, ORG_REG, kind, guid(f"org:{kind}:{i}"))
        if i == 0:
            sub(criteria, ORG_COMMON, "isRegistered", True)
    sub(root, ORG_COMMON, "lastEditingDateFrom", "2026-01-01")
    return root


def export_data_provider(*, actual_only: bool = True, signed_id: str | None = SIGNED_ID) -> etree._Element:
    """``exportDataProviderRequest``: the providers of the calling information system."""
    root = request(ORG_COMMON, "exportDataProviderRequest", ORG_REGISTRY_COMMON_VERSION, signed_id=signed_id)
    if actual_only:
        sub(root, ORG_COMMON, "IsActual", True)
    return root


# --- getStateResult of the new services ----------------------------------------------------


def get_state(namespace: str, *, request_state: int = 3, message: str = "message") -> etree._Element:
    """A service's ``getStateResult`` with its fixed version, RequestState and MessageGUID."""
    result = request(namespace, "getStateResult", GET_STATE_RESULT_VERSIONS[namespace])
    sub(result, BASE, "RequestState", request_state)
    sub(result, BASE, "MessageGUID", guid(message))
    return result


def get_state_error(
    namespace: str, *, code: str = "INT002012", text: str = "Нет объектов для экспорта"
) -> etree._Element:
    result = get_state(namespace)
    error = sub(result, BASE, "ErrorMessage")
    sub(error, BASE, "ErrorCode", code)
    sub(error, BASE, "Description", text)
    return result


def get_state_import_result(namespace: str, *, successes: int = 2, failures: int = 1) -> etree._Element:
    """``ImportResult`` of type ``base:CommonResultType`` (device metering, bills, nsi)."""
    result = get_state(namespace)
    for i in range(successes + failures):
        common_result(result, namespace, "ImportResult", i, failed=i >= successes)
    return result


def get_state_nsi_list() -> etree._Element:
    result = get_state(NSI_COMMON)
    listing = sub(result, NSI_COMMON, "NsiList")
    sub(listing, NSI_BASE, "Created", "2026-11-22T12:00:00")
    for number, name in ((2, "Вид коммунального ресурса"), (95, "Документ, удостоверяющий личность")):
        info = sub(listing, NSI_BASE, "NsiItemInfo")
        sub(info, NSI_BASE, "RegistryNumber", number)
        sub(info, NSI_BASE, "Name", name)
        sub(info, NSI_BASE, "Modified", "2026-01-15T10:00:00")
    sub(listing, NSI_BASE, "ListGroup", "NSI")
    return result


def get_state_nsi_item(namespace: str = NSI_COMMON, *, registry: int = 95) -> etree._Element:
    result = get_state(namespace)
    item = sub(result, namespace, "NsiItem")
    sub(item, NSI_BASE, "NsiItemRegistryNumber", registry)
    sub(item, NSI_BASE, "Created", "2026-11-22T12:00:00")
    element = sub(item, NSI_BASE, "NsiElement")
    sub(element, NSI_BASE, "Code", "1")
    sub(element, NSI_BASE, "GUID", guid(f"nsi:{registry}:1"))
    sub(element, NSI_BASE, "Modified", "2026-01-15T10:00:00")
    sub(element, NSI_BASE, "IsActual", True)
    field = sub(element, NSI_BASE, "NsiElementField")
    field.set("{http://www.w3.org/2001/XMLSchema-instance}type", "nsi-base:NsiElementStringFieldType")
    sub(field, NSI_BASE, "Name", "Вид документа")
    sub(field, NSI_BASE, "Value", "Паспорт гражданина Российской Федерации")
    return result


def get_state_data_providers(*, count: int = 2) -> etree._Element:
    result = get_state(ORG_COMMON)
    for i in range(count):
        provider = sub(result, ORG_COMMON, "exportDataProviderResult")
        sub(provider, ORG_COMMON, "DataProviderGUID", guid(f"provider:{i}"))
        sub(provider, ORG_COMMON, "IsActual", True)
        sub(sub(provider, ORG_REG, "RegOrg"), ORG_REG, "orgRootEntityGUID", guid(f"org:root:{i}"))
    sub(result, ORG_COMMON, "IsNextPage", True)
    return result


REQUEST_BUILDERS: dict[str, Builder] = {
    "exportNsiList-NSI": export_nsi_list,
    "exportNsiList-NSIRAO": lambda: export_nsi_list(group="NSIRAO"),
    "exportNsiList-no-group": lambda: export_nsi_list(group=None),
    "exportNsiItem-95": export_nsi_item,
    "exportNsiItem-2-all": lambda: export_nsi_item(registry=2, modified_after=None),
    "exportNsiPagingItem-2-page-3": lambda: export_nsi_paging_item(page=3),
    "importAdditionalServices": import_additional_services,
    "importAdditionalServices-only-new": lambda: import_additional_services(count=4, recover=0, delete=0),
    "importMunicipalServices": import_municipal_services,
    **{
        f"exportDataProviderNsiItem-{n}": partial(export_data_provider_nsi_item, registry=n)
        for n in DATA_PROVIDER_REGISTRIES
    },
    "exportOrgRegistry-6-kinds": export_org_registry,
    "exportOrgRegistry-100": lambda: export_org_registry(count=100),
    "exportDataProvider": export_data_provider,
    "exportDataProvider-all": lambda: export_data_provider(actual_only=False),
}


def _service(namespace: str) -> str:
    return namespace.rstrip("/").rpartition("/")[2]


STATE_BUILDERS: dict[str, Builder] = {
    **{
        f"getState-{_service(ns)}-processing": partial(get_state, ns, request_state=2)
        for ns in GET_STATE_RESULT_VERSIONS
    },
    **{f"getState-{_service(ns)}-ErrorMessage": partial(get_state_error, ns) for ns in GET_STATE_RESULT_VERSIONS},
    **{f"getState-{_service(ns)}-ImportResult": partial(get_state_import_result, ns) for ns in (DM, BILLS, NSI)},
    "getState-nsi-common-NsiList": get_state_nsi_list,
    "getState-nsi-common-NsiItem": get_state_nsi_item,
    "getState-nsi-NsiItem": lambda: get_state_nsi_item(NSI, registry=1),
    "getState-organizations-registry-common-exportDataProviderResult": get_state_data_providers,
}
