"""The worker entry point: the dramatiq actor that processes inbox entries, with the sweeper.

Actors are declared on the broker at run time (not with ``@dramatiq.actor`` at import, which
would bind to whatever global broker exists then). dramatiq does not retry: the inbox does —
a failed or killed attempt leaves the entry unfinished, and the sweeper (``hub.queue.sweeper``)
enqueues it again. The worker sees only ``hub.queue.ports.WorkerPorts``, which the composition
root makes.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dramatiq

from hub.queue.broker import INBOX_QUEUE, PROCESS_ACTOR
from hub.queue.ports import WorkerPorts
from hub.queue.sweeper import IdlePoller, Sweeper

log = logging.getLogger(__name__)


def declare_actor(ports: WorkerPorts) -> dramatiq.Actor[[int], None]:
    """Declare ``process_inbox`` on the broker (idempotent)."""
    if PROCESS_ACTOR in ports.broker.actors:
        return ports.broker.get_actor(PROCESS_ACTOR)

    def process_inbox(entry_id: int) -> None:
        ports.process(entry_id)

    return dramatiq.Actor(
        process_inbox,
        broker=ports.broker,
        actor_name=PROCESS_ACTOR,
        queue_name=INBOX_QUEUE,
        priority=0,
        options={"max_retries": 0, "time_limit": 30 * 60 * 1000},
    )


@dataclass
class RunningWorker:
    worker: dramatiq.Worker
    sweeper: Sweeper
    poller: IdlePoller | None = None

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.stop()
        self.sweeper.stop()
        self.worker.stop()


def start(ports: WorkerPorts) -> RunningWorker:
    """Start worker threads and the sweeper in this process (both shapes use this)."""
    declare_actor(ports)
    # worker_timeout caps the Redis consumer's idle backoff: it sleeps between half and all of it
    # before looking again, so a message arriving at an idle worker waited ~75 ms at 100
    worker = dramatiq.Worker(ports.broker, worker_threads=ports.threads, worker_timeout=ports.idle_wait_ms)
    worker.start()
    sweeper = Sweeper(ports.inbox, ports.queue, every=ports.sweep_seconds, lease_seconds=ports.lease_seconds)
    sweeper.start()
    poller = None
    if ports.idle_polling:
        poller = IdlePoller(ports.inbox, ports.queue, lease_seconds=ports.lease_seconds)
        poller.start()
    return RunningWorker(worker, sweeper, poller)


@contextmanager
def running(ports: WorkerPorts) -> Iterator[RunningWorker]:
    handle = start(ports)
    try:
        yield handle
    finally:
        handle.stop()


def run_forever(ports: WorkerPorts) -> None:
    """``hub worker``: process until SIGTERM/SIGINT."""
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with running(ports):
        log.info("worker running (%s)", ports.name)
        done.wait()
