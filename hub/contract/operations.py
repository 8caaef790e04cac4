"""The operations the hub serves: path, SOAPAction, request element, versions.

This is the table the SOAP layer dispatches on and the intake checks versions against. It
mirrors GIS 16.3.0.0 (``gis-contract/tables/wsdl-operations-16.3.0.0.tsv`` and the
``base:version`` annotations of the request elements). Adding an operation starts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub import ns


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
    import_result_version: str | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a service."""

    service: Service
    name: str  # WSDL operation name, e.g. importAccountData
    request_namespace: str
    request_element: str  # local name of the Body child, e.g. importAccountRequest
    versions: tuple[str, ...]  # accepted base:version values; empty = the element has none
    signed: bool = True
    header: HeaderKind = HeaderKind.REQUEST
    is_import: bool = False

    @property
    def soap_action(self) -> str:
        return f"urn:{self.name}"

    @property
    def request_qname(self) -> str:
        return ns.qname(self.request_namespace, self.request_element)


HOME_MANAGEMENT = Service(
    key="home-management",
    path="/ext-bus-home-management-service/services/HomeManagementAsync",
    port="HomeManagementAsync",
    namespace=ns.HOUSE_MANAGEMENT,
    service_namespace=ns.HOUSE_MANAGEMENT_SERVICE,
    wsdl_file="hcs-house-management-service-async.wsdl",
    get_state_result_version="11.0.0.1",
    import_result_version="10.0.1.1",
)

SERVICES: tuple[Service, ...] = (HOME_MANAGEMENT,)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        HOME_MANAGEMENT,
        "importHouseUOData",
        ns.HOUSE_MANAGEMENT,
        "importHouseUORequest",
        ("11.0.10.1", "13.2.3.2"),
        is_import=True,
    ),
    Operation(
        HOME_MANAGEMENT,
        "exportHouseData",
        ns.HOUSE_MANAGEMENT,
        "exportHouseRequest",
        ("11.1.0.1", "12.2.0.1", "13.2.3.2", "15.6.0.1", "15.10.0.0"),
    ),
    Operation(
        HOME_MANAGEMENT,
        "importAccountData",
        ns.HOUSE_MANAGEMENT,
        "importAccountRequest",
        ("10.0.1.1",),
        is_import=True,
    ),
    Operation(
        HOME_MANAGEMENT,
        "exportAccountData",
        ns.HOUSE_MANAGEMENT,
        "exportAccountRequest",
        ("10.0.1.1",),
    ),
    Operation(HOME_MANAGEMENT, "getState", ns.BASE, "getStateRequest", (), signed=False),
)


def service_by_path(path: str) -> Service | None:
    """The service served at an HTTP path (trailing slash tolerated)."""
    clean = path.rstrip("/")
    return next((s for s in SERVICES if s.path == clean), None)


def operation_for(service: Service, body_qname: str) -> Operation | None:
    """The operation of ``service`` whose request element is ``body_qname`` (Clark notation)."""
    return next(
        (op for op in OPERATIONS if op.service is service and op.request_qname == body_qname),
        None,
    )


def operations_of(service: Service) -> tuple[Operation, ...]:
    return tuple(op for op in OPERATIONS if op.service is service)
