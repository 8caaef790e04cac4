"""Uploaded files (Excel today, CSV or a 1C exchange later) through the one intake.

A file adapter (``adapters/``, found through the ``zhkh_hub.adapters`` entry-point group: the hub
never imports one by name) turns an organization's file into row batches, each the canonical
request element of one operation (at most the operation's per-request limit of objects), and
reports cell-level problems (a bad date, an unknown NSI code) as row problems. :class:`UploadDesk`
submits every batch through ``Intake.submit`` (source ``upload``, authenticated by token) — the
same callers, version, limits, XSD, dedup, inbox and queue as a signed SOAP message — and keeps
the upload → messages → rows mapping, so the status and the result file come from the same
per-object results getState returns. Rows are independent: a row the adapter refused, or whose
object the worker refused, is reported; the others are applied.

A file the adapter cannot read at all (not a workbook, encrypted, macros, a zip bomb, an unknown
template, missing columns …) is refused with a coded error before anything is stored.
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Protocol

from hub.contract.payload import Payload
from hub.contract.registry import Operation, Registry
from hub.contract.result_view import object_values
from hub.errors import E, HubError
from hub.services.intake import Intake, Provenance, Source, Submission, check_caller
from hub.services.ports import Directory, MeteringDevice, Organization

log = logging.getLogger(__name__)

#: the entry-point group adapters declare themselves in (pyproject.toml of whoever ships one)
ENTRY_POINT_GROUP = "zhkh_hub.adapters"
#: the namespace of the requester message ids of an upload's batches (resubmitting is a resend)
_BATCH_NS = uuid.UUID("6c1b3a57-2f0e-4a8e-9d59-0f2b0c1e9a16")


@dataclass(frozen=True, slots=True)
class KindInfo:
    """One kind of file an adapter reads: what it is, how its template says so, where it goes."""

    kind: str  # the hub's short name: readings, accounts, devices, houses
    title: str  # Russian: what an operator sees
    type: str  # the template's TYPE (conf sheet)
    version: str  # the template's VERSION (conf sheet)
    operation: str  # the import operation its rows become
    limit: int  # objects per request (GIS's per-request limit of the operation)
    sheets: tuple[str, ...]  # the data sheets
    #: local names of the result values the kind's result file fills in (GUID, UniqueNumber …);
    #: the rest of an object's result is not kept (100 000 rows of outcomes stay small)
    results: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RowRef:
    """A data row of the file and the TransportGUID its object carries in the request."""

    sheet: str
    row: int  # 1-based, as Excel shows it
    transport_guid: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a row was not sent (or, after processing, why its object was refused)."""

    sheet: str
    row: int
    code: str
    text: str
    column: str | None = None  # the header of the bad cell, when one cell is to blame


@dataclass(frozen=True)
class Batch:
    """Rows that go in one request: ``make(indices)`` builds the request element of those rows
    (all of them normally; one at a time when the whole batch was refused by the XSD)."""

    rows: tuple[RowRef, ...]
    make: Callable[[Sequence[int]], Any]
    #: False: the rows are parts of one object (a house and its premises): never sent one by one
    splittable: bool = True


@dataclass(frozen=True)
class ParsedFile:
    kind: KindInfo
    batches: list[Batch]
    problems: list[RowProblem]
    rows_total: int


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """A row's final status as the result file shows it."""

    ok: bool | None  # None: not processed yet
    code: str | None = None
    text: str | None = None
    column: str | None = None
    #: the object's result values by local name (GUID, UniqueNumber, UnifiedAccountNumber …)
    values: Mapping[str, str] = field(default_factory=dict)


class Lookups(Protocol):
    """What an adapter may read of the hub while it builds templates and maps rows."""

    def nsi_items(self, registry: int) -> Sequence[tuple[str, str, str]]:
        """(code, GUID, name) of a common NSI book's current items, in code order."""
        ...

    def nsi_complete(self, registry: int) -> bool:
        """Whether the hub holds the whole book (an unknown code is then INT002000)."""
        ...

    def meters(self, guids: Collection[str]) -> Mapping[str, MeteringDevice]:
        """Devices by root or version GUID (lowercased keys; unknown ones absent)."""
        ...

    def accounts(self, keys: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], str]:
        """AccountGUIDs of the uploading organization's accounts by ``("unified", ЕЛС)`` or
        ``("number", account number)``; unknown keys (and every key when no organization is
        uploading, as while a template is built) are absent."""
        ...

    def scoped(self, organization_id: int) -> Lookups:
        """The same lookups as the uploading organization sees the hub (its own accounts)."""
        ...


