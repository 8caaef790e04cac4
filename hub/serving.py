"""The processes of ``hub serve --processes N``: uvicorn's app factory, run in each of them.

One Python process cannot use two cores for the hub's work: the worker thread and the HTTP
threads take turns on the GIL (decision 0003 has the measurements). ``--processes N`` runs N
uvicorn processes on one listening socket; in the embedded shape each has its in-process
worker, SQLite writers queue across processes on ``hub.store.db.SqliteWriteGate``, and an idle
process takes messages the others accepted (``hub.queue.sweeper.IdlePoller``).

The parent (uvicorn's supervisor) migrates and creates the signing identity before it starts
them, and passes ``HUB_PROCESSES`` through the environment; each process reads its settings
anew, so settings must come from the environment (``hub demo`` exports its own first). A
process dies with its parent: a supervisor killed outright (SIGKILL) must not leave its
processes serving the port and working on the database.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

from starlette.applications import Starlette

from hub import logs
from hub.composition import Hub, SetupError, check_setup, worker_ports
from hub.config import load_settings
from hub.queue import worker
from hub.web import create_app

log = logging.getLogger(__name__)

#: prctl(2) option: the signal this process gets when its parent dies
_PR_SET_PDEATHSIG = 1


#: uvicorn options every ``hub serve``/``hub demo`` process runs with. ``proxy_headers`` off: the
#: hub itself decides whom to believe (``HUB_TRUSTED_PROXIES``), and uvicorn's default would
#: replace the socket's peer address with X-Forwarded-For from 127.0.0.1 before that decision.
SERVER_OPTIONS: dict[str, Any] = {"log_level": "info", "access_log": False, "proxy_headers": False}


def die_with_parent() -> None:
    """Linux: get SIGTERM when the parent dies (elsewhere uvicorn's own shutdown must do)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGTERM)  # the parent died before the request took effect


@contextlib.contextmanager
def _in_process_worker(hub: Hub) -> Iterator[None]:
    if not hub.settings.embedded:
        yield  # production: `hub worker` processes do the work
        return
    with worker.running(worker_ports(hub)):
        yield


def app() -> Starlette:
    """uvicorn's factory (``hub.serving:app``), called once in each process it starts."""
    die_with_parent()
    settings = load_settings()
    logs.setup(logging.INFO, settings.log_format)
    try:
        check_setup(settings)  # refuse to start on a setup error in one line, not a traceback
    except SetupError as exc:
        log.error("%s", exc)
        sys.exit(3)
    return create_app(settings, beside=_in_process_worker)
