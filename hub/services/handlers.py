"""How an area's handler factory gets what it needs, and the handler map built from the registry.

The composition root makes one :class:`HandlerSetup` per registered operation: the operation
itself (its result version, limits), the pipeline's shared ports (NSI catalog, directory, the
progress hook that renews a long import's lease) and named ports — the store, and what other areas
provide (``Area.provides``: ``"housing"`` from the houses area). A factory takes the ports it
declares and nothing else; that is how areas stay independent of each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hub.contract.registry import Operation, Registry, resolve
from hub.services.ports import Directory, InboxEntry, NsiCatalog
from hub.services.processing import Handler

#: what an import handler calls after each committed chunk, per inbox entry
Progress = Callable[[InboxEntry], Callable[[], None]]


def utc_seconds() -> datetime:
    """The handlers' default clock: now in UTC to the second (UpdateDate and stored times are
    given to the second, as GIS gives them)."""
    return datetime.now(UTC).replace(microsecond=0)


def no_progress(_entry: InboxEntry) -> Callable[[], None]:
    return lambda: None


class MissingPortError(LookupError):
    """Raised when a handler factory asks for a port nobody provides."""


@dataclass(frozen=True, kw_only=True)
class HandlerSetup:
    """Everything a handler factory may use."""

    operation: Operation
    nsi: NsiCatalog
    directory: Directory
    chunk_size: int = 50
    progress: Progress = no_progress
    #: named ports: ``"store"`` (the SQL store) and every port an area provides
    ports: Mapping[str, Any] = field(default_factory=dict)

    def port(self, name: str) -> Any:
        try:
            return self.ports[name]
        except KeyError:
            raise MissingPortError(f"{self.operation.name} needs the port {name!r}, which nobody provides") from None

    @property
    def result_version(self) -> str:
        """The fixed base:version of the operation's result element (registry)."""
        if self.operation.result_version is None:
            raise MissingPortError(f"{self.operation.name} has no fixed result version")
        return self.operation.result_version


#: an area's ``handlers`` module function named by ``Operation.handler``
HandlerFactory = Callable[[HandlerSetup], Handler]


def provided_ports(registry: Registry) -> dict[str, Any]:
    """The ports the areas provide, resolved (imported) now."""
    return {name: resolve(reference) for name, reference in registry.provided().items()}


def build_handlers(registry: Registry, setup: Callable[[Operation], HandlerSetup]) -> dict[str, Handler]:
    """``operation name → handler`` for every registered operation that has a handler."""
    handlers: dict[str, Handler] = {}
    for operation in registry.operations:
        if operation.handler:
            factory: HandlerFactory = resolve(operation.handler)
            handlers[operation.name] = factory(setup(operation))
    return handlers
