"""What the houses area registers: its operations, tables, the housing port and its commands."""

from __future__ import annotations

from hub import ns
from hub.contract.registry import HOME_MANAGEMENT, Area, Operation

AREA = Area(
    name="houses",
    operations=(
        Operation(
            HOME_MANAGEMENT,
            "importHouseUOData",
            ns.HOUSE_MANAGEMENT,
            "importHouseUORequest",
            ("11.0.10.1", "13.2.3.2"),
            result_element="ImportResult",
            result_version="10.0.1.1",
            handler="hub.areas.houses.handlers:import_handler",
            sample="import-house-uo.xml",
        ),
        Operation(
            HOME_MANAGEMENT,
            "exportHouseData",
            ns.HOUSE_MANAGEMENT,
            "exportHouseRequest",
            ("11.1.0.1", "12.2.0.1", "13.2.3.2", "15.6.0.1", "15.10.0.0"),
            result_element="exportHouseResult",
            # the result has the shape of the request's version (hub.areas.houses.export_codec)
            result_version=None,
            handler="hub.areas.houses.handlers:export_handler",
            sample="export-house.xml",
        ),
    ),
    tables="hub.areas.houses.tables",
    # houses, premises and rooms as other areas see them (hub.services.ports.HousingLookup)
    provides={
        "housing": "hub.areas.houses.lookup:SqlHousingLookup",
        # houses with premises and rooms as the REST API reads them (hub.services.ports.ResourceReader)
        "read:houses": "hub.areas.houses.reads:HouseReads",
    },
    commands="hub.areas.houses.commands:app",
)
