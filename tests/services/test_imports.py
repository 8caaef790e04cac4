"""Per-object import processing: every object applied exactly once, even across a crash."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

import pytest
from sqlalchemy import Connection, func, select

from hub.domain.outcomes import ObjectError, ObjectOutcome
from hub.errors import E, HubError
from hub.services.imports import ChunkConflictError, run_import
from hub.services.ports import AuditEvent, NewInboxEntry
from hub.store.audit import write_audit
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.imports import SqlImportSession, SqlImportStore
from hub.store.inbox import SqlInbox
from hub.store.tables import audit_log
from tests.servers import Backend


@dataclass(frozen=True)
class Cmd:
    transport_guid: str
    value: int


class CountingSession(SqlImportSession):
    """A 'domain write' per object: one audit row, so double application is visible."""

    def apply(self, cmd: Cmd) -> None:
        write_audit(self.conn, AuditEvent("test", "applied", "cmd", cmd.transport_guid))


class CrashError(Exception):
    """Stands in for a process dying in the middle of a chunk."""


def _store(backend: Backend) -> tuple[Store, int]:
    store = Store(backend.engine)
    org = SqlDirectory(store).add_organization(
        ppaguid=str(uuid.uuid4()),
        name="x",
        ogrn="1",
        inn="1",
        kpp="",
        roles=["УО"],
        password_hash=None,
        actor="t",
    )
    entry = SqlInbox(store).add(
        NewInboxEntry(str(uuid.uuid4()), str(uuid.uuid4()), org.id, "s", "op", "1", "d", b"", b"", None),
        AuditEvent("t", "received", "inbox", "x"),
    )
    return store, entry.id


def _applied(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).where(audit_log.c.action == "applied")).scalar_one())


def test_crash_mid_message_then_rerun_applies_each_object_once(backend: Backend) -> None:
    store, inbox_id = _store(backend)
    commands = [Cmd(str(uuid.uuid4()), i) for i in range(100)]
    crash_at = {57}

    def apply(session: CountingSession, cmd: Cmd, done: Mapping[int, ObjectOutcome]) -> ObjectOutcome:
        if cmd.value in crash_at:
            raise CrashError
        if cmd.value % 10 == 3:
            raise HubError(E.INT002034, f"object {cmd.value}")
        session.apply(cmd)
        return ObjectOutcome(cmd.transport_guid, guid=str(uuid.uuid4()), unique_number=str(cmd.value))

    imports = SqlImportStore(store, CountingSession)
    with pytest.raises(CrashError):
        run_import(inbox_id, commands, apply, store=imports, chunk_size=25)
    with store.reading() as conn:
        assert _applied(conn) == 50 - 5  # two chunks committed; the third rolled back whole
    assert len(imports.outcomes(inbox_id)) == 50

    crash_at.clear()
    outcomes = run_import(inbox_id, commands, apply, store=imports, chunk_size=25)
    assert [o.transport_guid for o in outcomes] == [c.transport_guid for c in commands]
    assert sum(o.ok for o in outcomes) == 90
    assert all(o.errors[0].code == "INT002034" for o in outcomes if not o.ok)
    with store.reading() as conn:
        assert _applied(conn) == 90

    # A third run (a redelivered message) changes nothing and returns the same outcomes.
    again = run_import(inbox_id, commands, apply, store=imports, chunk_size=25)
    assert again == outcomes
    with store.reading() as conn:
        assert _applied(conn) == 90


def test_failed_object_rolls_back_only_its_own_writes(backend: Backend) -> None:
    store, inbox_id = _store(backend)

    def apply(session: CountingSession, cmd: Cmd, done: Mapping[int, ObjectOutcome]) -> ObjectOutcome:
        session.apply(cmd)  # written, then the object fails: its savepoint is rolled back
        if cmd.value == 1:
            raise HubError(E.INT002034)
        return ObjectOutcome(cmd.transport_guid, guid=cmd.transport_guid)

    commands = [Cmd(str(uuid.uuid4()), i) for i in range(3)]
    outcomes = run_import(inbox_id, commands, apply, store=SqlImportStore(store, CountingSession))
    assert [o.ok for o in outcomes] == [True, False, True]
    with store.reading() as conn:
        assert _applied(conn) == 2


def test_a_chunk_fast_path_that_conflicts_or_declines_is_redone_per_object(backend: Backend) -> None:
    store, inbox_id = _store(backend)
    commands = [Cmd(str(uuid.uuid4()), i) for i in range(30)]
    per_object: list[int] = []

    def apply(session: CountingSession, cmd: Cmd, done: Mapping[int, ObjectOutcome]) -> ObjectOutcome:
        per_object.append(cmd.value)
        session.apply(cmd)
        return ObjectOutcome(cmd.transport_guid, guid=cmd.transport_guid)

    def apply_chunk(
        session: CountingSession, items: Sequence[tuple[int, Cmd]], done: Mapping[int, ObjectOutcome]
    ) -> dict[int, ObjectOutcome] | None:
        for _seq, cmd in items:
            session.apply(cmd)  # written, then thrown away with the chunk's savepoint
        first = items[0][1].value
        if first == 10:
            raise ChunkConflictError("a rival got a number first")
        if first == 20:
            return None
        return {seq: ObjectOutcome(cmd.transport_guid, guid="fast") for seq, cmd in items}

    outcomes = run_import(
        inbox_id, commands, apply, store=SqlImportStore(store, CountingSession), chunk_size=10, apply_chunk=apply_chunk
    )
    assert per_object == list(range(10, 30))
    assert [o.guid == "fast" for o in outcomes] == [True] * 10 + [False] * 20
    with store.reading() as conn:
        assert _applied(conn) == 30
    assert len(SqlImportStore(store, CountingSession).outcomes(inbox_id)) == 30


def test_only_a_first_attempt_skips_reading_recorded_outcomes(backend: Backend) -> None:
    """``first_attempt`` trusts that nothing was recorded; a retry always reads what was."""
    store, inbox_id = _store(backend)
    commands = [Cmd(str(uuid.uuid4()), i) for i in range(10)]
    imports = SqlImportStore(store, CountingSession)

    def apply(session: CountingSession, cmd: Cmd, done: Mapping[int, ObjectOutcome]) -> ObjectOutcome:
        if cmd.value == 7:
            raise CrashError
        session.apply(cmd)
        return ObjectOutcome(cmd.transport_guid, guid=str(uuid.uuid4()))

    with pytest.raises(CrashError):
        run_import(inbox_id, commands, apply, store=imports, chunk_size=5, first_attempt=True)
    reads: list[int] = []
    original = imports.outcomes
    imports.outcomes = lambda i: reads.append(i) or original(i)  # type: ignore[method-assign]
    commands[7] = Cmd(commands[7].transport_guid, 70)
    outcomes = run_import(inbox_id, commands, apply, store=imports, chunk_size=5)
    assert reads == [inbox_id]
    assert [o.ok for o in outcomes] == [True] * 10
    with store.engine.connect() as conn:
        assert _applied(conn) == 10  # the first chunk of five was not applied again


def test_recorded_outcomes_read_back_equal_in_every_field(backend: Backend) -> None:
    """A resumed message answers with exactly the outcomes its committed chunks recorded."""
    recorded = {
        0: ObjectOutcome(
            str(uuid.uuid4()),
            guid=str(uuid.uuid4()),
            unique_number="000000000042",
            update_date=datetime(2026, 11, 23, 9, 30, 5, tzinfo=UTC),
            extension={"UnifiedAccountNumber": "00АБ000001", "ServiceID": "00АБ000001-01"},
        ),
        1: ObjectOutcome(
            str(uuid.uuid4()),
            errors=(ObjectError("INT004057", 'Номер "1" & <занят>'), ObjectError("INT002000", "второй")),
        ),
        5: ObjectOutcome(
            str(uuid.uuid4()),
            guid=str(uuid.uuid4()),
            update_date=datetime(2026, 1, 1, tzinfo=UTC),
            extension=MappingProxyType({"ServiceID": "00АБ000002-01"}),  # any Mapping, not only a dict
        ),
    }
    store, inbox_id = _store(backend)
    imports = SqlImportStore(store, CountingSession)
    for chunk in ((0, 1), (5,)):
        with imports.session(inbox_id) as session:
            for seq in chunk:
                session.record(seq, recorded[seq])
    with imports.session(inbox_id):
        pass  # a session that recorded nothing writes no row
    assert imports.outcomes(inbox_id) == recorded
