"""The one operation registry: which GIS services and operations the hub serves, and how.

Business areas (``hub.areas.<name>``) each declare an :class:`Area` in their ``registry`` module:
the operations they serve, the module with their tables, the ports they provide to other areas.
This module finds them (``pkgutil`` over the ``hub.areas`` package: the pipeline never imports an
area by name) and everything else reads the result: WSDL serving and dispatch (``hub.soap``),
version, caller and limit checks (``hub.services.intake``), handler wiring (``hub.composition``),
table discovery for migrations (``hub.store.schema``), the client library and the contract tests.

An area's ``registry`` module imports nothing but this module and ``hub.ns``: handlers, tables and
ports are named as ``"module:attribute"`` references and imported only by whoever needs them, so
reading the registry (the client library does) costs no database or domain code.

The services are contract facts (paths, namespaces, the getStateResult version) mirroring GIS
16.3.0.0 (``gis-contract/tables/wsdl-operations-16.3.0.0.tsv``); a service is served as soon as an
area registers an operation of it, and then gets its ``getState`` operation from here.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hub import ns

#: the package whose sub-packages are the business areas
AREAS_PACKAGE = "hub.areas"


class HeaderKind(StrEnum):
    """Which SOAP header the operation takes."""

    REQUEST = "RequestHeader"  # organization-bound (orgPPAGUID)
    IS_REQUEST = "ISRequestHeader"  # information system only (public registries)


@dataclass(frozen=True, slots=True)
class Service:
    """One GIS async service endpoint."""

    key: str
    path: str
    port: str
    namespace: str  # types namespace of the service (getStateResult lives here)
    service_namespace: str  # WSDL target namespace
    wsdl_file: str
    get_state_result_version: str
    #: getState's header in the real WSDL, and the others accepted (``Operation.also_accepts``)
    state_header: HeaderKind = HeaderKind.REQUEST
    state_also_accepts: tuple[HeaderKind, ...] = ()
    #: the WSDL also has getRequestsState (which of many MessageGUIDs are processed): BillsAsync
    requests_state: bool = False


@dataclass(frozen=True, slots=True)
class RequestLimit:
    """At most ``maximum`` child elements ``element`` (Clark name) in one request.

    The XSD's maxOccurs says the same; intake counts first so the sender is told the limit in
    words (``gis-contract/tables/request-limits-16.3.0.0.tsv``), not as a schema message.
    """

    element: str
    maximum: int


#: ``callers`` of an operation any registered organization may call (the area's rules decide more)
ANY_ORGANIZATION: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a service, as an area registers it."""

    service: Service
    name: str  # WSDL operation name, e.g. importAccountData
    request_namespace: str
    request_element: str  # local name of the Body child, e.g. importAccountRequest
    versions: tuple[str, ...]  # accepted base:version values; empty = the element has none
    #: the getStateResult child this operation's result is (ImportResult, exportHouseResult …)
    result_element: str = ""
    #: base:version written on the result element; None = the handler picks it (per request version)
    result_version: str | None = None
    signed: bool = True
    #: the header the real WSDL declares for the operation
    header: HeaderKind = HeaderKind.REQUEST
    #: further headers accepted because field clients send them (a RequestHeader with orgPPAGUID
    #: where the WSDL says ISRequestHeader); an orgPPAGUID sent is checked against the signer
    also_accepts: tuple[HeaderKind, ...] = ()
    #: organization roles (УО, РСО …) allowed to send it; empty = any registered organization
    callers: frozenset[str] = ANY_ORGANIZATION
    limits: tuple[RequestLimit, ...] = ()
    #: ``"module:factory"`` of the handler factory (``hub.services.handlers.HandlerFactory``)
    handler: str = ""
    #: file name of the unsigned sample request under ``samples/requests``
    sample: str | None = None

    @property
    def soap_action(self) -> str:
        return f"urn:{self.name}"

    @property
    def request_qname(self) -> str:
        return ns.qname(self.request_namespace, self.request_element)

    @property
    def accepted_headers(self) -> tuple[HeaderKind, ...]:
        """Every header kind the hub takes for this operation, the WSDL's first."""
        return (self.header, *self.also_accepts)


@dataclass(frozen=True, slots=True)
class Area:
    """What one business area registers."""

    name: str
    operations: tuple[Operation, ...] = ()
    #: ``"module"`` defining the area's tables on ``hub.store.tables.metadata``
    tables: str | None = None
    #: ports the area provides to other areas, by name → ``"module:attribute"``
    provides: Mapping[str, str] = field(default_factory=dict)
    #: ``"module:attribute"`` of a Typer app with the area's operator commands (``hub <name> …``)
    commands: str | None = None


HOME_MANAGEMENT = Service(
    key="home-management",
    path="/ext-bus-home-management-service/services/HomeManagementAsync",
    port="HomeManagementAsync",
    namespace=ns.HOUSE_MANAGEMENT,
    service_namespace=ns.HOUSE_MANAGEMENT_SERVICE,
    wsdl_file="hcs-house-management-service-async.wsdl",
    get_state_result_version="11.0.0.1",
)

NSI_COMMON = Service(
    key="nsi-common",
    path="/ext-bus-nsi-common-service/services/NsiCommonAsync",
    port="NsiCommonAsync",
    namespace=ns.NSI_COMMON,
    service_namespace=ns.NSI_COMMON_SERVICE,
    wsdl_file="hcs-nsi-common-service-async.wsdl",
    get_state_result_version="10.0.1.2",
    state_header=HeaderKind.IS_REQUEST,
    state_also_accepts=(HeaderKind.REQUEST,),
)

