"""NSI references as the domain keeps them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NsiRef:
    """``nsi-base:nsiRef``: matched by Code; GUID/Name are the hub's own when it has the element,
    otherwise as the client gave them (a book the hub does not have completely)."""

    code: str
    guid: str | None = None
    name: str | None = None
