"""Failing fast and retrying: a deterministic failure ends its message at once, a transient one is
retried (bounded); neither puts a traceback in the response."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from hub.composition import encode_failure
from hub.domain.messages import RequestState
from hub.services.ports import AuditEvent, InboxEntry, NewInboxEntry
from hub.services.processing import ProcessingPolicy, Processor
from hub.store.db import is_transient
from tests.fakes import FakeInbox


class RetryingInbox(FakeInbox):
    """A fake inbox whose claim also takes an entry left PROCESSING (its lease expired)."""

    def claim(self, entry_id: int, worker: str, lease_seconds: float) -> InboxEntry | None:
        entry = self.entries.get(entry_id)
        if entry is None or entry.state is RequestState.PROCESSED:
            return None
        self.entries[entry_id] = replace(
            entry, state=RequestState.PROCESSING, claimed_by=worker, attempts=entry.attempts + 1
        )
        return self.entries[entry_id]


def _added(inbox: FakeInbox) -> InboxEntry:
    entry = NewInboxEntry(
        str(uuid.uuid4()), str(uuid.uuid4()), 1, "home-management", "exportHouseData", "1", "d", b"", b"<x/>"
    )
    return inbox.add(entry, AuditEvent("t", "received", "inbox", entry.message_guid))


def _processor(inbox: FakeInbox, handler: object, **kw: object) -> Processor:
    processor = Processor(inbox=inbox, encode_failure=encode_failure, worker_name="w", **kw)  # type: ignore[arg-type]
    processor.handlers["exportHouseData"] = handler  # type: ignore[assignment]
    return processor


def test_a_deterministic_failure_ends_the_message_at_once(caplog: pytest.LogCaptureFixture) -> None:
    inbox = RetryingInbox()
    entry = _added(inbox)

    def broken(_entry: InboxEntry, _payload: bytes) -> bytes:
        raise ValueError("Invalid isoformat string: '2008-10-09Z'")

    with caplog.at_level(logging.ERROR, logger="hub.services.processing"):
        assert _processor(inbox, broken).process(entry.id) is True

    done = inbox.entries[entry.id]
    assert done.state is RequestState.PROCESSED and done.attempts == 1
    assert done.result is not None and b"EXP001000" in done.result
    assert b"isoformat" not in done.result and b"Traceback" not in done.result
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert str(entry.id) in record.getMessage() and entry.message_guid in record.getMessage()
    assert record.exc_info is not None and "isoformat" in str(record.exc_info[1])


def test_a_transient_failure_is_retried_then_bounded() -> None:
    inbox = RetryingInbox()
    entry = _added(inbox)
    calls = []

    def flaky(_entry: InboxEntry, _payload: bytes) -> bytes:
        calls.append(1)
        raise ConnectionError("database went away")

    processor = _processor(
        inbox, flaky, policy=ProcessingPolicy(max_attempts=3), transient=lambda e: isinstance(e, ConnectionError)
    )
    for _ in range(2):
        with pytest.raises(ConnectionError):
            processor.process(entry.id)
        assert inbox.entries[entry.id].state is RequestState.PROCESSING
    assert processor.process(entry.id) is True
    assert len(calls) == 3
    assert b"EXP001000" in (inbox.entries[entry.id].result or b"")


def test_a_transient_failure_that_clears_completes_normally() -> None:
    inbox = RetryingInbox()
    entry = _added(inbox)
    outcomes = iter([ConnectionError("gone"), None])

    def recovering(_entry: InboxEntry, _payload: bytes) -> bytes:
        failure = next(outcomes)
        if failure is not None:
            raise failure
        return b"<ok/>"

    processor = _processor(inbox, recovering, transient=lambda e: isinstance(e, ConnectionError))
    with pytest.raises(ConnectionError):
        processor.process(entry.id)
    assert processor.process(entry.id) is True
    assert inbox.entries[entry.id].result == b"<ok/>"


def test_which_store_failures_are_transient(tmp_path: Path) -> None:
    missing = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    with pytest.raises(Exception) as gone:
        missing.connect()
    assert is_transient(gone.value)

    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with pytest.raises(IntegrityError) as duplicate, engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert not is_transient(duplicate.value)
    assert not is_transient(ValueError("bad"))
    assert not is_transient(KeyError("x"))
