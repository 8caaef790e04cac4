"""exportOrgRegistry: the organizations the criteria match, each once, in the directory's order;
exportDataProvider: the data providers linked to the calling information system.

Any registered caller may search; nothing matched is INT002012 as in GIS. exportDataProvider
answers only the caller's own links (``hub system link``): an organization, or a system nobody
linked, gets INT002012.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class ProviderLink:
    """A data provider linked to a system, and whether the link is in force."""

    org: RegistryOrg
    is_actual: bool


class DataProviderView(Protocol):
    def providers(self, system_id: int) -> Sequence[ProviderLink]: ...


def data_providers(view: DataProviderView, caller_id: int, only_actual: bool) -> list[ProviderLink]:
    """The caller's data providers (only those in force with ``IsActual``); INT002012 when none."""
    found = [link for link in view.providers(caller_id) if link.is_actual or not only_actual]
    if not found:
        raise HubError(E.INT002012, "Поставщики данных информационной системы не найдены")
    return found
