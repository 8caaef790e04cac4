"""importSupplyResourceContractData and exportSupplyResourceContractData (HomeManagementAsync).

The registry (``hub.areas.supply.registry``) names ``import_handler``/``export_handler``. Import
goes through ``hub.services.imports.run_import``: each contract in its own savepoint, its outcome
recorded in the same transaction (exactly once across crashes), one CommonResult per contract.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime

from hub import ns
from hub.areas.supply.codec import decode_export, decode_import, encode_page, import_extension_xml
from hub.areas.supply.store import supply_export_view, supply_import_store
from hub.areas.supply.usecase import ContractFinder, SupplyImport, SupplyImportSession, export_contracts
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.handlers import HandlerSetup, Progress, no_progress, utc_seconds
from hub.services.imports import ImportStore, run_import
from hub.services.ports import InboxEntry, NsiCatalog
from hub.services.processing import Handler


def _today() -> date:
    return datetime.now(UTC).date()


def make_import_handler(
    *,
    imports: ImportStore[SupplyImportSession],
    nsi: NsiCatalog,
    result_version: str,
    chunk_size: int = 50,
    progress: Progress = no_progress,
    clock: Callable[[], datetime] = utc_seconds,
) -> Handler:
    """importSupplyResourceContractData: up to 1000 contracts, one CommonResult each."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        commands = decode_import(parse_xml(payload))
        outcomes = run_import(
            entry.id,
            commands,
            SupplyImport(entry.sender_id, nsi, clock),
            store=imports,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry),
        )
        return results.import_result_fragment(ns.HOUSE_MANAGEMENT, result_version, outcomes, import_extension_xml)

    return handle


def make_export_handler(
    *, reading: Callable[[], AbstractContextManager[ContractFinder]], today: Callable[[], date] = _today
) -> Handler:
    """exportSupplyResourceContractData: the sender's contracts, a page of up to 1000."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        query = decode_export(parse_xml(payload))
        with reading() as finder:
            found, next_root = export_contracts(
                finder,
                entry.sender_id,
                roots=query.root_guids,
                versions=query.version_guids,
                start_after=query.start_after,
                number=query.number,
                signed_from=query.signed_from,
                signed_to=query.signed_to,
                house_guid=query.house_guid,
                subjects=query.subjects,
            )
        return results.serialize(results.container([encode_page(found, next_root, today())]))

    return handle


def import_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importSupplyResourceContractData."""
    return make_import_handler(
        imports=supply_import_store(setup.port("store")),
        nsi=setup.nsi,
        result_version=setup.result_version,
        chunk_size=setup.chunk_size,
        progress=setup.progress,
    )


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportSupplyResourceContractData."""
    return make_export_handler(reading=supply_export_view(setup.port("store")))
