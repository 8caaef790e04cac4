"""Pure rules of the registry: what a search criterion matches, and the GUIDs GIS would give.

The hub's directory keeps one version of each organization, so its orgRootEntityGUID and
orgVersionGUID are derived from the orgPPAGUID (stable UUIDv5s): a client that stored them finds
the same organization again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

#: namespace of the derived registry GUIDs
REGISTRY_NAMESPACE = uuid.UUID("0b5d3c1e-6f2a-5d4e-9b8c-7a6e5f4d3c2b")


@dataclass(frozen=True, slots=True)
class RegistryOrg:
    ppaguid: str
    name: str
    ogrn: str
    inn: str
    kpp: str
    last_edited: date

    @property
    def root_guid(self) -> str:
        return str(uuid.uuid5(REGISTRY_NAMESPACE, f"root:{self.ppaguid}"))

    @property
    def version_guid(self) -> str:
        return str(uuid.uuid5(REGISTRY_NAMESPACE, f"version:{self.ppaguid}"))

    @property
    def is_entrepreneur(self) -> bool:
        """An ОГРНИП has 15 digits, an ОГРН 13."""
        return len(self.ogrn) == 15


@dataclass(frozen=True, slots=True)
class Criterion:
    """One SearchCriteria: exactly one of these is set (the XSD's choice); KPP only with OGRN."""

    ogrn: str = ""
    kpp: str = ""
    ogrnip: str = ""
    nza: str = ""
    version_guid: str = ""
    root_guid: str = ""
    ppaguid: str = ""


def matches(org: RegistryOrg, criterion: Criterion) -> bool:
    if criterion.ogrn:
        return not org.is_entrepreneur and org.ogrn == criterion.ogrn and criterion.kpp in ("", org.kpp)
    if criterion.ogrnip:
        return org.is_entrepreneur and org.ogrn == criterion.ogrnip
    if criterion.version_guid:
        return org.version_guid == criterion.version_guid
    if criterion.root_guid:
        return org.root_guid == criterion.root_guid
    if criterion.ppaguid:
        return org.ppaguid == criterion.ppaguid
    return False  # NZA: the hub registers no foreign branches


def entrepreneur_name(name: str) -> tuple[str, str, str]:
    """Surname, first name, patronymic of an ИП from the directory's one name («ИП Иванов Иван …»)."""
    words = [w for w in name.split() if w.upper() not in {"ИП", "ИНДИВИДУАЛЬНЫЙ", "ПРЕДПРИНИМАТЕЛЬ"}]
    words += ["-"] * (2 - len(words))
    return words[0], words[1], " ".join(words[2:])
