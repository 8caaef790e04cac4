"""importPaymentDocumentData and exportPaymentDocumentData handlers (BillsAsync).

The registry names ``import_handler``/``export_handler``; they build the handlers over the
store and the ports other areas provide: ``accounts`` (accounts, with their numbers),
``housing`` (houses), ``supply`` (supply contracts) and ``own_nsi`` (the organizations' own
books). The ``make_*`` factories take plain ports, so tests hand them fakes.

Import goes through ``hub.services.imports.run_import`` with ``BillsChunkImport`` as the chunk
path: objects are applied exactly once across crashes, each with its own ImportResult. A
message is up to 500 documents or 1000 withdrawals, so a chunk is ``CHUNK_FACTOR`` × the hub's
import chunk: the per-chunk statements are few and fixed, and a crash loses at most one chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from hub.areas.bills.codec import decode_export, decode_import, encode_documents, import_result_fragment
from hub.areas.bills.store import Ports, bills_export_view, bills_import_store
from hub.areas.bills.usecase import BillsChunkImport, BillsExportView, BillsImport, BillsImportSession, export_documents
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.handlers import HandlerSetup, Progress, no_progress, utc_seconds
from hub.services.imports import ImportStore, run_import
from hub.services.ports import InboxEntry, NsiCatalog
from hub.services.processing import Handler

#: a payment documents chunk is this many times the hub's import chunk (HUB_IMPORT_CHUNK)
CHUNK_FACTOR = 10


def make_import_handler(
    *,
    imports: ImportStore[BillsImportSession],
    nsi: NsiCatalog,
    chunk_size: int = 250,
    progress: Progress = no_progress,
    clock: Callable[[], datetime] = utc_seconds,
) -> Handler:
    """importPaymentDocumentData: ≤500 documents or ≤1000 withdrawals, one ImportResult each."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        commands = decode_import(parse_xml(payload))
        outcomes = run_import(
            entry.id,
            commands,
            BillsImport(entry.sender_id, nsi, clock),
            store=imports,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry),
            apply_chunk=BillsChunkImport(entry.sender_id, nsi, clock),
        )
        return import_result_fragment(outcomes)

    return handle


def make_export_handler(*, reading: Callable[[], AbstractContextManager[BillsExportView]]) -> Handler:
    """exportPaymentDocumentData: the sender's documents by ids or by period and accounts."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        query = decode_export(parse_xml(payload))
        with reading() as view:
            documents = export_documents(view, entry.sender_id, query)
        return results.serialize(results.container(encode_documents(documents)))

    return handle


def import_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importPaymentDocumentData."""
    ports = Ports(setup.port("accounts"), setup.port("housing"), setup.port("supply"), setup.port("own_nsi"))
    return make_import_handler(
        imports=bills_import_store(setup.port("store"), ports),
        nsi=setup.nsi,
        chunk_size=setup.chunk_size * CHUNK_FACTOR,
        progress=setup.progress,
    )


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportPaymentDocumentData."""
    return make_export_handler(reading=bills_export_view(setup.port("store")))
