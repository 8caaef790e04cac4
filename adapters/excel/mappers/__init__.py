"""Rows → canonical request elements, per kind: the same XML a SOAP client signs, minus the
signature. One module per kind; ``common`` holds what they share."""

from __future__ import annotations

from collections.abc import Callable

from adapters.excel.kinds import ACCOUNTS, BILLS, DEVICES, HOUSES, READINGS
from adapters.excel.mappers import accounts, bills, devices, houses, readings
from adapters.excel.mappers.common import Mapped, Rows
from hub.services.uploads import Lookups

#: kind → its mapper
MAPPERS: dict[str, Callable[[Rows, Lookups], Mapped]] = {
    READINGS.kind: readings.readings,
    ACCOUNTS.kind: accounts.accounts,
    DEVICES.kind: devices.devices,
    HOUSES.kind: houses.houses,
    BILLS.kind: bills.bills,
}
