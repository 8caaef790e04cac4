"""The result file prepared alongside the processing (``hub.services.upload_results``)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from adapters.excel.kinds import READINGS
from hub.services.upload_results import ResultPreparer, StalledError, WaitingOutcomes
from hub.services.uploads import RowProblem, RowRef, StoredUpload, UploadMessage
from hub.web import upload_ports
from tests.e2e.harness import HubUnderTest, wait_for
from tests.e2e.rest import token_for
from tests.uploads.setup import cold_water_meters
from tests.uploads.test_readings_upload import SHEET
from tests.uploads.test_result_file import readings_file
from tests.uploads.workbooks import filled, result, statuses, template, upload

RESULT = (
    b'<ImportResult xmlns="urn:x"><base:TransportGUID xmlns:base="http://dom.gosuslugi.ru/schema/integration/base/">'
    b"%s</base:TransportGUID></ImportResult>"
)


def test_the_prepared_file_is_stored_and_says_what_a_file_built_on_demand_says(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    roots = cold_water_meters(hut, hut.orgs["a"], 2)
    rows = [(roots[0], "1", 20, None, None, "20.11.2026"), (roots[1], "2", 20, None, None, "20.11.2026")]
    status = upload(hut, token, filled(template(hut, token, "readings"), {SHEET: rows}))
    ports = upload_ports(hut.hub)
    stored = ports.desk.visible(status["upload_id"], None)
    assert wait_for(lambda: ports.results.store.stored_result(stored.id) is not None, 20)
    _name, served = result(hut, token, status["upload_id"])
    _name, built = ports.desk.result(stored)  # what the hub builds when nothing was prepared
    on_demand = statuses(load_workbook(io.BytesIO(built)), SHEET)
    assert statuses(served, SHEET) == on_demand
    assert on_demand[0] == "Обработано" and on_demand[1].startswith("Ошибка: INT912002")


class SlowStore:
    """An upload store whose one message is processed after ``polls_before_done`` looks."""

    def __init__(self, polls_before_done: int | None) -> None:
        self.polls_before_done = polls_before_done
        self.polls = 0

    def messages(self, upload_id: int) -> list[UploadMessage]:
        self.polls += 1
        done = self.polls_before_done is not None and self.polls > self.polls_before_done
        return [UploadMessage("m1", 3 if done else 2)]

    def message_rows(self, message_guids: Collection[str]) -> dict[str, tuple[RowRef, ...]]:
        return {"m1": (RowRef("Лист", 3, "t3"), RowRef("Лист", 4, "t4"))}

    def results(self, message_guids: Collection[str]) -> dict[str, bytes]:
        return {"m1": b"<r>" + RESULT % b"t3" + RESULT % b"t4" + b"</r>"} if "m1" in message_guids else {}


def _upload(problems: Sequence[RowProblem] = ()) -> StoredUpload:
    return StoredUpload(1, "u", 1, "readings", "excel", "x.xlsx", 3, tuple(problems), "2026-12-06T00:00:00+00:00")


def test_a_row_waits_until_its_message_is_processed() -> None:
    store = SlowStore(polls_before_done=3)
    problem = RowProblem("Лист", 5, "FMT916010", "не заполнено", "Т1")
    outcomes = WaitingOutcomes(store, _upload([problem]), poll=0.01, patience=5)  # type: ignore[arg-type]
    assert outcomes.get(("Лист", 5)) is not None and store.polls == 1  # refused before sending: no wait
    assert outcomes.get(("Лист", 99)) is None  # a row of no message
    started = time.monotonic()
    first = outcomes.get(("Лист", 3))
    assert first is not None and first.ok is True and store.polls == 4  # waited for the message
    second = outcomes.get(("Лист", 4))
    assert second is not None and second.ok is True and store.polls == 4  # read with the first
    assert time.monotonic() - started >= 0.02


def test_a_message_never_processed_gives_up_after_the_patience() -> None:
    outcomes = WaitingOutcomes(SlowStore(None), _upload(), poll=0.01, patience=0.05)  # type: ignore[arg-type]
    with pytest.raises(StalledError):
        outcomes.get(("Лист", 3))


class FileStore(SlowStore):
    """The slow store with a two-row readings file whose rows are the message's, and a place to
    save the prepared file."""

    def __init__(self, polls_before_done: int | None) -> None:
        super().__init__(polls_before_done)
        self.saved: bytes | None = None

    def message_rows(self, message_guids: Collection[str]) -> dict[str, tuple[RowRef, ...]]:
        return {"m1": (RowRef(READINGS.main.name, 3, "t3"), RowRef(READINGS.main.name, 4, "t4"))}

    def data(self, upload_id: int) -> bytes:
        return readings_file(2)

    def save_result(self, upload_id: int, data: bytes) -> None:
        self.saved = data

    def stored_result(self, upload_id: int) -> bytes | None:
        return self.saved


def _finished(preparer: ResultPreparer) -> bool:
    return wait_for(lambda: not preparer._running, 10)


def test_the_preparer_saves_the_file_once_the_rows_are_processed() -> None:
    store = FileStore(polls_before_done=2)
    preparer = ResultPreparer(store, poll_seconds=0.01, patience_seconds=5)  # type: ignore[arg-type]
    assert preparer.start(_upload()) and _finished(preparer)
    assert store.saved is not None
    assert statuses(load_workbook(io.BytesIO(store.saved)), READINGS.main.name) == ["Обработано", "Обработано"]


def test_the_preparer_takes_a_bounded_number_at_once_and_gives_up_on_a_stall() -> None:
    store = FileStore(polls_before_done=None)  # never processed
    preparer = ResultPreparer(store, poll_seconds=0.01, patience_seconds=0.2, at_once=1)  # type: ignore[arg-type]
    assert preparer.start(_upload())
    assert not preparer.start(_upload())  # already being prepared
    assert not preparer.start(replace(_upload(), upload_guid="v"))  # one at a time here
    assert _finished(preparer) and store.saved is None  # gave up: the file is built when asked for


class SubmittingStore(FileStore):
    """An upload still being submitted: its one message (rows 3 and 4) is recorded after
    ``sent_after`` looks, and the upload marked submitted after as many more; the message is
    processed at once."""

    def __init__(self, sent_after: int) -> None:
        super().__init__(polls_before_done=0)
        self.sent_after = sent_after
        self.looks = 0

    def messages(self, upload_id: int) -> list[UploadMessage]:
        self.looks += 1
        return [UploadMessage("m1", 3)] if self.looks > self.sent_after else []

    def message_rows(self, message_guids: Collection[str]) -> dict[str, tuple[RowRef, ...]]:
        return {g: rows for g, rows in super().message_rows(message_guids).items() if g in message_guids}

    def get(self, upload_guid: str) -> StoredUpload:
        submitted = self.looks > 2 * self.sent_after
        return replace(_upload(), submitted=submitted)


def test_a_row_of_an_upload_still_being_submitted_waits_for_its_batch() -> None:
    store = SubmittingStore(sent_after=3)
    outcomes = WaitingOutcomes(store, replace(_upload(), submitted=False), poll=0.01, patience=5)  # type: ignore[arg-type]
    first = outcomes.get((READINGS.main.name, 3))
    assert first is not None and first.ok is True and store.looks >= 4  # waited until the batch was sent
    assert outcomes.get((READINGS.main.name, 99)) is None  # no batch holds it: known once submitted
    assert outcomes.upload.submitted


def test_a_batch_never_sent_gives_up_after_the_patience() -> None:
    store = SubmittingStore(sent_after=10**9)
    outcomes = WaitingOutcomes(store, replace(_upload(), submitted=False), poll=0.01, patience=0.05)  # type: ignore[arg-type]
    with pytest.raises(StalledError):
        outcomes.get((READINGS.main.name, 3))


def test_a_large_upload_is_prepared_elsewhere_and_a_small_one_here() -> None:
    store = FileStore(polls_before_done=0)
    elsewhere: list[str] = []
    release = threading.Event()

    def spawn(upload: StoredUpload) -> None:  # a child process's stand-in: returns when "done"
        elsewhere.append(upload.upload_guid)
        release.wait(5)
        if upload.upload_guid == "boom":
            raise RuntimeError("the child could not start")

    preparer = ResultPreparer(store, poll_seconds=0.01, patience_seconds=5, spawn=spawn, spawn_min_rows=3)  # type: ignore[arg-type]
    assert preparer.start(replace(_upload(), upload_guid="big", rows_total=3))
    assert wait_for(lambda: elsewhere == ["big"], 5) and "big" in preparer._running  # running until it ends
    release.set()
    assert _finished(preparer) and store.saved is None  # the child saves, not this process
    assert preparer.start(replace(_upload(), upload_guid="boom", rows_total=5))
    assert _finished(preparer) and elsewhere == ["big", "boom"]  # a failed start is logged and let go
    assert preparer.start(replace(_upload(), upload_guid="small", rows_total=2))
    assert _finished(preparer) and store.saved is not None and elsewhere == ["big", "boom"]
