"""An organization's own books (NsiAsync): NSI 1 "Дополнительные услуги", NSI 51 "Коммунальные услуги".

GIS keeps these books per data provider: each organization has its own NSI 1 and NSI 51, and
no other organization reads or changes them. An import carries three lists (as the XSD orders
them): create-or-update (``ElementGuid`` absent: a new element; present: that element
changed), recover, delete. Each item gets its own ``ImportResult`` (the element's GUID, its
Code as ``UniqueNumber``, or the error). The rules:

* an ``ElementGuid`` must be an element of the caller's own book of that number — anything
  else (unknown, another organization's, another book's) is ``INT002000``, so an import cannot
  probe other organizations' books;
* names are unique among the actual elements of a book (``INT913001``): the payment documents
  name services by them;
* a deleted element cannot be changed (``INT913004``) nor deleted again (``INT913002``); only a
  deleted one is recovered (``INT913003``);
* Codes are given in order (1, 2, 3 …) per organization and book and never reused.

References inside NSI 51 (NSI 3 "Вид коммунальной услуги", NSI 2 "Вид коммунального ресурса")
are resolved against the common books like every other reference (``hub.services.nsi``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from hub.domain.guids import new_guid
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services import nsi
from hub.services.imports import ImportSession
from hub.services.ports import NsiCatalog

#: the books an organization imports itself (the others of exportDataProviderNsiItem the hub
#: has no import for yet, so they are always empty: INT002012)
ADDITIONAL_SERVICES = 1
MUNICIPAL_SERVICES = 51
#: RegistryNumber values exportDataProviderNsiItem allows (the XSD enumeration)
PROVIDER_BOOKS = (1, 51, 59, 219, 272, 302, 337)
NSI_MUNICIPAL_SERVICE_KIND = 3
NSI_MUNICIPAL_RESOURCE = 2


class Action(StrEnum):
    SAVE = "save"  # create, or update the ElementGuid given
    RECOVER = "recover"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class OwnCommand:
    """One item of importAdditionalServices / importMunicipalServices."""

    transport_guid: str
    action: Action
    element_guid: str | None = None
    name: str = ""
    #: the element's other fields as imported (JSON-able: what the export gives back)
    fields: Mapping[str, Any] = field(default_factory=dict)
    where: str | None = None


@dataclass(frozen=True, slots=True)
class OwnElement:
    guid: str
    org_id: int
    registry: int
    code: str
    name: str
    fields: Mapping[str, Any]
    is_actual: bool
    created_at: datetime
    modified_at: datetime


class OwnBookRepository(Protocol):
    """An organization's book in the caller's transaction."""

    def lock_book(self, org_id: int, registry: int) -> None:
        """Create the book row if missing and lock it until the transaction ends."""
        ...

    def next_code(self, org_id: int, registry: int) -> int: ...
    def get(self, guid: str) -> OwnElement | None: ...
    def name_taken(self, org_id: int, registry: int, name: str, *, except_guid: str | None) -> bool: ...
    def add(self, element: OwnElement) -> None: ...
    def replace(self, element: OwnElement) -> None: ...


class OwnImportSession(ImportSession, Protocol):
    @property
    def books(self) -> OwnBookRepository: ...


class OwnBooksView(Protocol):
    def elements(self, org_id: int, registry: int, modified_after: datetime | None) -> Sequence[OwnElement]: ...


def _ref(catalog: NsiCatalog, registry: int, value: Mapping[str, Any] | None, where: str) -> dict[str, Any] | None:
    """An nsiRef of the command resolved by Code (the hub's GUID and name when it knows it)."""
    if value is None:
        return None
    element = nsi.resolve(catalog, registry, str(value["code"]), where=where)
    if element is None:
        return dict(value)
    return {"code": element.code, "guid": element.guid, "name": element.name}


@dataclass(frozen=True, slots=True)
class OwnImport:
    """``apply`` for ``run_import``: one item of an own-book import of ``registry``."""

    sender_id: int
    registry: int
    catalog: NsiCatalog
    clock: Callable[[], datetime]

    def __call__(
        self, session: OwnImportSession, command: OwnCommand, _done: Mapping[int, ObjectOutcome]
    ) -> ObjectOutcome:
        books = session.books
        books.lock_book(self.sender_id, self.registry)
        existing = self._existing(books, command)
        now = self.clock()
        if command.action is Action.DELETE:
            assert existing is not None
            if not existing.is_actual:
                raise HubError(E.INT913002, f"ElementGuid {existing.guid}", where=command.where)
            element = replace(existing, is_actual=False, modified_at=now)
        elif command.action is Action.RECOVER:
            assert existing is not None
            if existing.is_actual:
                raise HubError(E.INT913003, f"ElementGuid {existing.guid}", where=command.where)
            self._check_name(books, existing.name, existing.guid, command.where)
            element = replace(existing, is_actual=True, modified_at=now)
        else:
            element = self._save(books, existing, command, now)
            return self._outcome(command, element)
        books.replace(element)
        return self._outcome(command, element)

    def _existing(self, books: OwnBookRepository, command: OwnCommand) -> OwnElement | None:
        if command.element_guid is None:
            return None
        found = books.get(command.element_guid)
        if found is None or found.org_id != self.sender_id or found.registry != self.registry:
            raise HubError(
                E.INT002000,
                f"ElementGuid {command.element_guid} нет в справочнике {self.registry} организации",
                where=command.where,
            )
        return found

    def _check_name(self, books: OwnBookRepository, name: str, except_guid: str | None, where: str | None) -> None:
        if books.name_taken(self.sender_id, self.registry, name, except_guid=except_guid):
            raise HubError(E.INT913001, f"«{name}»", where=where, params=(self.registry,))

    def _save(
        self, books: OwnBookRepository, existing: OwnElement | None, command: OwnCommand, now: datetime
    ) -> OwnElement:
        fields = self._resolved(command)
        if existing is not None and not existing.is_actual:
            raise HubError(E.INT913004, f"ElementGuid {existing.guid}", where=command.where)
        self._check_name(books, command.name, existing.guid if existing else None, command.where)
        if existing is not None:
            element = replace(existing, name=command.name, fields=fields, modified_at=now)
            books.replace(element)
            return element
        element = OwnElement(
            guid=new_guid(),
            org_id=self.sender_id,
            registry=self.registry,
            code=str(books.next_code(self.sender_id, self.registry)),
            name=command.name,
            fields=fields,
            is_actual=True,
            created_at=now,
            modified_at=now,
        )
        books.add(element)
        return element

    def _resolved(self, command: OwnCommand) -> dict[str, Any]:
        fields = dict(command.fields)
        base = command.where or ""
        for key, registry, local in (
            ("service", NSI_MUNICIPAL_SERVICE_KIND, "MunicipalServiceRef"),
            ("resource", NSI_MUNICIPAL_RESOURCE, "MunicipalResourceRef"),
        ):
            if key in fields:
                fields[key] = _ref(self.catalog, registry, fields[key], f"{base}/{local}/Code")
        return fields

    @staticmethod
    def _outcome(command: OwnCommand, element: OwnElement) -> ObjectOutcome:
        return ObjectOutcome(
            command.transport_guid, guid=element.guid, unique_number=element.code, update_date=element.modified_at
        )


def export_own_book(
    view: OwnBooksView, sender_id: int, registry: int, modified_after: datetime | None
) -> Sequence[OwnElement]:
    """The caller's own book ``registry`` (or its changes after ``modified_after``); INT002012 when empty."""
    found = view.elements(sender_id, registry, modified_after)
    if not found:
        after = f" после {modified_after.isoformat()}" if modified_after is not None else ""
        raise HubError(E.INT002012, f"В справочнике {registry} организации нет элементов{after}")
    return found
