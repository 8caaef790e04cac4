"""importAccountData a chunk at a time: the rules of ``AccountImport``, a few statements per chunk.

The per-object path (``AccountImport``) asks the store ~10 questions per account (housing
object, number taken, shares, two sequence values, the writes, a savepoint) — a 100-account
message spent almost all its time in those round trips. Here a chunk is applied in three
steps:

1. **Prefetch** everything the rules can ask about, for all objects of the chunk at once:
   the accounts named by AccountGUID (locked ``FOR UPDATE`` on PostgreSQL), the housing
   objects, the owners of the AccountNumbers used, and — after taking the per-object share
   locks for every object the chunk puts a share on, in one statement, in GUID order — the
   shares the organization's open accounts hold there.
2. **Rules** per object, in command order, exactly as ``AccountImport`` applies them, but
   against that snapshot plus what the earlier objects of the same chunk claimed (their
   numbers and shares, the accounts they updated). An object that fails a rule claims
   nothing and gets its error outcome, as with its own savepoint.
3. **Write** what passed in one batch: identifiers from one sequence block per chunk, then
   updates, inserts and accommodations, one statement each (an executemany on SQLite). If
   another worker won a race in between (a unique constraint), the store raises
   ``ChunkConflictError`` and ``run_import`` redoes the chunk object by object, where the loser
   gets its coded error as before.

A chunk that updates the same account twice is declined (``None``): the per-object path
handles that rare case, so the snapshot never has to chain updates of one account.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from hub.areas.accounts import rules as dom
from hub.areas.accounts.rules import Account, AccountCommand, AccountKind, Target
from hub.areas.accounts.usecase import (
    SEQ_UNIFIED_NUMBER,
    SEQ_UNIQUE_NUMBER,
    AccountImportContext,
    AccountImportSession,
    AccountRepository,
    checked_data,
)
from hub.domain.guids import new_guid
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services.ports import HousingObject

Key = tuple[Target, str]


class _Housing:
    """``HousingLookup`` over the prefetched objects (no query per accommodation)."""

    def __init__(self, found: Mapping[str, HousingObject]) -> None:
        self.found = found

    def find(self, guid: str) -> HousingObject | None:
        return self.found.get(guid.strip().lower())

    def find_many(self, guids: Collection[str]) -> dict[str, HousingObject]:
        keys = {guid.strip().lower() for guid in guids}
        return {key: obj for key, obj in self.found.items() if key in keys}


class _Snapshot:
    """What the store held when the chunk started, updated by each object the chunk applies."""

    def __init__(self, repo: AccountRepository, sender_id: int, commands: Sequence[AccountCommand]) -> None:
        guids = {c.account_guid.lower() for c in commands if c.account_guid is not None}
        self.accounts = repo.get_many(guids, for_update=True) if guids else {}
        numbers = {c.data.number for c in commands if c.data.number}
        self.owners = repo.number_owners(sender_id, numbers) if numbers else {}
        keys = {a.key for c in commands if c.data.closure is None for a in c.data.accommodations if a.share is not None}
        #: object → {account GUID: (kind, share)} for the sender's open accounts
        self.shares: dict[Key, dict[str, tuple[AccountKind, Decimal]]] = {}
        self.held: dict[str, set[Key]] = {}
        if keys:
            repo.lock_objects(keys)
            for row in repo.open_shares(sender_id, {guid for _target, guid in keys}):
                if row.key in keys:
                    self._hold(row.account_guid, row.kind, row.key, row.share)

    def _hold(self, guid: str, kind: AccountKind, key: Key, share: Decimal) -> None:
        holders = self.shares.setdefault(key, {})
        _kind, before = holders.get(guid, (kind, Decimal(0)))
        holders[guid] = (kind, before + share)
        self.held.setdefault(guid, set()).add(key)

    def number_taken(self, number: str, except_guid: str | None) -> bool:
        owner = self.owners.get(number)
        return owner is not None and owner != except_guid

    def shares_taken(self, kind: AccountKind, keys: Collection[Key], except_guid: str | None) -> dict[Key, Decimal]:
        taken: dict[Key, Decimal] = {}
        for key in keys:
            for guid, (held_kind, share) in self.shares.get(key, {}).items():
                if held_kind is kind and guid != except_guid:
                    taken[key] = taken.get(key, Decimal(0)) + share
        return taken

    def claim(self, account: Account, existing: Account | None) -> None:
        """Account as applied: later objects of the chunk see its number and shares."""
        if existing is not None and existing.data.number and self.owners.get(existing.data.number) == account.guid:
            del self.owners[existing.data.number]
        if account.data.number:
            self.owners[account.data.number] = account.guid
        for key in self.held.pop(account.guid, set()):
            self.shares[key].pop(account.guid, None)
        if not account.closed:
            for accommodation in account.data.accommodations:
                if accommodation.share is not None:
                    self._hold(account.guid, account.data.kind, accommodation.key, accommodation.share)


@dataclass(frozen=True, slots=True)
class AccountChunkImport(AccountImportContext):
    """``apply_chunk`` for ``run_import``: the accounts of one chunk of an importAccountRequest."""

    def __call__(
        self,
        session: AccountImportSession,
        items: Sequence[tuple[int, AccountCommand]],
        _done: Mapping[int, ObjectOutcome],
    ) -> dict[int, ObjectOutcome] | None:
        commands = [command for _seq, command in items]
        guids = [c.account_guid.lower() for c in commands if c.account_guid is not None]
        if len(guids) != len(set(guids)):
            return None
        repo = session.accounts
        snapshot = _Snapshot(repo, self.sender_id, commands)
        places = {a.guid for c in commands if c.data.closure is None for a in c.data.accommodations}
        housing = _Housing(session.housing.find_many(places) if places else {})
        transports = {seq: command.transport_guid for seq, command in items}
        outcomes: dict[int, ObjectOutcome] = {}
        planned: list[tuple[int, Account, bool]] = []
        now = self.clock()  # one reading per chunk: its accounts are committed together
        for seq, command in items:
            try:
                account, is_new = self._plan(command, snapshot, housing, now)
            except HubError as exc:
                outcomes[seq] = ObjectOutcome.failed(command.transport_guid, exc)
                continue
            planned.append((seq, account, is_new))
        created, changed = self._identify(repo, planned)
        repo.write_chunk(created, changed)
        by_guid = {account.guid: account for account in (*created, *changed)}
        for seq, draft, _is_new in planned:
            account = by_guid[draft.guid]
            outcomes[seq] = ObjectOutcome(
                transports[seq],
                guid=account.guid,
                unique_number=account.unique_number,
                update_date=account.updated_at,
                extension={"UnifiedAccountNumber": account.unified_number, "ServiceID": account.service_id},
            )
        return outcomes

    def _plan(
        self, command: AccountCommand, snapshot: _Snapshot, housing: _Housing, now: datetime
    ) -> tuple[Account, bool]:
        """``AccountImport.__call__`` against the snapshot: the account to write, or HubError."""
        existing = self._existing(snapshot, command)
        data = checked_data(self.nsi, self.sender_id, housing, command, existing)
        except_guid = existing.guid if existing else None
        if data.number and snapshot.number_taken(data.number, except_guid):
            raise HubError(dom.Errors.NUMBER_TAKEN, f"AccountNumber {data.number}", where=command.where)
        if data.closure is None:
            keys = {a.key for a in data.accommodations if a.share is not None}
            if keys:
                taken = snapshot.shares_taken(data.kind, keys, except_guid)
                dom.check_shares(data.accommodations, taken, where=command.where)
        if existing is None:
            dom.check_service_capacity(data.accommodations)
            account = Account(new_guid(), self.sender_id, "", "", data, created_at=now, updated_at=now)
        else:
            accommodations, counter = dom.assign_service_ids(
                data.accommodations, existing.data.accommodations, existing.unified_number, existing.service_counter
            )
            account = replace(
                existing,
                data=replace(data, accommodations=accommodations),
                updated_at=now,
                service_counter=counter,
            )
        snapshot.claim(account, existing)
        return account, existing is None

    def _existing(self, snapshot: _Snapshot, command: AccountCommand) -> Account | None:
        if command.account_guid is None:
            return None
        existing = snapshot.accounts.get(command.account_guid.lower())
        if existing is None:
            raise HubError(E.INT002000, f"AccountGUID {command.account_guid}", where=command.where)
        if existing.org_id != self.sender_id:
            raise HubError(E.AUT011003, f"AccountGUID {command.account_guid}", where=command.where)
        return existing

    def _identify(
        self, repo: AccountRepository, planned: Sequence[tuple[int, Account, bool]]
    ) -> tuple[list[Account], list[Account]]:
        """New accounts get their ЕЛС, UniqueNumber and ИЖКУ from one sequence block each."""
        drafts = [account for _seq, account, is_new in planned if is_new]
        unified = repo.allocate_many(SEQ_UNIFIED_NUMBER, len(drafts))
        unique = repo.allocate_many(SEQ_UNIQUE_NUMBER, len(drafts))
        created = []
        for draft, els_value, unique_value in zip(drafts, unified, unique, strict=True):
            els = dom.unified_account_number(els_value, self.region)
            accommodations, counter = dom.assign_service_ids(draft.data.accommodations, (), els, 0)
            created.append(
                Account(
                    draft.guid,
                    draft.org_id,
                    dom.account_unique_number(unique_value),
                    els,
                    dom.with_accommodations(draft.data, accommodations),
                    draft.created_at,
                    draft.updated_at,
                    counter,
                )
            )
        changed = [account for _seq, account, is_new in planned if not is_new]
        return created, changed
