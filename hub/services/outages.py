"""One log line when a dependency goes away and one when it is back, not one per failed request.

A 5-second database outage used to write thousands of lines (a chained traceback per refused
request); an operator needs two: when it went, when it came back and how long it was gone.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("hub.outages")


class Outage:
    """The state of one dependency (``database``, ``queue``) as its callers see it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failures = 0

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        """Record a failure; logs only the first of an outage (the exception's type, no payload)."""
        with self._lock:
            self._failures += 1
            if self._since is not None:
                return
            self._since = time.monotonic()
        log.error(
            "%s unavailable (%s); requests are answered EXP002001 until it is back", self.name, type(exc).__name__
        )

    def ok(self) -> None:
        """Record a success; logs the end of an outage with its length."""
        if self._since is None:  # the common case: no lock
            return
        with self._lock:
            if self._since is None:
                return
            gone, failures = time.monotonic() - self._since, self._failures
            self._since, self._failures = None, 0
        log.warning("%s is back after %.1f s (%d failed attempts meanwhile)", self.name, gone, failures)
