"""Fakes of the hub's own small interfaces (never of third-party parts)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from hub.domain.messages import RequestState
from hub.services.ports import (
    AuditEvent,
    Backlog,
    DuplicateMessageError,
    InboxEntry,
    NewInboxEntry,
    NsiElement,
)

DEFAULT_BOOKS: dict[int, dict[str, str]] = {
    22: {"1": "Окончание договора"},
    24: {"1": "Аварийный", "2": "Исправный", "3": "Ветхий"},
    30: {"1": "Отдельная квартира", "2": "Квартира коммунального заселения", "3": "Комната"},
    95: {"1": "Паспорт"},
}


class FakeNsi:
    """``NsiCatalog`` holding complete books (an unknown code in them is INT002000)."""

    def __init__(self, books: dict[int, dict[str, str]] | None = None) -> None:
        self.books = DEFAULT_BOOKS if books is None else books

    def has_book(self, registry: int) -> bool:
        return registry in self.books

    def element(self, registry: int, code: str) -> NsiElement | None:
        name = self.books.get(registry, {}).get(code)
        if name is None:
            return None
        return NsiElement(registry, code, str(uuid.uuid5(uuid.NAMESPACE_URL, f"hub-nsi:{registry}:{code}")), name)


class FakeInbox:
    """``Inbox`` in memory: entries by id, unique per (sender, RequesterMessageGUID); no leases
    (a claim takes a received entry only); ``audit`` keeps the events written."""

    def __init__(self) -> None:
        self.entries: dict[int, InboxEntry] = {}
        self.audit: list[AuditEvent] = []
        #: what intake handed over, as it did (source, provenance, raw bytes)
        self.added: list[NewInboxEntry] = []

    def add(self, entry: NewInboxEntry, audit: AuditEvent) -> InboxEntry:
        existing = self.by_requester(entry.sender_id, entry.requester_message_guid)
        if existing is not None:
            raise DuplicateMessageError(existing)
        self.added.append(entry)
        stored = replace(entry.received(len(self.entries) + 1, datetime.now(UTC)), payload=entry.payload)
        self.entries[stored.id] = stored
        self.audit.append(audit)
        return stored

    def get(self, entry_id: int) -> InboxEntry | None:
        return self.entries.get(entry_id)

    def find(self, message_guid: str) -> InboxEntry | None:
        return next((e for e in self.entries.values() if e.message_guid == message_guid), None)

    def by_requester(self, sender_id: int, requester_message_guid: str) -> InboxEntry | None:
        return next(
            (
                e
                for e in self.entries.values()
                if e.sender_id == sender_id and e.requester_message_guid == requester_message_guid
            ),
            None,
        )

    def backlog(self, sender_id: int | None) -> Backlog:
        unfinished = [e for e in self.entries.values() if e.state is not RequestState.PROCESSED]
        return Backlog(total=len(unfinished), sender=sum(1 for e in unfinished if e.sender_id == sender_id))

    def claim(self, entry_id: int, worker: str, lease_seconds: float) -> InboxEntry | None:
        entry = self.entries.get(entry_id)
        if entry is None or entry.state is not RequestState.RECEIVED:
            return None
        self.entries[entry_id] = replace(entry, state=RequestState.PROCESSING, claimed_by=worker, attempts=1)
        return self.entries[entry_id]

    def heartbeat(self, entry_id: int, worker: str) -> None:
        return None

    def complete(
        self, entry_id: int, worker: str, result: bytes, audit: AuditEvent, response: bytes | None = None
    ) -> bool:
        entry = self.entries.get(entry_id)
        if entry is None or entry.claimed_by != worker or entry.state is not RequestState.PROCESSING:
            return False
        self.entries[entry_id] = replace(entry, state=RequestState.PROCESSED, result=result, response=response)
        self.audit.append(audit)
        return True

    def store_response(self, entry_id: int, response: bytes) -> None:
        self.entries[entry_id] = replace(self.entries[entry_id], response=response)

    def unfinished(self, older_than_seconds: float, lease_seconds: float, limit: int = 10_000) -> Sequence[int]:
        return [e.id for e in self.entries.values() if e.state is not RequestState.PROCESSED][:limit]


class FakeQueue:
    """``Queue`` that remembers what was enqueued."""

    def __init__(self) -> None:
        self.enqueued: list[int] = []

    def enqueue(self, entry_id: int) -> None:
        self.enqueued.append(entry_id)
