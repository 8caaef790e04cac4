"""What the nsi area registers: the common books (NsiCommonAsync) and an organization's own (NsiAsync).

NsiCommonAsync: exportNsiList, exportNsiItem, exportNsiPagingItem. NsiAsync (RequestHeader):
importAdditionalServices (NSI 1), importMunicipalServices (NSI 51), exportDataProviderNsiItem;
their tables are this area's (``hub.areas.nsi.tables``), and it provides the ``own_nsi`` port
(``hub.services.ports.OwnNsiLookup``) through which payment documents check their services.

The real WSDL gives these an ISRequestHeader; clients in the field send a RequestHeader with
orgPPAGUID, so both are accepted (``also_accepts``). The books themselves are the core store's
``nsi_*`` tables (``hub.store.tables``): the pipeline's NSI catalog resolves references with them
too, so the area declares no tables of its own.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import NSI, NSI_COMMON, Area, HeaderKind, Operation, RequestLimit

_VERSION = "10.0.1.2"
#: each list of an own-book import (save, recover, delete) takes up to 1000 items (XSD maxOccurs)
_IMPORT_LIMIT = 1000


def _import(name: str, request: str, version: str, lists: tuple[str, ...], factory: str, sample: str) -> Operation:
    return Operation(
        NSI,
        name,
        ns.NSI,
        request,
        (version,),
        result_element="ImportResult",
        limits=tuple(RequestLimit(ns.qname(ns.NSI, local), _IMPORT_LIMIT) for local in lists),
        handler=f"hub.areas.nsi.own_handlers:{factory}",
        sample=sample,
    )


_OWN = (
    _import(
        "importAdditionalServices",
        "importAdditionalServicesRequest",
        "10.0.1.2",
        ("ImportAdditionalServiceType", "RecoverAdditionalServiceType", "DeleteAdditionalServiceType"),
        "additional_services_handler",
        "import-additional-services.xml",
    ),
    _import(
        "importMunicipalServices",
        "importMunicipalServicesRequest",
        "11.0.0.4",
        ("ImportMainMunicipalService", "RecoverMainMunicipalService", "DeleteMainMunicipalService"),
        "municipal_services_handler",
        "import-municipal-services.xml",
    ),
    Operation(
        NSI,
        "exportDataProviderNsiItem",
        ns.NSI,
        "exportDataProviderNsiItemRequest",
        (_VERSION,),
        result_element="NsiItem",
        handler="hub.areas.nsi.own_handlers:provider_item_handler",
        sample="export-data-provider-nsi-item.xml",
    ),
)

AREA = Area(
    name="nsi",
    operations=(
        *(
            Operation(
                NSI_COMMON,
                name,
                ns.NSI_COMMON,
                f"{name}Request",
                (_VERSION,),
                result_element=result,
                result_version=None,
                header=HeaderKind.IS_REQUEST,
                also_accepts=(HeaderKind.REQUEST,),
                handler=f"hub.areas.nsi.handlers:{factory}",
                sample=sample,
            )
            for name, result, factory, sample in (
                ("exportNsiList", "NsiList", "list_handler", "export-nsi-list.xml"),
                ("exportNsiItem", "NsiItem", "item_handler", "export-nsi-item.xml"),
                ("exportNsiPagingItem", "NsiPagingItem", "paging_handler", "export-nsi-paging-item.xml"),
            )
        ),
        *_OWN,
    ),
    tables="hub.areas.nsi.tables",
    provides={"own_nsi": "hub.areas.nsi.lookup:SqlOwnNsiLookup"},
)
