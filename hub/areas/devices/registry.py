"""What the metering devices area registers: importMeteringDeviceData, exportMeteringDeviceData,
its tables and the ``"meters"`` port (``MeteringDeviceLookup``) readings find devices through.

It needs the ``housing`` port (houses area) to place devices in houses, premises and rooms, and
uses the ``supply`` port (supply contracts area) when someone provides it; it imports neither.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import HOME_MANAGEMENT, Area, Operation, RequestLimit

AREA = Area(
    name="devices",
    operations=(
        Operation(
            HOME_MANAGEMENT,
            "importMeteringDeviceData",
            ns.HOUSE_MANAGEMENT,
            "importMeteringDeviceDataRequest",
            ("11.1.0.8",),
            result_element="ImportResult",
            result_version="10.0.1.1",
            limits=(RequestLimit(ns.qname(ns.HOUSE_MANAGEMENT, "MeteringDevice"), 100),),
            handler="hub.areas.devices.handlers:import_handler",
            sample="import-metering-device.xml",
        ),
        Operation(
            HOME_MANAGEMENT,
            "exportMeteringDeviceData",
            ns.HOUSE_MANAGEMENT,
            "exportMeteringDeviceDataRequest",
            ("11.1.0.2", "14.8.0.1"),
            result_element="exportMeteringDeviceDataResult",
            handler="hub.areas.devices.handlers:export_handler",
            sample="export-metering-device.xml",
        ),
    ),
    tables="hub.areas.devices.tables",
    provides={"meters": "hub.areas.devices.lookup:SqlMeteringDeviceLookup"},
)
