"""An upload's result workbook built while its rows are processed, so it is ready when they are.

Writing ``<name>__Результат.xlsx`` for 100 000 rows takes ~5 s (openpyxl writes every cell);
built when asked for, all of it came after the last row was processed. ``ResultPreparer.start``
is called as soon as the upload is stored (before its batches are sent) by the process that took
the POST (or resumed it). The adapter writes the rows in order, and a row's outcome
(``WaitingOutcomes``) waits until its batch is sent and its message processed. So the writing
follows the worker, and when the last message is done only its rows and the zip remain. A small
upload's file is written in a thread; a large one's (``spawn``: ``hub.store.result_process``) in
a child process, off the GIL of the process that takes POSTs and, embedded, runs the worker. The
file is stored (``uploads.result``) and served from there. One not prepared (the process died,
too many at once, processing stalled) is built when asked for, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from hub.services.uploads import (
    RowOutcome,
    StoredUpload,
    UploadDesk,
    UploadStore,
    adapter_for_kind,
    adapters,
    load_outcomes,
    problem_outcomes,
)

log = logging.getLogger(__name__)


class StalledError(Exception):
    """The rows' messages were not processed within the preparer's patience."""


class WaitingOutcomes(Mapping[tuple[str, int], RowOutcome]):
    """Rows' final outcomes; asking for a row of a message still in processing waits for it
    (the store polled every ``poll`` seconds, every message that finished meanwhile read at once).

    The upload may still be being submitted (the preparation starts when the upload is stored,
    not when its POST ends): a row no message or problem names yet waits until one does, or
    until the upload is submitted without it (an empty row)."""

    def __init__(self, store: UploadStore, upload: StoredUpload, *, poll: float, patience: float) -> None:
        self.store, self.upload, self.poll, self.patience = store, upload, poll, patience
        kind = adapter_for_kind(upload.kind)[1]
        self._keep = kind.results
        #: one data sheet: each row is asked for once, in order, so an answered row is forgotten
        #: (a 100 000-row file's outcomes never all in memory); linked sheets ask for main rows again
        self._forget = len(kind.sheets) == 1
        self._found: dict[tuple[str, int], RowOutcome] = {}
        self._waiting: dict[tuple[str, int], str] = {}
        self._pending: set[str] = set()
        self._messages: set[str] = set()
        self._problems = 0
        self._learn(upload)

    def _learn(self, upload: StoredUpload) -> None:
        """Takes in the problems and messages the store has added since the last look."""
        self.upload = upload
        self._found.update(problem_outcomes(upload, since=self._problems))
        self._problems = len(upload.problems)
        fresh = [m.message_guid for m in self.store.messages(upload.id) if m.message_guid not in self._messages]
        for guid, refs in self.store.message_rows(fresh).items():
            self._waiting.update(((r.sheet, r.row), guid) for r in refs)
        self._messages.update(fresh)
        self._pending.update(fresh)

    def get(self, key: tuple[str, int], default: RowOutcome | None = None) -> RowOutcome | None:  # type: ignore[override]
        if not self.upload.submitted and key not in self._waiting and key not in self._found:
            self._wait_for_row(key)
        message_guid = self._waiting.pop(key, None) if self._forget else self._waiting.get(key)
        if message_guid is not None and message_guid in self._pending:
            self._wait_for(message_guid)
        return self._found.pop(key, default) if self._forget else self._found.get(key, default)

    def __getitem__(self, key: tuple[str, int]) -> RowOutcome:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def _wait_for_row(self, key: tuple[str, int]) -> None:
        deadline = time.monotonic() + self.patience
        while not self.upload.submitted and key not in self._waiting and key not in self._found:
            if time.monotonic() > deadline:
                raise StalledError(self.upload.upload_guid)
            time.sleep(self.poll)
            upload = self.store.get(self.upload.upload_guid)
            if upload is None:  # pragma: no cover - uploads are never deleted
                raise StalledError(self.upload.upload_guid)
            self._learn(upload)

    def _wait_for(self, message_guid: str) -> None:
        deadline = time.monotonic() + self.patience
        while message_guid in self._pending:
            done = [m for m in self.store.messages(self.upload.id) if m.state == 3 and m.message_guid in self._pending]
            if done:
                self._found.update(load_outcomes(self.store, done, self._keep))
                self._pending.difference_update(m.message_guid for m in done)
            elif time.monotonic() > deadline:
                raise StalledError(message_guid)
            else:
                time.sleep(self.poll)


@dataclass
class ResultPreparer:
    """Prepares result files in this process's threads (at most ``at_once`` at a time)."""

    store: UploadStore
    poll_seconds: float = 0.2
    #: how long a row may wait for its message before the preparation is given up
    patience_seconds: float = 600.0
    at_once: int = 2
    #: prepares an upload's file elsewhere (a child process), returning when it is done; for
    #: uploads of ``spawn_min_rows`` rows or more
    spawn: Callable[[StoredUpload], None] | None = None
    spawn_min_rows: int = 20_000
    _running: dict[str, threading.Thread] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def start(self, upload: StoredUpload) -> bool:
        """Begins preparing an upload's result file (its batches may still be being submitted);
        False when it is not prepared."""
        with self._lock:
            if len(self._running) >= self.at_once or upload.upload_guid in self._running:
                return False
            elsewhere = self.spawn is not None and upload.rows_total >= self.spawn_min_rows
            thread = threading.Thread(
                target=self._elsewhere if elsewhere else self.prepare,
                args=(upload,),
                name=f"hub-result-{upload.upload_guid[:8]}",
                daemon=True,
            )
            self._running[upload.upload_guid] = thread
        thread.start()
        return True

    def result(self, desk: UploadDesk, upload: StoredUpload) -> tuple[str, bytes]:
        """The result file: the prepared one when its rows are all processed (waiting for this
        process's preparation to finish), else built now by the desk."""
        thread = self._running.get(upload.upload_guid)
        if thread is not None and desk.status(upload).state == "processed":
            thread.join(self.patience_seconds)
        stored = self.store.stored_result(upload.id)
        adapter = adapters().get(upload.adapter)
        if stored is not None and adapter is not None:
            return adapter.result_name(upload.filename), stored
        return desk.result(upload)

    def _elsewhere(self, upload: StoredUpload) -> None:
        assert self.spawn is not None
        try:
            self.spawn(upload)
        except Exception:
            log.exception("upload %s: preparing its result file failed; it is built when asked for", upload.upload_guid)
        finally:
            with self._lock:
                self._running.pop(upload.upload_guid, None)

    def prepare(self, upload: StoredUpload) -> None:
        """Builds and saves the upload's result file (in this thread)."""
        try:
            adapter = adapters().get(upload.adapter)
            if adapter is None:  # pragma: no cover - an adapter uninstalled after the POST
                return
            outcomes = WaitingOutcomes(self.store, upload, poll=self.poll_seconds, patience=self.patience_seconds)
            self.store.save_result(upload.id, adapter.result(self.store.data(upload.id), outcomes))
        except StalledError:
            log.info("upload %s: rows still in processing; its result file is built when asked for", upload.upload_guid)
        except Exception:
            log.exception("upload %s: preparing its result file failed; it is built when asked for", upload.upload_guid)
        finally:
            with self._lock:
                self._running.pop(upload.upload_guid, None)
