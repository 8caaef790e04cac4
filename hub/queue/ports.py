"""What one process's worker needs, as the composition root hands it over.

Its own module so the composition root can build it without importing the worker entry point
(``hub.queue.worker``): entry points stay independent of each other (import-linter).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import dramatiq

from hub.queue.broker import DramatiqQueue


class UnfinishedEntries(Protocol):
    """The part of the inbox the sweeper reads (``hub.services.ports.Inbox.unfinished``)."""

    def unfinished(self, older_than_seconds: float, lease_seconds: float, limit: int = 10_000) -> Sequence[int]: ...


@dataclass(frozen=True, kw_only=True)
class WorkerPorts:
    """The worker's view of the hub (``hub.composition.worker_ports``)."""

    process: Callable[[int], object]  # processes one inbox entry (hub.services.processing.Processor)
    broker: dramatiq.Broker
    queue: DramatiqQueue
    inbox: UnfinishedEntries
    name: str
    threads: int
    sweep_seconds: float
    lease_seconds: float
    #: the longest an idle worker sleeps between looks at the queue (dramatiq's worker_timeout)
    idle_wait_ms: int = 20
    #: one of several embedded processes: poll for messages the others accepted
    idle_polling: bool = False
