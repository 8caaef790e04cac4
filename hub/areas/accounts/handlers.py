"""importAccountData and exportAccountData handlers (HomeManagementAsync).

The registry (``hub.areas.accounts.registry``) names ``import_handler``/``export_handler``; they
build the handlers over the store and the ``housing`` port the houses area provides (this area
never imports it). The ``make_*`` factories take plain ports, so tests can hand them fakes.

Import goes through ``hub.services.imports.run_import``: a chunk of accounts is applied at once
(``hub.areas.accounts.chunks``; per account in its own savepoint when the chunk path declines
or loses a race) and the outcomes are recorded in the same transaction, so a crashed worker's
successor skips what was committed and the result has exactly one CommonResult per account.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from hub import ns
from hub.areas.accounts.chunks import AccountChunkImport
from hub.areas.accounts.codec import decode_import, encode_account, import_account_extension_xml
from hub.areas.accounts.store import account_export_view, account_import_store
from hub.areas.accounts.usecase import (
    AccountExportView,
    AccountImport,
    AccountImportSession,
    Selection,
    export_accounts,
)
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.handlers import HandlerSetup, Progress, no_progress, utc_seconds
from hub.services.imports import ImportStore, run_import
from hub.services.ports import InboxEntry, NsiCatalog
from hub.services.processing import Handler


def make_import_account_handler(
    *,
    imports: ImportStore[AccountImportSession],
    nsi: NsiCatalog,
    chunk_size: int = 50,
    progress: Progress = no_progress,
    result_version: str,
    clock: Callable[[], datetime] = utc_seconds,
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
            ns.HOUSE_MANAGEMENT, result_version, outcomes, import_account_extension_xml
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


def import_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importAccountData."""
    return make_import_account_handler(
        imports=account_import_store(setup.port("store"), setup.port("housing")),
        nsi=setup.nsi,
        chunk_size=setup.chunk_size,
        progress=setup.progress,
        result_version=setup.result_version,
    )


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportAccountData."""
    return make_export_account_handler(reading=account_export_view(setup.port("store"), setup.port("housing")))