ORG_REGISTRY_COMMON = Service(
    key="org-registry-common",
    path="/ext-bus-org-registry-common-service/services/OrgRegistryCommonAsync",
    port="OrgRegistryCommonAsync",
    namespace=ns.ORG_REGISTRY_COMMON,
    service_namespace=ns.ORG_REGISTRY_COMMON_SERVICE,
    wsdl_file="hcs-organizations-registry-common-service-async.wsdl",
    get_state_result_version="10.0.2.1",
    state_header=HeaderKind.IS_REQUEST,
    state_also_accepts=(HeaderKind.REQUEST,),
)

DEVICE_METERING = Service(
    key="device-metering",
    path="/ext-bus-device-metering-service/services/DeviceMeteringAsync",
    port="DeviceMeteringAsync",
    namespace=ns.DEVICE_METERING,
    service_namespace=ns.DEVICE_METERING_SERVICE,
    wsdl_file="hcs-device-metering-service-async.wsdl",
    get_state_result_version="10.0.1.1",
)

NSI = Service(
    key="nsi",
    path="/ext-bus-nsi-service/services/NsiAsync",
    port="NsiAsync",
    namespace=ns.NSI,
    service_namespace=ns.NSI_SERVICE,
    wsdl_file="hcs-nsi-service-async.wsdl",
    get_state_result_version="10.0.1.2",
)

BILLS = Service(
    key="bills",
    path="/ext-bus-bills-service/services/BillsAsync",
    port="BillsAsync",
    namespace=ns.BILLS,
    service_namespace=ns.BILLS_SERVICE,
    wsdl_file="hcs-bills-service-async.wsdl",
    get_state_result_version="10.0.1.1",
    requests_state=True,
)

#: every service the hub knows (contract facts); served once an area registers an operation of it
KNOWN_SERVICES: tuple[Service, ...] = (
    HOME_MANAGEMENT,
    DEVICE_METERING,
    BILLS,
    NSI_COMMON,
    NSI,
    ORG_REGISTRY_COMMON,
)


def get_state_operation(service: Service) -> Operation:
    """The service's getState: unsigned, no version, answered by the pipeline itself."""
    return Operation(
        service,
        "getState",
        ns.BASE,
        "getStateRequest",
        (),
        result_element="getStateResult",
        signed=False,
        header=service.state_header,
        also_accepts=service.state_also_accepts,
    )


#: at most this many MessageGUIDList in one getRequestsStateRequest (hcs-base.xsd)
REQUESTS_STATE_LIMIT = 10_000


def get_requests_state_operation(service: Service) -> Operation:
    """The service's getRequestsState: unsigned like getState, answered by the pipeline itself."""
    return dataclasses.replace(
        get_state_operation(service),
        name="getRequestsState",
        request_element="getRequestsStateRequest",
        result_element="getRequestsStateResult",
        limits=(RequestLimit(ns.qname(ns.BASE, "MessageGUIDList"), REQUESTS_STATE_LIMIT),),
    )


def resolve(reference: str) -> Any:
    """The object a ``"module:attribute"`` reference names (imported now, not at registry load)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Registry:
    """The areas found, with lookups over their operations."""

    areas: tuple[Area, ...]

    @functools.cached_property
    def services(self) -> tuple[Service, ...]:
        """The served services, in ``KNOWN_SERVICES`` order."""
        used = {op.service.key for area in self.areas for op in area.operations}
        return tuple(s for s in KNOWN_SERVICES if s.key in used)

    @functools.cached_property
    def operations(self) -> tuple[Operation, ...]:
        """Every served operation, each service's getState (and getRequestsState) last."""
        declared = tuple(op for area in self.areas for op in area.operations)
        states = tuple(get_state_operation(s) for s in self.services)
        return declared + states + tuple(get_requests_state_operation(s) for s in self.services if s.requests_state)

    def service(self, key: str) -> Service | None:
        return next((s for s in self.services if s.key == key), None)

    def service_by_path(self, path: str) -> Service | None:
        """The service served at an HTTP path (trailing slash tolerated)."""
        clean = path.rstrip("/")
        return next((s for s in self.services if s.path == clean), None)

    def operations_of(self, service: Service) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.service.key == service.key)

    def operation_for(self, service: Service, body_qname: str) -> Operation | None:
        """The operation of ``service`` whose request element is ``body_qname`` (Clark notation)."""
        return next((op for op in self.operations_of(service) if op.request_qname == body_qname), None)

    def operation(self, name: str) -> Operation | None:
        return next((op for op in self.operations if op.name == name and op.signed), None)

    def provided(self) -> dict[str, str]:
        """Every port the areas provide, by name; a name provided twice is a programming error."""
        found: dict[str, str] = {}
        for area in self.areas:
            for name, reference in area.provides.items():
                if name in found:
                    raise RuntimeError(f"port {name!r} provided twice ({found[name]}, {reference})")
                found[name] = reference
        return found


def discover_areas(package: str = AREAS_PACKAGE) -> tuple[Area, ...]:
    """The ``AREA`` of every ``<package>.<name>.registry`` module, sorted by name."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        return ()
    areas = []
    for info in sorted(pkgutil.iter_modules(spec.submodule_search_locations), key=lambda m: m.name):
        if not info.ispkg:
            continue
        module_name = f"{package}.{info.name}.registry"
        if importlib.util.find_spec(module_name) is None:
            continue
        area = importlib.import_module(module_name).AREA
        if not isinstance(area, Area):
            raise TypeError(f"{module_name}.AREA is not a registry.Area")
        areas.append(area)
    return tuple(areas)


@functools.cache
def registry() -> Registry:
    """The hub's registry, found once per process on first use (nothing happens at import)."""
    return Registry(discover_areas())
