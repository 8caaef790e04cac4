"""importAccountData and exportAccountData handlers (HomeManagementAsync).

Factories take their dependencies explicitly — ports, not technology — so this module stays
independent of ``hub.store`` (import-linter: handlers and store are sibling layers) and the
composition root decides what is behind them. The store side provides them; in
``hub.composition``, once the ``Hub`` exists::

    from hub.areas.accounts import handlers as accounts
    from hub.areas.accounts.store import account_export_view, account_import_store

    hub.handlers["importAccountData"] = accounts.make_import_account_handler(
        imports=account_import_store(hub.store), nsi=hub.nsi,
        chunk_size=hub.settings.import_chunk, progress=hub.progress)
    hub.handlers["exportAccountData"] = accounts.make_export_account_handler(
        reading=account_export_view(hub.store))

Import goes through ``hub.services.imports.run_import``: a chunk of accounts is applied at once
(``hub.areas.accounts.chunks``; per account in its own savepoint when the chunk path declines
or loses a race) and the outcomes are recorded in the same transaction, so a crashed worker's
successor skips what was committed and the result has exactly one CommonResult per account.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from hub import ns
from hub.areas.accounts.chunks import AccountChunkImport
from hub.areas.accounts.codec import decode_import, encode_account, import_account_extension_xml
from hub.areas.accounts.usecase import (
    AccountExportView,
    AccountImport,
    AccountImportSession,
    Selection,
    export_accounts,
)
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.imports import ImportStore, run_import
from hub.services.ports import InboxEntry, NsiCatalog
from hub.services.processing import Handler

#: getStateResult/ImportResult/@version (fixed in the XSD)
IMPORT_RESULT_VERSION = "10.0.1.1"

Progress = Callable[[InboxEntry], Callable[[], None]]


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _no_progress(_entry: InboxEntry) -> Callable[[], None]:
    return lambda: None


def make_import_account_handler(
    *,
    imports: ImportStore[AccountImportSession],
    nsi: NsiCatalog,
    chunk_size: int = 50,
    progress: Progress = _no_progress,
    clock: Callable[[], datetime] = _utcnow,
    region: str = "00",
    chunked: bool = True,
) -> Handler:
    """importAccountData: up to 100 accounts, one CommonResult each.

    ``region`` is the two-digit prefix of the ЕЛС the hub assigns (see ``hub.areas.accounts.rules``).
    ``chunked=False`` turns the chunk fast path off (tests compare both paths).
    """

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        commands = decode_import(parse_xml(payload))
        outcomes = run_import(
            entry.id,
            commands,
            AccountImport(entry.sender_id, nsi, clock, region),
            store=imports,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry),
            apply_chunk=AccountChunkImport(entry.sender_id, nsi, clock, region) if chunked else None,
        )
        return results.import_result_fragment(
            ns.HOUSE_MANAGEMENT, IMPORT_RESULT_VERSION, outcomes, import_account_extension_xml
        )

    return handle


def _selection(request_payload: bytes) -> tuple[Selection, list[str]]:
    request = parse_xml(request_payload)
    for by, namespace in (
        (Selection.HOUSE, ns.HOUSE_MANAGEMENT),
        (Selection.GUID, ns.HOUSE_MANAGEMENT),
        (Selection.UNIFIED_NUMBER, ns.ACCOUNT_BASE),
        (Selection.SERVICE_ID, ns.ACCOUNT_BASE),
    ):
        values = [(el.text or "").strip() for el in request.iterfind(ns.qname(namespace, by.value))]
        if values:
            if by in (Selection.HOUSE, Selection.GUID):
                values = [v.lower() for v in values]
            return by, values
    raise ValueError("exportAccountRequest without a selection")  # the XSD choice makes this unreachable


def make_export_account_handler(*, reading: Callable[[], AbstractContextManager[AccountExportView]]) -> Handler:
    """exportAccountData: the accounts of a house, or by GUID / ЕЛС / ИЖКУ (≤1000 each)."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        by, values = _selection(payload)
        with reading() as view:
            found = export_accounts(view, entry.sender_id, by, values)
        return results.serialize(results.container(encode_account(account) for account in found))

    return handle
