"""Handlers of importHouseUOData and exportHouseData, built by the composition root.

The factories take what they use explicitly (the import store with its housing session, the
directory for the sender's roles, the NSI catalog, the house reader), so this module needs no
technology beyond lxml and a test can hand it fakes. Import processing goes through
``hub.services.imports.run_import``: each object's outcome is committed with its data, which
is what makes a rerun after a crash apply every object exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.areas.houses.codec import parse_import, text
from hub.areas.houses.export_codec import EXPORT_HOUSE_VERSIONS, encode_export
from hub.areas.houses.store import HouseImportSession, SqlHousingReader
from hub.areas.houses.usecase import HouseSession, HousingReader, ImportContext, Sender, export_house, make_apply
from hub.contract import results
from hub.contract.xmlparse import parse_xml
from hub.errors import E, HubError
from hub.services.handlers import HandlerSetup
from hub.services.imports import ImportStore, run_import
from hub.services.ports import Directory, InboxEntry, NsiCatalog
from hub.services.processing import Handler
from hub.store.imports import SqlImportStore

HM = ns.HOUSE_MANAGEMENT


def _now() -> datetime:
    return datetime.now(UTC)


def import_house_uo_extension(extension: Mapping[str, str]) -> etree._Element | None:
    """``ImportHouseUO`` (OGFImportStatusType) for a house, premises or room.

    GIS answers with the state of the object's link to the cadastre (ГКН) and the rights
    register (ЕГРП); the hub has no such link, so the status is "N" (не сопоставлено) and the
    EGRP status is empty — as in GIS's own answers for objects without a cadastral match.
    """
    if not extension.get("object"):
        return None
    el = etree.Element(ns.qname(HM, "ImportHouseUO"))
    gkn = etree.SubElement(el, ns.qname(HM, "GKNRelationshipStatus"))
    etree.SubElement(gkn, ns.qname(HM, "Status")).text = "N"
    etree.SubElement(el, ns.qname(HM, "EGRPRelationshipStatus"))
    return el


def make_import_house_handler(
    *,
    import_store: ImportStore[HouseSession],
    directory: Directory,
    catalog: NsiCatalog,
    chunk_size: int = 50,
    progress: Callable[[InboxEntry], Callable[[], None]] | None = None,
    clock: Callable[[], datetime] = _now,
    result_version: str,
) -> Handler:
    """importHouseUOData: one house with its objects, one CommonResult per object."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        message = parse_import(parse_xml(payload))
        org = directory.organization(entry.sender_id)
        if org is None:
            raise HubError(E.AUT011002, f"Отправитель {entry.sender_id}")
        context = ImportContext(
            sender=Sender(org.id, org.ppaguid, org.roles),
            house_kind=message.house_kind,
            inherit=message.inherit_missing,
            catalog=catalog,
            clock=clock,
        )
        outcomes = run_import(
            entry.id,
            message.commands,
            make_apply(context),
            store=import_store,
            chunk_size=chunk_size,
            first_attempt=entry.attempts == 1,
            after_chunk=progress(entry) if progress is not None else None,
        )
        result = results.import_result(HM, result_version, outcomes, import_house_uo_extension)
        return results.serialize(results.container([result]))

    return handle


def make_export_house_handler(*, reader: HousingReader) -> Handler:
    """exportHouseData: the house registry is public — any registered organization may read it."""

    def handle(entry: InboxEntry, payload: bytes) -> bytes:
        request = parse_xml(payload)
        fias = text(request, "FIASHouseGuid") or ""
        version = request.get(ns.qname(ns.BASE, "version")) or entry.version
        if version not in EXPORT_HOUSE_VERSIONS:
            version = EXPORT_HOUSE_VERSIONS[-1]
        snapshot = export_house(reader, fias)
        return results.serialize(results.container([encode_export(snapshot, version)]))

    return handle


def import_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of importHouseUOData."""
    return make_import_house_handler(
        import_store=SqlImportStore(setup.port("store"), HouseImportSession),
        directory=setup.directory,
        catalog=setup.nsi,
        chunk_size=setup.chunk_size,
        progress=setup.progress,
        result_version=setup.result_version,
    )


def export_handler(setup: HandlerSetup) -> Handler:
    """The registry's factory of exportHouseData."""
    return make_export_house_handler(reader=SqlHousingReader(setup.port("store")))
