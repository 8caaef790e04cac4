"""Information systems: callers that are not organizations.

GIS lets an information system (ИС) call the common services — the reference books and the
organization registry — with its own certificate, under an ``ISRequestHeader`` that names no
organization. The hub registers such a system (``hub cert add --system NAME``) as a directory
entry with the one role ``SYSTEM_ROLE`` and no ОГРН, so its messages have a sender like any
other (getState answers it only its own); it may call the services of ``SYSTEM_SERVICES`` and
nothing else, and it is never found as an organization.
"""

from __future__ import annotations

from collections.abc import Collection

#: the role of a directory entry that is an information system, not an organization
SYSTEM_ROLE = "ИС"

#: the services (registry keys) an information system may call: NsiCommonAsync, OrgRegistryCommonAsync
SYSTEM_SERVICES = frozenset({"nsi-common", "org-registry-common"})


def is_system(roles: Collection[str]) -> bool:
    """Whether a directory entry with these roles is an information system."""
    return SYSTEM_ROLE in roles