class FileAdapter(Protocol):
    """An input format: its kinds, their templates, a reader and a result writer."""

    name: str

    def kinds(self) -> Sequence[KindInfo]: ...

    def sniff(self, head: bytes, filename: str) -> bool:
        """Whether this adapter reads files starting with ``head`` (or named so)."""
        ...

    def template(self, kind: str, lookups: Lookups) -> bytes: ...

    def template_name(self, kind: str) -> str: ...

    def read(self, data: bytes, lookups: Lookups, filename: str) -> ParsedFile:
        """The file's batches and row problems; HubError (sheet, row, column) for a bad file."""
        ...

    def result(self, data: bytes, outcomes: Mapping[tuple[str, int], RowOutcome]) -> bytes:
        """The file as uploaded with every data row's status and the assigned identifiers."""
        ...

    def result_name(self, filename: str) -> str: ...


@functools.cache
def adapters() -> dict[str, FileAdapter]:
    """The installed adapters by name (entry points ``zhkh_hub.adapters``: ``name = module:factory``)."""
    found: dict[str, FileAdapter] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        adapter: FileAdapter = entry.load()()
        found[adapter.name] = adapter
    return found


def adapter_for_kind(kind: str) -> tuple[FileAdapter, KindInfo]:
    for adapter in adapters().values():
        for info in adapter.kinds():
            if info.kind == kind:
                return adapter, info
    raise HubError(E.FMT916012, f"Вид {kind!r}; есть: {', '.join(all_kinds())}")


def all_kinds() -> list[str]:
    return [info.kind for adapter in adapters().values() for info in adapter.kinds()]


def adapter_for_file(data: bytes, filename: str) -> FileAdapter:
    for adapter in adapters().values():
        if adapter.sniff(data[:8], filename):
            return adapter
    raise HubError(E.FMT916001, f"Файл {filename!r}", where=filename)


@dataclass(frozen=True, slots=True)
class StoredUpload:
    id: int
    upload_guid: str
    sender_id: int
    kind: str
    adapter: str
    filename: str
    rows_total: int
    problems: tuple[RowProblem, ...]
    created_at: str
    #: every batch has reached the intake (False while the POST, or a resume, is sending)
    submitted: bool = True


@dataclass(frozen=True, slots=True)
class UploadMessage:
    """One submitted batch: its message and the message's state (``message_rows``: its rows)."""

    message_guid: str
    state: int


class UploadStore(Protocol):
    def create(self, *, upload_guid: str, sender_id: int, kind: str, adapter: str, filename: str, data: bytes,
               rows_total: int, problems: Sequence[RowProblem]) -> int: ...  # fmt: skip

    def add_message(self, upload_id: int, message_guid: str, rows: Sequence[RowRef]) -> None:
        """Records a batch's message (once: a resume resends accepted batches) and touches the upload."""
        ...

    def add_problems(self, upload_id: int, problems: Sequence[RowProblem]) -> None:
        """Adds the problems of rows that have none yet (a resume finds the same ones again)."""
        ...

    def mark_submitted(self, upload_id: int) -> None: ...
    def save_result(self, upload_id: int, data: bytes) -> None: ...
    def stored_result(self, upload_id: int) -> bytes | None:
        """The result workbook prepared while the rows were processed (None: not prepared)."""
        ...

    def claim_stalled(self, older_than_seconds: float) -> StoredUpload | None:
        """An upload not yet submitted whose sending stalled this long, claimed for a resume."""
        ...

    def get(self, upload_guid: str) -> StoredUpload | None: ...

    def messages(self, upload_id: int) -> list[UploadMessage]:
        """The upload's messages with their state; ``message_rows`` and ``results`` read the rest."""
        ...

    def message_rows(self, message_guids: Collection[str]) -> dict[str, tuple[RowRef, ...]]: ...

    def results(self, message_guids: Collection[str]) -> dict[str, bytes]:
        """The stored result fragments of these processed messages."""
        ...

    def data(self, upload_id: int) -> bytes: ...


@dataclass(frozen=True)
class UploadStatus:
    upload: StoredUpload
    state: str  # processing | processed
    rows_done: int
    rows_failed: int
    message_guids: list[str]

    @property
    def rows_total(self) -> int:
        return self.upload.rows_total


#: stored results read at a time (a 1000-reading result is ~230 KB: 100 of them at once would be 23 MB)
RESULTS_AT_ONCE = 10
#: processed messages whose row counts a desk keeps (two integers each)
COUNTS_KEPT = 100_000
_MISSING = RowOutcome(False, E.INT916001.code, E.INT916001.text)
_DONE = RowOutcome(True)


def _outcome(objects: dict[str, RowOutcome], ref: RowRef) -> RowOutcome:
    return objects.get(ref.transport_guid.lower()) or objects.get("", _MISSING)


