"""HomeManagementAsync handlers."""

from __future__ import annotations

from hub import ns
from hub.contract.xmlparse import parse_xml
from hub.errors import E, HubError
from hub.services.ports import InboxEntry


def export_house(entry: InboxEntry, payload: bytes) -> bytes:
    """exportHouseData: the house with the requested FIAS GUID.

    The house store arrives with the house-management issue; until then the registry is empty
    and every export answers INT002012 exactly as GIS does for an unknown house.
    """
    request = parse_xml(payload)
    fias = (request.findtext(ns.qname(ns.HOUSE_MANAGEMENT, "FIASHouseGuid")) or "").strip()
    raise HubError(E.INT002012, f"Дом с FIASHouseGuid {fias} не найден")
