"""importMeteringDeviceValues and exportMeteringDeviceHistory handlers (DeviceMeteringAsync).

The registry names ``import_handler``/``export_handler``; they build the handlers over the
store and the ports other areas provide: ``meters`` (devices), ``supply`` (supply contracts),
``housing`` (houses). The ``make_*`` factories take plain ports, so tests hand them fakes.

A hub built without the devices or supply area (a branch, a trimmed build) still serves the
operations: without ``meters`` no device is known (every item INT002000, every export
INT002012); without ``supply`` nobody supplies anything (only managers of a house may read in).

Import goes through ``hub.services.imports.run_import`` with ``ReadingChunkImport`` as the
chunk path: items are applied exactly once across crashes, each with its own ImportResult.
Readings come 1000 to a message, so a readings chunk is ``CHUNK_FACTOR`` × the hub's import
chunk: the per-chunk statements are few and fixed, and a crash still loses at most one chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from datetime import date, datetime
from functools import cache
from uuid import NAMESPACE_URL, uuid5

from sqlalchemy import Connection

from hub.areas.readings.codec import decode_export, decode_import, encode_history, import_result_fragment
from hub.areas.readings.rules import mark_duplicates
from hub.areas.readings.store import reading_export_view, reading_import_store
from hub.areas.readings.usecase import (
    ReadingChunkImport,
    ReadingExportView,
    ReadingImport,
    ReadingImportSession,
    export_history,
)
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.errors import E, HubError
from hub.services.handlers import HandlerSetup, MissingPortError, Progress, no_progress, utc_seconds
from hub.services.imports import ImportStore, run_import
from hub.services.ports import Directory, InboxEntry, MeteringDevice, NsiCatalog
from hub.services.processing import Handler

#: a readings chunk is this many times the hub's import chunk (HUB_IMPORT_CHUNK)
CHUNK_FACTOR = 10
NSI_RESOURCES = 2


def make_import_values_handler(
    *,
    imports: ImportStore[ReadingImportSession],
    chunk_size: int = 500,
    progress: Progress = no_progress,
    clock: Callable[[], datetime] = utc_seconds,
) -> Handler:
    """importMeteringDeviceValues: up to 1000 devices' values, one ImportResult per item."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        commands = mark_duplicates(decode_import(parse_xml(payload)))
        if not commands:  # blocks without values: no TransportGUID to give an ImportResult for
            raise HubError(E.INT912012, "Блоки MeteringDevicesValues не содержат показаний")
        outcomes = run_import(
            entry.id,
            commands,
            ReadingImport(entry.sender_id, clock),
            store=imports,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry),
            apply_chunk=ReadingChunkImport(entry.sender_id, clock),
        )
        return import_result_fragment(outcomes)

    return handle


def _sources(directory: Directory) -> Callable[[int], tuple[str, str] | None]:
    @cache
    def source(org_id: int) -> tuple[str, str] | None:
        org = directory.organization(org_id)
        return (org.ppaguid, org.name) if org is not None else None

    return source


def _resource_guids(nsi: NsiCatalog) -> Callable[[str], str]:
    def resource_guid(code: str) -> str:
        element = nsi.element(NSI_RESOURCES, code)
        if element is not None:
            return element.guid
        return str(uuid5(NAMESPACE_URL, f"zhkh-hub:nsi:{NSI_RESOURCES}:{code}"))

    return resource_guid


def make_export_history_handler(
    *,
    reading: Callable[[], AbstractContextManager[ReadingExportView]],
    directory: Directory,
    nsi: NsiCatalog,
    today: Callable[[], date] = lambda: utc_seconds().date(),
) -> Handler:
    """exportMeteringDeviceHistory: a block of ≤1000 devices with their readings, PagedOutput."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        query = decode_export(parse_xml(payload))
        with reading() as view:
            page = export_history(view, entry.sender_id, query, today())
        sources = _sources(directory)
        return results.serialize(results.container(encode_history(page, query, sources, _resource_guids(nsi))))

    return handle


class NoDevices:
    """The ``meters`` port of a hub without the devices area: no device is known."""

    def __init__(self, _conn: Connection) -> None:
        pass

    def find_many(self, guids: Collection[str]) -> dict[str, MeteringDevice]:
        return {}

    def select(
        self,
        *,
        house_guids: Collection[str] = (),
        device_types: Collection[str] = (),
        resources: Collection[str] = (),
        include_archived: bool = False,
    ) -> list[MeteringDevice]:
        return []


class NoSupply:
    """The ``supply`` port of a hub without the supply area: nobody supplies anything."""

    def __init__(self, _conn: Connection) -> None:
        pass

    def supplied(self, org_id: int, house_guids: Collection[str], on: date) -> dict[str, frozenset[str]]:
        return {}

    def suppliers(self, house_guid: str, on: date) -> dict[int, frozenset[str]]:
        return {}


def _port(setup: HandlerSetup, name: str, absent: object) -> object:
    try:
        return setup.port(name)
    except MissingPortError:
        return absent


def import_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importMeteringDeviceValues."""
    return make_import_values_handler(
        imports=reading_import_store(
            setup.port("store"),
            _port(setup, "meters", NoDevices),  # type: ignore[arg-type]
            setup.port("housing"),
            _port(setup, "supply", NoSupply),  # type: ignore[arg-type]
        ),
        chunk_size=setup.chunk_size * CHUNK_FACTOR,
        progress=setup.progress,
    )


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportMeteringDeviceHistory."""
    return make_export_history_handler(
        reading=reading_export_view(
            setup.port("store"),
            _port(setup, "meters", NoDevices),  # type: ignore[arg-type]
            setup.port("housing"),
            _port(setup, "supply", NoSupply),  # type: ignore[arg-type]
        ),
        directory=setup.directory,
        nsi=setup.nsi,
    )
