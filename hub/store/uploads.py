"""Uploads as stored: the file, the rows refused before sending, each batch's message and rows.

``messages`` joins each batch to its inbox entry (state and stored result fragment) so an
upload's status is read in one statement, from the same results getState returns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update

from hub.services.ports import AccountKeyLookup, MeteringDevice, MeteringDeviceLookup
from hub.services.uploads import RowProblem, RowRef, StoredUpload, UploadMessage
from hub.store.base import Store, utcnow
from hub.store.tables import inbox, nsi_books, nsi_elements, upload_messages, uploads


def _problems(value: Any) -> tuple[RowProblem, ...]:
    return tuple(RowProblem(sheet, int(row), code, text, column) for sheet, row, code, text, column in value or ())


def _refs(value: Any) -> tuple[RowRef, ...]:
    return tuple(RowRef(sheet, int(number), transport) for sheet, number, transport in value)


def _dump(problems: Sequence[RowProblem]) -> list[list[Any]]:
    return [[p.sheet, p.row, p.code, p.text, p.column] for p in problems]


class SqlUploads:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, *, upload_guid: str, sender_id: int, kind: str, adapter: str, filename: str, data: bytes,
               rows_total: int, problems: Sequence[RowProblem]) -> int:  # fmt: skip
        now = utcnow()
        values = {
            "upload_guid": upload_guid,
            "sender_id": sender_id,
            "kind": kind,
            "adapter": adapter,
            "filename": filename[:255],
            "data": data,
            "rows_total": rows_total,
            "problems": _dump(problems),
            "created_at": now,
            "touched_at": now,
        }
        with self.store.writing() as conn:
            return int(conn.execute(insert(uploads).values(values).returning(uploads.c.id)).scalar_one())

    def add_message(self, upload_id: int, message_guid: str, rows: Sequence[RowRef]) -> None:
        listed = [[r.sheet, r.row, r.transport_guid] for r in rows]
        with self.store.writing() as conn:
            known = select(upload_messages.c.id).where(
                upload_messages.c.upload_id == upload_id, upload_messages.c.message_guid == message_guid
            )
            if conn.execute(known).first() is None:  # a resumed upload resends what was accepted
                conn.execute(
                    insert(upload_messages).values(upload_id=upload_id, message_guid=message_guid, rows=listed)
                )
            conn.execute(update(uploads).where(uploads.c.id == upload_id).values(touched_at=utcnow()))

    def add_problems(self, upload_id: int, problems: Sequence[RowProblem]) -> None:
        with self.store.writing() as conn:
            current = conn.execute(select(uploads.c.problems).where(uploads.c.id == upload_id)).scalar_one()
            merged = list(current or [])
            seen = {(sheet, row) for sheet, row, *_rest in merged}
            merged += [p for p in _dump(problems) if (p[0], p[1]) not in seen]
            conn.execute(update(uploads).where(uploads.c.id == upload_id).values(problems=merged, touched_at=utcnow()))

    def mark_submitted(self, upload_id: int) -> None:
        with self.store.writing() as conn:
            now = utcnow()
            conn.execute(update(uploads).where(uploads.c.id == upload_id).values(submitted_at=now, touched_at=now))

    def claim_stalled(self, older_than_seconds: float) -> StoredUpload | None:
        """One upload still sending whose sender shows no sign of life (its process died): the
        claim moves ``touched_at`` to now, so of several claimers exactly one wins it."""
        cutoff = utcnow() - timedelta(seconds=older_than_seconds)
        stalled = uploads.c.submitted_at.is_(None) & or_(uploads.c.touched_at.is_(None), uploads.c.touched_at < cutoff)
        oldest = select(uploads.c.id, uploads.c.upload_guid, uploads.c.touched_at).where(stalled).order_by(uploads.c.id)
        with self.store.reading() as conn:  # the usual answer, every few seconds: none (no write lock)
            found = conn.execute(oldest).first()
        if found is None:
            return None
        touched = uploads.c.touched_at
        same = touched.is_(None) if found.touched_at is None else touched == found.touched_at
        with self.store.writing() as conn:
            claimed = conn.execute(
                update(uploads).where(uploads.c.id == found.id, uploads.c.submitted_at.is_(None), same)
                .values(touched_at=utcnow())
            ).rowcount  # fmt: skip
        upload_guid = found.upload_guid
        return self.get(upload_guid) if claimed == 1 else None

    def get(self, upload_guid: str) -> StoredUpload | None:
        columns = [c for c in uploads.c if c.name not in ("data", "result")]
        with self.store.reading() as conn:
            row = conn.execute(select(*columns).where(uploads.c.upload_guid == upload_guid)).first()
        if row is None:
            return None
        return StoredUpload(
            id=row.id,
            upload_guid=row.upload_guid,
            sender_id=row.sender_id,
            kind=row.kind,
            adapter=row.adapter,
            filename=row.filename,
            rows_total=row.rows_total,
            problems=_problems(row.problems),
            created_at=row.created_at.isoformat(),
            submitted=row.submitted_at is not None,
        )

    def messages(self, upload_id: int) -> list[UploadMessage]:
        query = (
            select(upload_messages.c.message_guid, inbox.c.state)
            .join(inbox, inbox.c.message_guid == upload_messages.c.message_guid)
            .where(upload_messages.c.upload_id == upload_id)
            .order_by(upload_messages.c.id)
        )
        with self.store.reading() as conn:
            return [UploadMessage(message_guid=row.message_guid, state=int(row.state)) for row in conn.execute(query)]

    def message_rows(self, message_guids: Collection[str]) -> dict[str, tuple[RowRef, ...]]:
        found: dict[str, tuple[RowRef, ...]] = {}
        wanted = list(message_guids)
        with self.store.reading() as conn:
            for start in range(0, len(wanted), 500):
                query = select(upload_messages.c.message_guid, upload_messages.c.rows).where(
                    upload_messages.c.message_guid.in_(wanted[start : start + 500])
                )
                found.update({row.message_guid: _refs(row.rows) for row in conn.execute(query)})
        return found

    def results(self, message_guids: Collection[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        wanted = list(message_guids)
        with self.store.reading() as conn:
            for start in range(0, len(wanted), 500):
                query = select(inbox.c.message_guid, inbox.c.result).where(
                    inbox.c.message_guid.in_(wanted[start : start + 500]), inbox.c.result.is_not(None)
                )
                found.update({row.message_guid: bytes(row.result) for row in conn.execute(query)})
        return found

    def data(self, upload_id: int) -> bytes:
        with self.store.reading() as conn:
            return bytes(conn.execute(select(uploads.c.data).where(uploads.c.id == upload_id)).scalar_one())

    def save_result(self, upload_id: int, data: bytes) -> None:
        with self.store.writing() as conn:
            conn.execute(update(uploads).where(uploads.c.id == upload_id).values(result=data))

    def stored_result(self, upload_id: int) -> bytes | None:
        with self.store.reading() as conn:
            found = conn.execute(select(uploads.c.result).where(uploads.c.id == upload_id)).scalar()
        return None if found is None else bytes(found)


class StoreLookups:
    """``hub.services.uploads.Lookups`` over the store: NSI books and, when an area provides the
    ``meters`` and ``accounts`` ports, the device registry and the uploading organization's
    accounts (the factories take a connection). Accounts are read only through a copy
    ``scoped`` to the uploading organization: an unscoped one finds none."""

    def __init__(
        self,
        store: Store,
        meters: Callable[[Any], MeteringDeviceLookup] | None = None,
        accounts: Callable[[Any], AccountKeyLookup] | None = None,
        organization_id: int | None = None,
    ) -> None:
        self.store = store
        self.meters_factory = meters
        self.accounts_factory = accounts
        self.organization_id = organization_id

    def scoped(self, organization_id: int) -> StoreLookups:
        """The same lookups as ``organization_id`` uploading sees the hub."""
        return StoreLookups(self.store, self.meters_factory, self.accounts_factory, organization_id)

    def nsi_items(self, registry: int) -> Sequence[tuple[str, str, str]]:
        query = (
            select(nsi_elements.c.code, nsi_elements.c.guid, nsi_elements.c.name)
            .where(nsi_elements.c.registry == registry, nsi_elements.c.is_actual.is_(True))
            .order_by(nsi_elements.c.code)
        )
        with self.store.reading() as conn:
            rows = [(str(r.code), str(r.guid), str(r.name)) for r in conn.execute(query)]
        return sorted(rows, key=lambda r: (len(r[0]), r[0]))

    def nsi_complete(self, registry: int) -> bool:
        with self.store.reading() as conn:
            found = conn.execute(select(nsi_books.c.complete).where(nsi_books.c.registry == registry)).scalar()
        return bool(found)

    def meters(self, guids: Collection[str]) -> Mapping[str, MeteringDevice]:
        if self.meters_factory is None or not guids:
            return {}
        with self.store.reading() as conn:
            return self.meters_factory(conn).find_many([g.strip().lower() for g in guids])

    def accounts(self, keys: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], str]:
        if self.accounts_factory is None or self.organization_id is None or not keys:
            return {}
        with self.store.reading() as conn:
            return self.accounts_factory(conn).guids_by_keys(self.organization_id, keys)
