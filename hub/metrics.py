"""Prometheus metrics of one hub process (``GET /metrics``).

Per process, as Prometheus expects from a multi-process server: each ``hub serve`` process counts
its own requests, each worker its own processing. The messages-by-state gauge is read from the
store at scrape time, so every process reports the same hub-wide numbers there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

#: RequestState → its label (base:AsyncRequestStateType)
_STATES = {1: "received", 2: "processing", 3: "processed"}


class _MessagesByState(Collector):
    def __init__(self, counts: Callable[[], Mapping[int, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("hub_messages", "Inbox messages by RequestState (hub-wide)", labels=["state"])
        counts = self.counts()
        for state, label in _STATES.items():
            family.add_metric([label], counts.get(state, 0))
        yield family


class Metrics:
    """The counters this process keeps; built by the composition root, never at import."""

    def __init__(self, *, message_counts: Callable[[], Mapping[int, int]] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "hub_soap_requests",
            "SOAP requests answered, by service, operation and result code (OK or the Fault's code)",
            ["service", "operation", "code"],
            registry=self.registry,
        )
        self.processing = Histogram(
            "hub_processing_seconds",
            "Time from claiming an inbox message to completing it, by operation",
            ["operation"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=self.registry,
        )
        if message_counts is not None:
            self.registry.register(_MessagesByState(message_counts))

    def answered(self, service: str, operation: str, code: str) -> None:
        self.requests.labels(service, operation, code).inc()

    def processed(self, operation: str, seconds: float) -> None:
        self.processing.labels(operation).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
