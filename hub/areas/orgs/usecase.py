"""exportOrgRegistry: the organizations the criteria match, each once, in the directory's order.

Any registered caller may search; nothing matched is INT002012 as in GIS.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from hub.areas.orgs.rules import Criterion, RegistryOrg, matches
from hub.errors import E, HubError


class OrgRegistryView(Protocol):
    def organizations(self) -> Sequence[RegistryOrg]: ...


def search(view: OrgRegistryView, criteria: Sequence[Criterion], edited_from: date | None) -> list[RegistryOrg]:
    found = [
        org
        for org in view.organizations()
        if any(matches(org, c) for c in criteria) and (edited_from is None or org.last_edited >= edited_from)
    ]
    if not found:
        raise HubError(E.INT002012, "Организации по условиям поиска не найдены")
    return found
