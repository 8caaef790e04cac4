"""What the readings area registers: importMeteringDeviceValues, exportMeteringDeviceHistory.

Both on DeviceMeteringAsync (its getState comes with the service). It needs the ports
``meters`` (the devices area), ``supply`` (the supply area) and ``housing`` (the houses area);
it never imports those areas.
"""

from __future__ import annotations

from hub import ns
from hub.contract.registry import DEVICE_METERING, Area, Operation, RequestLimit

AREA = Area(
    name="readings",
    operations=(
        Operation(
            DEVICE_METERING,
            "importMeteringDeviceValues",
            ns.DEVICE_METERING,
            "importMeteringDeviceValuesRequest",
            ("10.0.1.1",),
            result_element="ImportResult",
            limits=(RequestLimit(ns.qname(ns.DEVICE_METERING, "MeteringDevicesValues"), 1000),),
            handler="hub.areas.readings.handlers:import_handler",
            sample="import-metering-device-values.xml",
        ),
        Operation(
            DEVICE_METERING,
            "exportMeteringDeviceHistory",
            ns.DEVICE_METERING,
            "exportMeteringDeviceHistoryRequest",
            ("10.0.1.1",),  # the XSD names no version (xsd/README.md); clients send this one
            result_element="exportMeteringDeviceHistoryResult",
            limits=(
                RequestLimit(ns.qname(ns.DEVICE_METERING, "FIASHouseGuid"), 100),
                RequestLimit(ns.qname(ns.DEVICE_METERING, "MeteringDeviceRootGUID"), 100),
                RequestLimit(ns.qname(ns.DEVICE_METERING, "MeteringDeviceType"), 100),
                RequestLimit(ns.qname(ns.DEVICE_METERING, "MunicipalResource"), 100),
            ),
            handler="hub.areas.readings.handlers:export_handler",
            sample="export-metering-device-history.xml",
        ),
    ),
    tables="hub.areas.readings.tables",
)
