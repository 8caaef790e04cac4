"""Resolving NSI references (``nsi-base:nsiRef``) in requests.

GIS matches a reference by its Code within the registry the field names (NSI 24, 22, 95 …);
the GUID a client sends is GIS's own and means nothing to the hub, so the hub matches by Code
and exports its own GUID. A code missing from a book the hub has is INT002000; a book the hub
does not have yet is accepted as given (the reference is kept by Code) so a hub without a
loaded book still works — load it with ``hub nsi load``.
"""

from __future__ import annotations

from hub.errors import E, HubError
from hub.services.ports import NsiCatalog, NsiElement


def resolve(catalog: NsiCatalog, registry: int, code: str, *, where: str | None = None) -> NsiElement | None:
    """The element for ``code`` in NSI ``registry``; None when the hub does not have that book."""
    clean = code.strip()
    if not catalog.has_book(registry):
        return None
    element = catalog.element(registry, clean)
    if element is None:
        raise HubError(
            E.INT002000,
            f"Код «{clean}» отсутствует в справочнике НСИ {registry}",
            where=where,
        )
    return element
