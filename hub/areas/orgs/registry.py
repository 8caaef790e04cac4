"""What the orgs area registers: exportOrgRegistry and exportDataProvider (OrgRegistryCommonAsync).

The real WSDL gives it an ISRequestHeader; clients in the field send a RequestHeader with
orgPPAGUID (the real 2017 sample does), so both are accepted (``also_accepts``). The
organizations are the hub's directory (``hub.store.directory``) and a system's data providers
its ``system_links`` (``hub.store.systems``), so the area has no tables of its own.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import ORG_REGISTRY_COMMON, Area, HeaderKind, Operation, RequestLimit

AREA = Area(
    name="orgs",
    operations=(
        Operation(
            ORG_REGISTRY_COMMON,
            "exportOrgRegistry",
            ns.ORG_REGISTRY_COMMON,
            "exportOrgRegistryRequest",
            ("10.0.2.1",),
            result_element="exportOrgRegistryResult",
            header=HeaderKind.IS_REQUEST,
            also_accepts=(HeaderKind.REQUEST,),
            limits=(RequestLimit(ns.qname(ns.ORG_REGISTRY_COMMON, "SearchCriteria"), 100),),
            handler="hub.areas.orgs.handlers:export_handler",
            sample="export-org-registry.xml",
        ),
        Operation(
            ORG_REGISTRY_COMMON,
            "exportDataProvider",
            ns.ORG_REGISTRY_COMMON,
            "exportDataProviderRequest",
            ("10.0.2.1",),
            result_element="exportDataProviderResult",
            header=HeaderKind.IS_REQUEST,
            also_accepts=(HeaderKind.REQUEST,),
            handler="hub.areas.orgs.handlers:data_provider_handler",
            sample="export-data-provider.xml",
        ),
    ),
)