def _objects(result: bytes, keep: frozenset[str]) -> dict[str, RowOutcome]:
    """TransportGUID (lowercased) → the outcome of a processed message's objects, with the result
    values named in ``keep``; under "" the outcome of a row whose object has none (the whole
    message's error, or INT916001)."""
    error, objects = object_values(result)
    if error is not None:
        return {"": RowOutcome(False, error.code, error.description)}
    found: dict[str, RowOutcome] = {}
    for item in objects:
        if item.errors:
            found[item.transport_guid] = RowOutcome(False, item.errors[0].code, item.errors[0].description)
        else:
            kept = {k: item.values[k] for k in keep if k in item.values}
            found[item.transport_guid] = RowOutcome(True, values=kept) if kept else _DONE
    return found


def problem_outcomes(upload: StoredUpload, since: int = 0) -> dict[tuple[str, int], RowOutcome]:
    """The outcomes of the rows refused before sending (those found after the first ``since``)."""
    return {(p.sheet, p.row): RowOutcome(False, p.code, p.text, p.column) for p in upload.problems[since:]}


def load_outcomes(
    store: UploadStore, messages: Sequence[UploadMessage], keep: frozenset[str]
) -> dict[tuple[str, int], RowOutcome]:
    """The outcomes of the rows of ``messages`` (of a message still in processing: ``ok`` None)
    with the result values named in ``keep``, read ``RESULTS_AT_ONCE`` messages at a time."""
    found: dict[tuple[str, int], RowOutcome] = {}
    for start in range(0, len(messages), RESULTS_AT_ONCE):
        some = messages[start : start + RESULTS_AT_ONCE]
        rows = store.message_rows([m.message_guid for m in some])
        results = store.results([m.message_guid for m in some if m.state == 3])
        for message in some:
            result = results.get(message.message_guid)
            objects = _objects(result, keep) if result is not None else None
            for ref in rows.get(message.message_guid, ()):
                found[(ref.sheet, ref.row)] = RowOutcome(None) if objects is None else _outcome(objects, ref)
    return found


