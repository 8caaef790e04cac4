"""dramatiq broker setup for both shapes, and the inbox queue port.

The broker is always set explicitly (``dramatiq.get_broker()`` silently defaults to RabbitMQ).
Embedded: a ``StubBroker`` consumed by worker threads in the same process. Production: Redis,
with a short heartbeat so a killed worker's messages are redelivered in seconds, not minutes —
though recovery never depends on it: the inbox sweeper re-enqueues unfinished entries.
The queue carries only inbox ids; the store is the source of truth.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

INBOX_QUEUE = "inbox"
PROCESS_ACTOR = "process_inbox"
#: How long a Redis consumer may be silent before its unacked messages are requeued.
HEARTBEAT_TIMEOUT_MS = 10_000


def make_broker(broker_url: str) -> dramatiq.Broker:
    """A broker for ``broker_url`` (``redis://…``), or an in-process one when empty."""
    broker: dramatiq.Broker
    if broker_url:
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=broker_url,
            namespace="zhkh-hub",
            heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
            dead_message_ttl=7 * 24 * 3600 * 1000,
        )
    else:
        broker = StubBroker()
    broker.declare_queue(INBOX_QUEUE)
    return broker


class DramatiqQueue:
    """``hub.services.ports.Queue`` over a dramatiq broker: sends ``process_inbox(id)``."""

    def __init__(self, broker: dramatiq.Broker) -> None:
        self.broker = broker

    def enqueue(self, entry_id: int) -> None:
        self.broker.enqueue(
            dramatiq.Message(
                queue_name=INBOX_QUEUE,
                actor_name=PROCESS_ACTOR,
                args=(entry_id,),
                kwargs={},
                options={},
            )
        )

    def reachable(self) -> str:
        """``ok``, or why the broker does not answer (``/readyz``)."""
        client = getattr(self.broker, "client", None)  # the Redis broker's connection
        if client is None:
            return "ok"  # in-process: always there
        try:
            client.ping()
        except Exception as exc:
            return type(exc).__name__
        return "ok"

    def idle(self) -> bool | None:
        """True when every message put on this process's in-process queue was processed; None for a
        shared (Redis) queue, where the question has no local answer (it balances by itself)."""
        if not isinstance(self.broker, StubBroker):
            return None
        pending: int = self.broker.queues[INBOX_QUEUE].unfinished_tasks  # put, not yet acknowledged
        return pending == 0
