"""importMeteringDeviceData and exportMeteringDeviceData handlers (HomeManagementAsync).

The registry (``hub.areas.devices.registry``) names ``import_handler``/``export_handler``; they
build the handlers over the store, the ``housing`` port (houses area) and, when some area
provides them, the ``supply`` port (supply contracts area) and the ``accounts`` port (accounts
area, to check AccountGUIDs) — this area imports none of them. The
``make_*`` factories take plain ports, so tests can hand them fakes.

Import goes through ``hub.services.imports.run_import``: each device in its own savepoint and
the outcomes recorded in the same transaction, so a crashed worker's successor skips what was
committed and the result has exactly one CommonResult per device.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from hub import ns
from hub.areas.devices.codec import decode_import, decode_selection, encode_device, import_device_extension_xml
from hub.areas.devices.store import device_export_view, device_import_store
from hub.areas.devices.usecase import (
    Access,
    DeviceExportView,
    DeviceImport,
    DeviceImportSession,
    export_devices,
)
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.services.handlers import HandlerSetup, Progress, no_progress, utc_seconds
from hub.services.imports import ImportStore, run_import
from hub.services.ports import Directory, InboxEntry, NsiCatalog
from hub.services.processing import Handler


def _ppaguid(directory: Directory, org_id: int) -> str:
    """The sender's orgPPAGUID, for the texts of refusals (INT004171 names it)."""
    organization = directory.organization(org_id)
    return organization.ppaguid if organization is not None else str(org_id)


def make_import_device_handler(
    *,
    imports: ImportStore[DeviceImportSession],
    nsi: NsiCatalog,
    directory: Directory,
    chunk_size: int = 50,
    progress: Progress = no_progress,
    result_version: str,
    clock: Callable[[], datetime] = utc_seconds,
) -> Handler:
    """importMeteringDeviceData: up to 100 devices, one CommonResult each."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        commands = decode_import(parse_xml(payload))
        outcomes = run_import(
            entry.id,
            commands,
            DeviceImport(entry.sender_id, _ppaguid(directory, entry.sender_id), nsi, clock),
            store=imports,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry),
        )
        return results.import_result_fragment(
            ns.HOUSE_MANAGEMENT, result_version, outcomes, import_device_extension_xml
        )

    return handle


def make_export_device_handler(
    *,
    reading: Callable[[], AbstractContextManager[DeviceExportView]],
    directory: Directory,
    clock: Callable[[], datetime] = utc_seconds,
) -> Handler:
    """exportMeteringDeviceData: one device by root or version GUID, or a house's devices."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        selection = decode_selection(parse_xml(payload))
        with reading() as view:
            access = Access(entry.sender_id, _ppaguid(directory, entry.sender_id), view.supply, clock().date())
            found = export_devices(view, access, selection)
        return results.serialize(results.container(encode_device(item) for item in found))

    return handle


def import_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importMeteringDeviceData."""
    return make_import_device_handler(
        imports=device_import_store(
            setup.port("store"), setup.port("housing"), setup.ports.get("supply"), setup.ports.get("accounts")
        ),
        nsi=setup.nsi,
        directory=setup.directory,
        chunk_size=setup.chunk_size,
        progress=setup.progress,
        result_version=setup.result_version,
    )


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportMeteringDeviceData."""
    return make_export_device_handler(
        reading=device_export_view(setup.port("store"), setup.port("housing"), setup.ports.get("supply")),
        directory=setup.directory,
    )
