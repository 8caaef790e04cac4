"""What the nsi area registers: exportNsiList, exportNsiItem, exportNsiPagingItem (NsiCommonAsync).

The real WSDL gives these an ISRequestHeader; clients in the field send a RequestHeader with
orgPPAGUID, so both are accepted (``also_accepts``). The books themselves are the core store's
``nsi_*`` tables (``hub.store.tables``): the pipeline's NSI catalog resolves references with them
too, so the area declares no tables of its own.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import NSI_COMMON, Area, HeaderKind, Operation

_VERSION = "10.0.1.2"

AREA = Area(
    name="nsi",
    operations=tuple(
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
)
