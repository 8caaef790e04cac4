"""A FIFO as proof that nothing was opened, and a bounded wait that cannot hang the suite.

Opening a FIFO for reading blocks until a writer comes, so a parser that opens a system id
naming one hangs: a parse that returns in time opened nothing. Tests never write to the FIFO;
``fifo`` only opens it for writing, non-blocking, at teardown, to let a reader stuck there
(a broken fix) go, so a failing test fails instead of hanging.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def release(path: Path) -> None:
    """Let any reader blocked opening ``path`` go (it then reads end-of-file)."""
    with suppress(OSError):  # ENXIO: nobody is waiting
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


@contextmanager
def fifo(path: Path) -> Iterator[Path]:
    """A FIFO at ``path``; readers still stuck on it are released at exit, for a second."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            release(path)
            time.sleep(0.05)


def within(seconds: float, call: Callable[[], T]) -> T:
    """``call()``'s result or exception, failing the test if it has not returned in ``seconds``."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (stuck opening a FIFO?)"
    if failure:
        raise failure[0]
    return outcome[0]
