"""A store with the housing handlers wired as the composition root will wire them, no HTTP.

``HousingRig.submit`` stores an inbox entry (as intake would) and runs the import handler on
it; ``export`` runs the export handler. Results come back as parsed CommonResults, so tests
read like the rules they prove.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field

from lxml import etree

from hub import ns
from hub.areas.houses.handlers import make_export_house_handler, make_import_house_handler
from hub.areas.houses.store import HouseImportSession, SqlHousingReader
from hub.contract.registry import registry
from hub.services.ports import AuditEvent, InboxEntry, NewInboxEntry, Organization
from hub.services.processing import Handler
from hub.store.base import Store
from hub.store.directory import SqlDirectory
from hub.store.imports import SqlImportStore
from hub.store.inbox import SqlInbox
from tests.fakes import FakeNsi

BASE, HM = ns.BASE, ns.HOUSE_MANAGEMENT


@dataclass(frozen=True)
class Result:
    """One parsed CommonResult."""

    transport_guid: str
    guid: str | None
    unique_number: str | None
    errors: tuple[tuple[str, str], ...]
    element: etree._Element

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def code(self) -> str | None:
        return self.errors[0][0] if self.errors else None


def parse_results(fragment: etree._Element) -> list[Result]:
    found = []
    for common in fragment.iter(f"{{{HM}}}CommonResult"):
        errors = tuple(
            (e.findtext(f"{{{BASE}}}ErrorCode") or "", e.findtext(f"{{{BASE}}}Description") or "")
            for e in common.findall(f"{{{BASE}}}Error")
        )
        found.append(
            Result(
                common.findtext(f"{{{BASE}}}TransportGUID") or "",
                common.findtext(f"{{{BASE}}}GUID"),
                common.findtext(f"{{{BASE}}}UniqueNumber"),
                errors,
                common,
            )
        )
    return found


@dataclass
class HousingRig:
    store: Store
    directory: SqlDirectory
    inbox: SqlInbox
    import_handler: Handler
    export_handler: Handler
    orgs: dict[str, Organization] = field(default_factory=dict)

    @classmethod
    def on(cls, store: Store) -> HousingRig:
        """The handlers wired on ``store`` (migrated, empty) and three organizations registered."""
        directory = SqlDirectory(store)
        rig = cls(
            store,
            directory,
            SqlInbox(store),
            make_import_house_handler(
                import_store=SqlImportStore(store, HouseImportSession),
                directory=directory,
                catalog=FakeNsi(),
                chunk_size=20,
                result_version=registry().operation("importHouseUOData").result_version or "",
            ),
            make_export_house_handler(reader=SqlHousingReader(store)),
        )
        for key, roles in (("a", ["УО"]), ("b", ["ТСЖ"]), ("rso", ["РСО"])):
            rig.orgs[key] = directory.add_organization(
                ppaguid=str(uuid.uuid4()),
                name=f"org {key}",
                ogrn="1027700000001",
                inn="7700000001",
                kpp="770001001",
                roles=roles,
                password_hash=None,
                actor="test",
            )
        return rig

    def entry(self, operation: str, payload: bytes, org: str, version: str) -> InboxEntry:
        sender = self.orgs[org].id
        return self.inbox.add(
            NewInboxEntry(
                str(uuid.uuid4()),
                str(uuid.uuid4()),
                sender,
                "hm",
                operation,
                version,
                uuid.uuid4().hex,
                payload,
                payload,
                None,
            ),
            AuditEvent("test", "received", "inbox", "x"),
        )

    def submit_raw(self, request: etree._Element, org: str = "a") -> etree._Element:
        payload = etree.tostring(request)
        version = request.get(f"{{{BASE}}}version") or ""
        entry = self.entry("importHouseUOData", payload, org, version)
        return etree.fromstring(self.import_handler(entry, payload))

    def submit(self, request: etree._Element, org: str = "a") -> list[Result]:
        return parse_results(self.submit_raw(request, org))

    def export(self, fias: str, version: str = "15.10.0.0", org: str = "a") -> etree._Element:
        from testkit.houses import export_house

        request = export_house(version=version, fias_house_guid=fias)
        payload = etree.tostring(request)
        entry = self.entry("exportHouseData", payload, org, version)
        return etree.fromstring(self.export_handler(entry, payload))


def as_get_state_result(fragment: etree._Element) -> etree._Element:
    """The fragment as getState would answer it (state 3), for validation under the real XSD."""
    from tests.contract.instances import get_state_processing

    result = get_state_processing(request_state=3)
    for child in fragment:
        result.append(copy.deepcopy(child))
    return result


_SKIP = {"TransportGUID"}


def canonical(el: etree._Element) -> object:
    """A comparable form of an element: text, or its children's forms (NSI by Code only)."""
    children = [c for c in el if isinstance(c.tag, str)]
    if not children:
        return (el.text or "").strip()
    return tuple(
        (etree.QName(c).localname, canonical(c))
        for c in children
        if etree.QName(c).localname not in _SKIP and etree.QName(c).namespace != ns.NSI_BASE
    ) + tuple(
        ("nsi", c.text)
        for c in children
        if etree.QName(c).namespace == ns.NSI_BASE and etree.QName(c).localname == "Code"
    )


def fields_of(el: etree._Element, skip: frozenset[str] = frozenset()) -> list[tuple[str, object]]:
    """The direct fields of an object element as (name, canonical value)."""
    return [
        (etree.QName(c).localname, canonical(c))
        for c in el
        if isinstance(c.tag, str) and etree.QName(c).localname not in _SKIP | skip
    ]


def assert_fields_exported(
    imported: etree._Element, exported: etree._Element, skip: frozenset[str] = frozenset()
) -> None:
    """Every field of the imported object is in the exported one, with the same value."""
    have = fields_of(exported)
    for field_ in fields_of(imported, skip):
        assert field_ in have, f"{etree.QName(imported).localname}: {field_} not exported; exported {have}"
