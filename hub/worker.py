"""The worker entry point: the dramatiq actor that processes inbox entries, and the sweeper.

Actors are declared on the broker at run time (not with ``@dramatiq.actor`` at import, which
would bind to whatever global broker exists then). dramatiq does not retry: the inbox does —
a failed or killed attempt leaves the entry unfinished, and the sweeper enqueues it again,
at start and every ``HUB_SWEEP_SECONDS``, in both shapes.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dramatiq
from dramatiq.brokers.stub import StubBroker

from hub.composition import Hub
from hub.queue.broker import INBOX_QUEUE, PROCESS_ACTOR

log = logging.getLogger(__name__)


def declare_actor(hub: Hub) -> dramatiq.Actor[[int], None]:
    """Declare ``process_inbox`` on the hub's broker (idempotent)."""
    if PROCESS_ACTOR in hub.broker.actors:
        return hub.broker.get_actor(PROCESS_ACTOR)

    def process_inbox(entry_id: int) -> None:
        hub.process(entry_id)

    return dramatiq.Actor(
        process_inbox,
        broker=hub.broker,
        actor_name=PROCESS_ACTOR,
        queue_name=INBOX_QUEUE,
        priority=0,
        options={"max_retries": 0, "time_limit": 30 * 60 * 1000},
    )


class Sweeper(threading.Thread):
    """Re-enqueues inbox entries nobody is working on: lost enqueues and dead workers' claims."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(name="hub-sweeper", daemon=True)
        self.hub = hub
        self.stopping = threading.Event()

    def sweep_once(self) -> int:
        settings = self.hub.settings
        ids = self.hub.inbox.unfinished(
            older_than_seconds=max(settings.sweep_seconds * 2, 1.0), lease_seconds=settings.lease_seconds
        )
        for entry_id in ids:
            self.hub.queue.enqueue(entry_id)
        if ids:
            log.info("sweeper re-enqueued %d unfinished inbox entries", len(ids))
        return len(ids)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.sweep_once()
            except Exception:
                log.exception("sweep failed; will try again")
            self.stopping.wait(self.hub.settings.sweep_seconds)

    def stop(self) -> None:
        self.stopping.set()


#: how often an idle process of ``hub serve --processes N`` looks for waiting messages
IDLE_POLL_SECONDS = 0.02


class IdlePoller(threading.Thread):
    """Embedded, several processes: an idle process takes a message another process accepted.

    Each process of ``hub serve --processes N`` queues what its own connections accept on its
    in-process broker, and a client's keep-alive connection stays with one process, so the
    work splits as the connections happen to (4 clients can land 4:0). When this process's
    queue is empty, the poller enqueues the oldest message nobody has claimed; the claim decides
    who processes it (the loser's claim finds it taken and does nothing). Without it a process
    whose clients all connected elsewhere sits idle beside a backlog. On the accounts benchmark
    at 5 messages per client, runs with and without it were within noise (2 413–2 609 against
    2 376–2 686 accounts/s); its share of the two-process gain at 20 was not measured apart.
    """

    def __init__(self, hub: Hub, interval: float = IDLE_POLL_SECONDS) -> None:
        super().__init__(name="hub-idle-poller", daemon=True)
        self.hub = hub
        self.interval = interval
        self.stopping = threading.Event()

    def idle(self) -> bool:
        """Every message put on this process's queue has been processed (acknowledged)."""
        broker = self.hub.broker
        if not isinstance(broker, StubBroker):
            return False  # production: the shared Redis queue balances already
        pending: int = broker.queues[INBOX_QUEUE].unfinished_tasks  # put, not yet acknowledged
        return pending == 0

    def poll_once(self) -> int | None:
        """Enqueue one waiting message if this process is idle; its id, or None."""
        if not self.idle():
            return None
        lease = self.hub.settings.lease_seconds
        waiting = self.hub.inbox.unfinished(older_than_seconds=0, lease_seconds=lease, limit=1)
        if not waiting:
            return None
        self.hub.queue.enqueue(waiting[0])
        return waiting[0]

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.poll_once()
            except Exception:
                log.exception("idle poll failed; will try again")

    def stop(self) -> None:
        self.stopping.set()


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


def start(hub: Hub, *, threads: int | None = None) -> RunningWorker:
    """Start worker threads and the sweeper in this process (both shapes use this)."""
    declare_actor(hub)
    worker = dramatiq.Worker(
        hub.broker,
        worker_threads=threads or hub.settings.effective_worker_threads,
        worker_timeout=100,
    )
    worker.start()
    sweeper = Sweeper(hub)
    sweeper.start()
    poller = None
    # ``processes`` as set, not the default: `hub serve` sets it in each process it starts, so
    # more than 1 means this process is one of several (a single process has nobody to help)
    if hub.settings.embedded and hub.settings.processes > 1:
        poller = IdlePoller(hub)
        poller.start()
    return RunningWorker(worker, sweeper, poller)


@contextmanager
def running(hub: Hub, *, threads: int | None = None) -> Iterator[RunningWorker]:
    handle = start(hub, threads=threads)
    try:
        yield handle
    finally:
        handle.stop()


def run_forever(hub: Hub, *, threads: int | None = None) -> None:
    """``hub worker``: process until SIGTERM/SIGINT."""
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with running(hub, threads=threads):
        log.info("worker running (%s)", hub.worker_name)
        done.wait()
