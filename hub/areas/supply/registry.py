"""What the supply area registers: the supply-contract (ДРСО) operations, tables, the supply port.

Other areas learn who supplies what through the ``supply`` port
(``hub.services.ports.SupplyLookup``) and never import this area.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import HOME_MANAGEMENT, Area, Operation, RequestLimit

AREA = Area(
    name="supply",
    operations=(
        Operation(
            HOME_MANAGEMENT,
            "importSupplyResourceContractData",
            ns.HOUSE_MANAGEMENT,
            "importSupplyResourceContractRequest",
            ("11.3.0.5",),
            result_element="ImportResult",
            result_version="10.0.1.1",
            callers=frozenset({"РСО"}),
            limits=(RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "Contract"), 1000),),
            handler="hub.areas.supply.handlers:import_handler",
            sample="import-supply-resource-contract.xml",
        ),
        Operation(
            HOME_MANAGEMENT,
            "exportSupplyResourceContractData",
            ns.HOUSE_MANAGEMENT,
            "exportSupplyResourceContractRequest",
            ("11.11.0.2", "13.1.1.1"),
            result_element="exportSupplyResourceContractResult",
            result_version=None,
            callers=frozenset({"РСО"}),
            limits=(
                RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "ContractRootGUID"), 1000),
                RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "ContractGUID"), 1000),
                RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "ContractSubject"), 100),
            ),
            handler="hub.areas.supply.handlers:export_handler",
            sample="export-supply-resource-contract.xml",
        ),
    ),
    tables="hub.areas.supply.tables",
    # who supplies which resource to which house (hub.services.ports.SupplyLookup)
    provides={"supply": "hub.areas.supply.lookup:SqlSupplyLookup"},
    commands="hub.areas.supply.commands:app",
)