@dataclass
class UploadDesk:
    """Submits uploads through the intake and answers their status and result file."""

    intake: Intake
    directory: Directory
    registry: Registry
    store: UploadStore
    #: processed message → (rows done, rows failed) of the main sheet
    _counts: dict[str, tuple[int, int]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def submit(self, sender_id: int, filename: str, data: bytes, lookups: Lookups,
               stored: Callable[[StoredUpload], object] | None = None) -> str:  # fmt: skip
        """Read, check and submit; the upload's GUID. A bad file raises before anything is stored.
        ``stored`` is told of the upload once it is stored, before its batches are sent."""
        sender = self.directory.organization(sender_id)
        if sender is None:  # pragma: no cover - a token's organization is never deleted
            raise HubError(E.AUT011002)
        adapter = adapter_for_file(data, filename)
        parsed = adapter.read(data, lookups.scoped(sender.id), filename)
        operation = self._operation(parsed)
        check_caller(operation, sender)
        upload_guid = str(uuid.uuid4())
        upload_id = self.store.create(
            upload_guid=upload_guid,
            sender_id=sender.id,
            kind=parsed.kind.kind,
            adapter=adapter.name,
            filename=filename,
            data=data,
            rows_total=parsed.rows_total,
            problems=parsed.problems,
        )
        if stored is not None:
            found = self.store.get(upload_guid)
            if found is not None:
                stored(found)
        self._send_all(upload_guid, upload_id, parsed, operation, sender)
        return upload_guid

    def resume(self, lookups: Lookups, stalled_seconds: float) -> list[str]:
        """Sends the rest of every upload whose sending stalled (the process that took its POST
        died): the stored file is read again and every batch sent again. Batches are the same
        bytes under the same MessageGUIDs (the adapter derives TransportGUIDs from the file), so
        the intake answers those it already accepted with their first Ack and takes the others.
        The GUIDs of the uploads resumed."""
        resumed: list[str] = []
        while (upload := self.store.claim_stalled(stalled_seconds)) is not None:
            sender = self.directory.organization(upload.sender_id)
            adapter = adapters().get(upload.adapter)
            if sender is None or adapter is None:  # pragma: no cover - uninstalled since the POST
                log.warning("upload %s cannot be resumed: adapter %s", upload.upload_guid, upload.adapter)
                self.store.mark_submitted(upload.id)
                continue
            parsed = adapter.read(self.store.data(upload.id), lookups.scoped(sender.id), upload.filename)
            self.store.add_problems(upload.id, parsed.problems)
            self._send_all(upload.upload_guid, upload.id, parsed, self._operation(parsed), sender)
            log.info("upload %s resumed: %d batches sent again", upload.upload_guid, len(parsed.batches))
            resumed.append(upload.upload_guid)
        return resumed

    def _operation(self, parsed: ParsedFile) -> Operation:
        operation = self.registry.operation(parsed.kind.operation)
        if operation is None:  # pragma: no cover - the kinds table names registered operations
            raise HubError(E.FMT916005, f"Операция {parsed.kind.operation} не обслуживается")
        return operation

    def _send_all(self, upload_guid: str, upload_id: int, parsed: ParsedFile, operation: Operation,
                  sender: Organization) -> None:  # fmt: skip
        for number, batch in enumerate(parsed.batches):
            self._send(upload_guid, upload_id, f"{number}", batch, list(range(len(batch.rows))), operation, sender)
        self.store.mark_submitted(upload_id)

    def _send(self, upload_guid: str, upload_id: int, key: str, batch: Batch, indices: list[int],
              operation: Operation, sender: Organization) -> None:  # fmt: skip
        rows = [batch.rows[i] for i in indices]
        payload = Payload.unsigned(batch.make(indices))
        detail = {"upload": upload_guid, "sheet": rows[0].sheet, "rows": f"{rows[0].row}-{rows[-1].row}"}
        try:
            ack = self.intake.submit(
                Submission(
                    operation=operation,
                    payload=payload,
                    sender=sender,
                    requester_message_guid=str(uuid.uuid5(_BATCH_NS, f"{upload_guid}:{key}")),
                    provenance=Provenance(source=Source.UPLOAD, raw=b"", authenticated_by="token", detail=detail),
                )
            )
        except HubError as error:
            if error.code == E.FMT001300.code and len(indices) > 1 and batch.splittable:
                # one row breaks the schema: send the rows one by one so the others still go
                for i in indices:
                    self._send(upload_guid, upload_id, f"{key}.{i}", batch, [i], operation, sender)
                return
            problems = [RowProblem(r.sheet, r.row, error.code, error.message) for r in rows]
            self.store.add_problems(upload_id, problems)
            return
        self.store.add_message(upload_id, ack.message_guid, rows)

    def visible(self, upload_guid: str, organization_id: int | None) -> StoredUpload:
        """The upload when the caller may see it (its organization's; the operator: any)."""
        found = self.store.get(upload_guid.strip().lower())
        if found is None or (organization_id is not None and found.sender_id != organization_id):
            raise HubError(E.INT002013, f"Загрузка {upload_guid}")
        return found

    def status(self, upload: StoredUpload) -> UploadStatus:
        """State and counts of rows done and failed. A processed message is counted once and its
        counts kept (its result never changes), so polling a 100 000-row upload reads only the
        messages that finished since the last poll."""
        main = adapter_for_kind(upload.kind)[1].sheets[0]
        messages = self.store.messages(upload.id)
        fresh = [m.message_guid for m in messages if m.state == 3 and m.message_guid not in self._counts]
        for start in range(0, len(fresh), RESULTS_AT_ONCE):
            some = fresh[start : start + RESULTS_AT_ONCE]
            rows = self.store.message_rows(some)
            for message_guid, result in self.store.results(some).items():
                objects = _objects(result, frozenset())  # counted, not shown
                outcomes = [_outcome(objects, ref) for ref in rows.get(message_guid, ()) if ref.sheet == main]
                counts = (sum(1 for o in outcomes if o.ok), sum(1 for o in outcomes if o.ok is False))
                with self._lock:
                    self._counts[message_guid] = counts
                    while len(self._counts) > COUNTS_KEPT:
                        self._counts.pop(next(iter(self._counts)))
        counted = [self._counts.get(m.message_guid) for m in messages if m.state == 3]
        refused = {(p.sheet, p.row) for p in upload.problems if p.sheet == main}
        return UploadStatus(
            upload=upload,
            state="processed"
            if upload.submitted and all(m.state == 3 for m in messages) and all(counted)
            else "processing",
            rows_done=sum(c[0] for c in counted if c),
            rows_failed=len(refused) + sum(c[1] for c in counted if c),
            message_guids=[m.message_guid for m in messages],
        )

    def outcomes(self, upload: StoredUpload) -> dict[tuple[str, int], RowOutcome]:
        """Every row's outcome: the problems found before sending, then each message's results
        (rows of a message still in processing: ``ok`` None)."""
        found = problem_outcomes(upload)
        messages = self.store.messages(upload.id)
        found.update(load_outcomes(self.store, messages, adapter_for_kind(upload.kind)[1].results))
        return found

    def result(self, upload: StoredUpload) -> tuple[str, bytes]:
        """The result file's name and bytes (rows still in processing carry no status yet)."""
        adapter = adapters().get(upload.adapter)
        if adapter is None:  # pragma: no cover - an adapter uninstalled after an upload
            raise HubError(E.FMT916001, f"Адаптер {upload.adapter} не установлен")
        outcomes = self.outcomes(upload)
        return adapter.result_name(upload.filename), adapter.result(self.store.data(upload.id), outcomes)
