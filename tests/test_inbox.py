"""The inbox store: a claim hands over the payload it was accepted with, once per lease, and
leaves one audit row — the same on SQLite and on PostgreSQL (one CTE statement there)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.domain.messages import RequestState
from hub.services.ports import AuditEvent, DuplicateMessageError, NewInboxEntry
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.inbox import SqlInbox
from hub.store.tables import audit_log, inbox_payloads
from tests.servers import Backend


@pytest.fixture
def store(backend: Backend) -> Store:
    return Store(backend.engine)


def _add(store: Store) -> tuple[SqlInbox, int]:
    org = SqlDirectory(store).add_organization(
        ppaguid=str(uuid.uuid4()), name="x", ogrn="1", inn="1", kpp="", roles=["УО"], password_hash=None, actor="t"
    )
    inbox = SqlInbox(store)
    payload = bytes(range(256)) + "<signed>ю</signed>".encode()
    added = inbox.add(
        NewInboxEntry(str(uuid.uuid4()), str(uuid.uuid4()), org.id, "s", "op", "1", "d", b"<raw/>", payload, None),
        AuditEvent("t", "received", "inbox", "x"),
    )
    return inbox, added.id


def _audit(store: Store, action: str, entity_id: str) -> list[tuple[Any, ...]]:
    with store.reading() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.entity_id, audit_log.c.detail)
            .where(audit_log.c.action == action)
            .order_by(audit_log.c.id)
        )
        return [tuple(row) for row in rows if row.entity_id == entity_id]


def _claims(store: Store, entry_id: int) -> list[tuple[Any, ...]]:
    return _audit(store, "claimed", str(entry_id))


def _processed(worker: str) -> AuditEvent:
    return AuditEvent(worker, "processed", "inbox", "guid-x", {"attempt": 9})


def test_claim_returns_the_signed_payload_and_only_once_per_lease(store: Store) -> None:
    inbox, entry_id = _add(store)

    claimed = inbox.claim(entry_id, "w1", 30)

    assert claimed is not None
    assert claimed.payload == bytes(range(256)) + "<signed>ю</signed>".encode()
    assert claimed.state is RequestState.PROCESSING and claimed.attempts == 1 and claimed.claimed_by == "w1"
    assert _claims(store, entry_id) == [("w1", str(entry_id), {"attempt": 1})]
    assert inbox.claim(entry_id, "w2", 30) is None  # leased to w1
    assert _claims(store, entry_id) == [("w1", str(entry_id), {"attempt": 1})]  # no row for a failed claim
    assert inbox.complete(entry_id, "w1", b"<r/>", AuditEvent("w1", "processed", "inbox", "x"))
    assert inbox.claim(entry_id, "w2", 30) is None  # done


def test_an_expired_lease_is_taken_over_as_the_next_attempt(store: Store) -> None:
    inbox, entry_id = _add(store)
    assert inbox.claim(entry_id, "w1", 30) is not None

    taken = inbox.claim(entry_id, "w2", 0)  # w1's lease counts as expired

    assert taken is not None and taken.attempts == 2 and taken.claimed_by == "w2"
    assert _claims(store, entry_id) == [("w1", str(entry_id), {"attempt": 1}), ("w2", str(entry_id), {"attempt": 2})]
    assert not inbox.complete(entry_id, "w1", b"<r/>", _processed("w1"))  # lost its claim
    assert _audit(store, "processed", "guid-x") == []
    assert inbox.complete(entry_id, "w2", b"<r/>", _processed("w2"), b"<answer/>")
    assert _audit(store, "processed", "guid-x") == [("w2", "guid-x", {"attempt": 9})]
    done = inbox.get(entry_id)
    assert done is not None and done.state is RequestState.PROCESSED
    assert (done.result, done.response) == (b"<r/>", b"<answer/>")


def test_add_writes_the_row_its_payloads_and_one_audit_row_or_nothing(store: Store) -> None:
    """One statement on PostgreSQL, three on SQLite: the same rows; a duplicate writes none."""
    inbox, entry_id = _add(store)
    with store.reading() as conn:
        raw, signed = conn.execute(
            select(inbox_payloads.c.raw, inbox_payloads.c.payload).where(inbox_payloads.c.inbox_id == entry_id)
        ).one()
    assert (bytes(raw), bytes(signed)) == (b"<raw/>", bytes(range(256)) + "<signed>ю</signed>".encode())
    assert _audit(store, "received", "x") == [("t", "x", {})]
    entry = inbox.get(entry_id)
    assert entry is not None

    duplicate = NewInboxEntry(
        str(uuid.uuid4()), entry.requester_message_guid, entry.sender_id, "s", "op", "1", "d", b"<r/>", b"<s/>", None
    )
    with pytest.raises(DuplicateMessageError) as info:
        inbox.add(duplicate, AuditEvent("t", "received", "inbox", "again"))

    assert info.value.existing.id == entry_id
    assert _audit(store, "received", "again") == []
    with store.reading() as conn:
        assert conn.execute(select(func.count()).select_from(inbox_payloads)).scalar_one() == 1
