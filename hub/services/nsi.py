"""Resolving NSI references (``nsi-base:nsiRef``) in requests.

GIS matches a reference by its Code within the registry the field names (NSI 24, 22, 95 …);
the GUID a client sends is GIS's own and means nothing to the hub, so the hub matches by Code
and exports its own GUID. A code missing from a book the hub has completely is INT002000; in a
book the hub has only partly (the public-source seed) or not at all, the reference is kept by
Code as given, so a hub without a loaded book still works — load it with ``hub nsi load``.
"""

from __future__ import annotations

from hub.errors import E, HubError
from hub.services.ports import NsiCatalog, NsiElement


def resolve(catalog: NsiCatalog, registry: int, code: str, *, where: str | None = None) -> NsiElement | None:
    """The element for ``code`` in NSI ``registry``.

    Known element → it. Unknown code in a book the hub has completely → INT002000. Unknown
    code in a book the hub has only partly (or not at all) → None: kept by Code as given.
    """
    clean = code.strip()
    element = catalog.element(registry, clean)
    if element is not None:
        return element
    if catalog.has_book(registry):
        raise HubError(
            E.INT002000,
            f"Код «{clean}» отсутствует в справочнике НСИ {registry}",
            where=where,
        )
    return None
