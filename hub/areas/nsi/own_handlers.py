"""importAdditionalServices, importMunicipalServices, exportDataProviderNsiItem handlers (NsiAsync).

Imports go through ``hub.services.imports.run_import`` (exactly once across crashes); each item
gets one ``nsi:ImportResult`` (``base:CommonResultType``: the nsi getStateResult lists them
directly, without a container). The export reads only the sender's own book.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from hub import ns
from hub.areas.nsi.own import (
    ADDITIONAL_SERVICES,
    MUNICIPAL_SERVICES,
    OwnBooksView,
    OwnImport,
    OwnImportSession,
    export_own_book,
)
from hub.areas.nsi.own_codec import decode_export, decode_import, encode_item
from hub.areas.nsi.own_store import SqlOwnBooksView, own_import_store
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services.handlers import HandlerSetup, Progress, no_progress, utc_seconds
from hub.services.imports import ImportStore, run_import
from hub.services.ports import InboxEntry, NsiCatalog
from hub.services.processing import Handler

_TNS = results.SERVICE_PREFIX


def import_results_fragment(outcomes: Sequence[ObjectOutcome]) -> bytes:
    """One ``nsi:ImportResult`` per item, in the hub's result container."""
    parts = [f'<hub:Result xmlns:hub="{results.RESULT_NS}" xmlns:base="{ns.BASE}" xmlns:{_TNS}="{ns.NSI}">']
    results.common_results_text(parts, "ImportResult", outcomes)
    parts.append("</hub:Result>")
    return "".join(parts).encode()


def make_own_import_handler(
    registry: int,
    *,
    imports: ImportStore[OwnImportSession],
    nsi: NsiCatalog,
    chunk_size: int = 50,
    progress: Progress = no_progress,
    clock: Callable[[], datetime] = utc_seconds,
) -> Handler:
    """An import into the sender's own book ``registry``: up to 1000 items of each kind."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        commands = decode_import(parse_xml(payload))
        if not commands:  # every list of the XSD is optional: nothing to do is the sender's error
            raise HubError(E.INT913005)
        outcomes = run_import(
            entry.id,
            commands,
            OwnImport(entry.sender_id, registry, nsi, clock),
            store=imports,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry),
        )
        return import_results_fragment(outcomes)

    return handle


def make_own_export_handler(view: OwnBooksView, clock: Callable[[], datetime] = utc_seconds) -> Handler:
    """exportDataProviderNsiItem: the sender's own book (or its changes after ModifiedAfter)."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        query = decode_export(parse_xml(payload))
        found = export_own_book(view, entry.sender_id, query.registry, query.modified_after)
        return results.serialize(results.container([encode_item(query.registry, found, clock())]))

    return handle


def _import(setup: HandlerSetup, registry: int) -> Handler:
    return make_own_import_handler(
        registry,
        imports=own_import_store(setup.port("store")),
        nsi=setup.nsi,
        chunk_size=setup.chunk_size,
        progress=setup.progress,
    )


def additional_services_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importAdditionalServices (NSI 1)."""
    return _import(setup, ADDITIONAL_SERVICES)


def municipal_services_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importMunicipalServices (NSI 51)."""
    return _import(setup, MUNICIPAL_SERVICES)


def provider_item_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportDataProviderNsiItem."""
    return make_own_export_handler(SqlOwnBooksView(setup.port("store")))
