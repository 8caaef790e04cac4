"""The inbox store: a claim hands over the payload it was accepted with, once per lease."""

from __future__ import annotations

import uuid
from pathlib import Path

from hub.domain.messages import RequestState
from hub.services.ports import AuditEvent, NewInboxEntry
from hub.store import migrate
from hub.store.db import make_engine
from hub.store.repositories import SqlDirectory, SqlInbox, Store


def test_claim_returns_the_signed_payload_and_only_once_per_lease(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    migrate.upgrade(engine)
    store = Store(engine)
    org = SqlDirectory(store).add_organization(
        ppaguid=str(uuid.uuid4()), name="x", ogrn="1", inn="1", kpp="", roles=["УО"], password_hash=None, actor="t"
    )
    inbox = SqlInbox(store)
    added = inbox.add(
        NewInboxEntry(str(uuid.uuid4()), str(uuid.uuid4()), org.id, "s", "op", "1", "d", b"<raw/>", b"<signed/>", None),
        AuditEvent("t", "received", "inbox", "x"),
    )
    claimed = inbox.claim(added.id, "w1", 30)
    assert claimed is not None
    assert claimed.payload == b"<signed/>"
    assert claimed.state is RequestState.PROCESSING and claimed.attempts == 1
    assert inbox.claim(added.id, "w2", 30) is None  # leased to w1
    assert inbox.complete(added.id, "w1", b"<r/>", AuditEvent("w1", "processed", "inbox", "x"))
    assert inbox.claim(added.id, "w2", 30) is None  # done
