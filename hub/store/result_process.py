"""A large upload's result file prepared in a child process.

Writing the result workbook is pure Python (openpyxl writes every cell): ~5 s of one core for
100 000 rows. In a thread of ``hub serve`` it held the GIL against the POSTs the process takes
and, embedded, against the worker that processes the rows; the upload's end came from the sum
of the three. A child process writes it on the other core. It is started with ``spawn`` (a fork
of a threaded server may copy a lock some thread held) and opens its own engine on the same
database; it runs the same ``ResultPreparer`` code as the thread does.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable

from sqlalchemy.engine import make_url

from hub.services.upload_results import ResultPreparer
from hub.services.uploads import StoredUpload
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.uploads import SqlUploads

log = logging.getLogger(__name__)


def shareable(database_url: str) -> bool:
    """A database another process can open (an in-memory SQLite is this process's alone)."""
    parsed = make_url(database_url)
    return not (parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"))


def in_child(database_url: str, *, poll: float, patience: float) -> Callable[[StoredUpload], None]:
    """What ``ResultPreparer.spawn`` calls in its thread: a child prepares the upload's file, the
    thread waits for it to end."""

    def run(upload: StoredUpload) -> None:
        context = multiprocessing.get_context("spawn")
        child = context.Process(
            target=prepare,
            args=(database_url, upload.upload_guid, poll, patience),
            name=f"hub-result-{upload.upload_guid[:8]}",
            daemon=True,  # ends with the server; the file is then built when asked for
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            log.warning("upload %s: the result file's process ended with %s", upload.upload_guid, child.exitcode)

    return run


def prepare(database_url: str, upload_guid: str, poll: float, patience: float) -> None:
    """The child's work: the upload's result file, saved in the store."""
    engine = make_engine(database_url)
    try:
        store = SqlUploads(Store(engine))
        upload = store.get(upload_guid)
        if upload is not None:
            ResultPreparer(store, poll_seconds=poll, patience_seconds=patience).prepare(upload)
    finally:
        engine.dispose()
