"""``SqlUploads``' claim of a stalled upload on SQLite and PostgreSQL: of racing claimers one wins."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

from sqlalchemy import update

from hub.services.uploads import StoredUpload
from hub.store.base import Store, utcnow
from hub.store.directory import SqlDirectory
from hub.store.tables import uploads
from hub.store.uploads import SqlUploads
from tests.servers import Backend


def _upload(store: Store, sender_id: int, *, idle_seconds: float) -> str:
    guid = str(uuid.uuid4())
    upload_id = SqlUploads(store).create(
        upload_guid=guid, sender_id=sender_id, kind="readings", adapter="excel", filename="x.xlsx", data=b"x",
        rows_total=1, problems=[],
    )  # fmt: skip
    with store.writing() as conn:
        conn.execute(
            update(uploads)
            .where(uploads.c.id == upload_id)
            .values(touched_at=utcnow() - timedelta(seconds=idle_seconds))
        )
    return guid


def test_a_stalled_upload_is_claimed_once_by_racing_claimers(backend: Backend) -> None:
    store = Store(backend.engine)
    org = SqlDirectory(store).add_organization(
        ppaguid=str(uuid.uuid4()), name="x", ogrn="1", inn="1", kpp="", roles=["УО"], password_hash=None, actor="t"
    )
    fresh = _upload(store, org.id, idle_seconds=1)
    stalled = [_upload(store, org.id, idle_seconds=120) for _ in range(5)]
    claims: list[StoredUpload] = []
    lock = threading.Lock()

    def claimer() -> None:
        while (found := SqlUploads(store).claim_stalled(60)) is not None:
            with lock:
                claims.append(found)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    claimed = [c.upload_guid for c in claims]
    assert sorted(claimed) == sorted(stalled)  # each stalled upload once, the fresh one not at all
    assert fresh not in claimed and all(not c.submitted for c in claims)
    # once submitted, never claimed again; the others are, once they stall again
    SqlUploads(store).mark_submitted(claims[0].id)
    with store.writing() as conn:
        conn.execute(update(uploads).values(touched_at=utcnow() - timedelta(seconds=600)))
    later = []
    while (found := SqlUploads(store).claim_stalled(60)) is not None:
        later.append(found.upload_guid)
    assert sorted(later) == sorted({*stalled, fresh} - {claims[0].upload_guid})
