"""Use cases of supply contracts: apply one imported contract command, select contracts to export.

Authorization: the supplier of a contract is the organization that sent it (only РСО may send
importSupplyResourceContractRequest — the registry's ``callers``). A command naming another
organization's contract is ``AUT011003``; an unknown GUID is ``INT002000``. An export shows the
sender's own contracts only; when nothing is left the answer is ``INT002012``, as for a GUID that
does not exist, so an export cannot probe for other suppliers' contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from hub.areas.supply.rules import (
    NSI_SERVICE,
    NSI_TARIFFED_RESOURCE,
    NSI_TERMINATION_REASON,
    AnnulContract,
    Contract,
    ContractCommand,
    ContractRef,
    NotSupported,
    PlaceContract,
    Rejected,
    RollOverContract,
    TerminateContract,
    Terms,
    VersionStatus,
    check_changeable,
    check_terms,
    rolled_over,
)
from hub.domain.guids import new_guid
from hub.domain.nsi import NsiRef
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from hub.services import nsi
from hub.services.imports import ImportSession
from hub.services.ports import NsiCatalog

#: contracts per page of exportSupplyResourceContractResult (the XSD's maxOccurs)
PAGE_SIZE = 1000


class ContractRepository(Protocol):
    """Contracts in the caller's transaction."""

    def find(self, ref: ContractRef, *, for_update: bool = False) -> Contract | None:
        """By root GUID: its current version; by version GUID: that version."""
        ...

    def insert(self, contract: Contract, source: str, at: datetime) -> None:
        """Write a version with its subjects and objects (``contract.id`` is ignored)."""
        ...

    def insert_prolonged(self, previous: Contract, contract: Contract, at: datetime) -> None:
        """Write ``contract`` (``previous`` prolonged) with ``previous``'s objects, each object's
        supply that ended with ``previous`` now ending with ``contract``."""
        ...

    def supersede(self, contract_id: int) -> None: ...
    def end(self, contract: Contract) -> None:
        """Write the status and termination/annulment fields of an existing version."""
        ...


class SupplyImportSession(ImportSession, Protocol):
    @property
    def contracts(self) -> ContractRepository: ...


class ContractFinder(Protocol):
    """A read transaction over contracts (only the given organization's)."""

    def by_roots(self, org_id: int, roots: Collection[str]) -> list[Contract]: ...
    def by_versions(self, org_id: int, versions: Collection[str]) -> list[Contract]: ...
    def search(
        self,
        org_id: int,
        *,
        start_after: str | None,
        number: str | None,
        signed_from: date | None,
        signed_to: date | None,
        house_guid: str | None,
        subjects: Collection[tuple[str, str]],
        limit: int,
    ) -> list[Contract]:
        """Current versions matching every given criterion, ordered by root GUID, from ``start_after``."""
        ...


def _resolve(catalog: NsiCatalog, registry: int, ref: NsiRef, where: str) -> NsiRef:
    element = nsi.resolve(catalog, registry, ref.code, where=where)
    return ref if element is None else NsiRef(element.code, element.guid, element.name)


def resolve_terms(catalog: NsiCatalog, terms: Terms) -> Terms:
    """Subjects with NSI 3 and NSI 239 references matched by Code (INT002000 in a complete book)."""
    subjects = tuple(
        replace(
            s,
            service=_resolve(catalog, NSI_SERVICE, s.service, "ContractSubject/ServiceType"),
            resource=_resolve(catalog, NSI_TARIFFED_RESOURCE, s.resource, "ContractSubject/MunicipalResource"),
        )
        for s in terms.subjects
    )
    return replace(terms, subjects=subjects)


class SupplyImport:
    """``apply`` of ``hub.services.imports.run_import`` for importSupplyResourceContractRequest."""

    def __init__(self, sender_id: int, catalog: NsiCatalog, clock: Callable[[], datetime]) -> None:
        self.sender_id = sender_id
        self.catalog = catalog
        self.clock = clock

    def __call__(
        self, session: SupplyImportSession, command: ContractCommand, done: Mapping[int, ObjectOutcome]
    ) -> ObjectOutcome:
        if isinstance(command, Rejected):
            raise command.error
        if isinstance(command, NotSupported):
            raise HubError(E.INT910005, f"Блок {command.block} хабом не поддерживается")
        now = self.clock()
        if isinstance(command, PlaceContract):
            contract = self._place(session.contracts, command, now)
        elif isinstance(command, RollOverContract):
            contract = self._roll_over(session.contracts, command, now)
        else:
            contract = self._end(session.contracts, command)
        return ObjectOutcome(
            command.transport_guid,
            guid=contract.version_guid,
            update_date=now,
            extension={"ContractGUID": contract.version_guid, "ContractRootGUID": contract.root_guid},
        )

    def _existing(self, repo: ContractRepository, ref: ContractRef) -> Contract:
        found = repo.find(ref, for_update=True)
        named = ref.root_guid or ref.version_guid
        if found is None:
            raise HubError(E.INT002000, f"Договор ресурсоснабжения {named} не найден")
        if found.org_id != self.sender_id:
            raise HubError(E.AUT011003, f"Договор ресурсоснабжения {named} размещен другой организацией")
        if not found.is_current:
            raise HubError(E.INT910006, f"ContractGUID {named}")
        check_changeable(found)
        return found

    def _place(self, repo: ContractRepository, command: PlaceContract, now: datetime) -> Contract:
        check_terms(command.terms)
        terms = resolve_terms(self.catalog, command.terms)
        previous = self._existing(repo, command.ref) if command.ref.given else None
        return self._version(repo, previous, terms, now)

    def _roll_over(self, repo: ContractRepository, command: RollOverContract, now: datetime) -> Contract:
        """A new version with the prolonged term (the export shows the new ComptetionDate)."""
        if not command.ref.given:
            raise HubError(E.INT910004, "Не указан ContractRootGUID или ContractGUID")
        previous = self._existing(repo, command.ref)
        return self._version(repo, previous, rolled_over(previous.terms, command.to), now, prolonged=True)

    def _version(
        self,
        repo: ContractRepository,
        previous: Contract | None,
        terms: Terms,
        now: datetime,
        *,
        prolonged: bool = False,
    ) -> Contract:
        """Insert ``terms`` as the next version of ``previous`` (None: a new contract)."""
        if previous is not None:
            repo.supersede(previous.id)
            root, number = previous.root_guid, previous.version_number + 1
        else:
            root, number = new_guid(), 1
        contract = Contract(0, root, new_guid(), self.sender_id, number, True, VersionStatus.POSTED, terms)
        if prolonged and previous is not None:
            repo.insert_prolonged(previous, contract, now)
        else:
            repo.insert(contract, "gis", now)
        return contract

    def _end(self, repo: ContractRepository, command: TerminateContract | AnnulContract) -> Contract:
        if not command.ref.given:
            raise HubError(E.INT910004, "Не указан ContractRootGUID или ContractGUID")
        current = self._existing(repo, command.ref)
        if isinstance(command, TerminateContract):
            reason = _resolve(self.catalog, NSI_TERMINATION_REASON, command.reason, "TerminateContract/ReasonRef")
            ended = replace(
                current, status=VersionStatus.TERMINATED, terminated_on=command.on, termination_reason=reason
            )
        else:
            ended = replace(current, status=VersionStatus.ANNULLED, annulment_reason=command.reason)
        repo.end(ended)
        return ended


# --- export ---------------------------------------------------------------------------------


def export_contracts(
    finder: ContractFinder,
    org_id: int,
    *,
    roots: Collection[str] = (),
    versions: Collection[str] = (),
    start_after: str | None = None,
    number: str | None = None,
    signed_from: date | None = None,
    signed_to: date | None = None,
    house_guid: str | None = None,
    subjects: Collection[tuple[str, str]] = (),
) -> tuple[list[Contract], str | None]:
    """The page of the sender's contracts and the root GUID the next page starts at (None: last)."""
    if roots:
        found, next_root = finder.by_roots(org_id, roots), None
    elif versions:
        found, next_root = finder.by_versions(org_id, versions), None
    else:
        found = finder.search(
            org_id,
            start_after=start_after,
            number=number,
            signed_from=signed_from,
            signed_to=signed_to,
            house_guid=house_guid,
            subjects=subjects,
            limit=PAGE_SIZE + 1,
        )
        next_root = found[PAGE_SIZE].root_guid if len(found) > PAGE_SIZE else None
        found = found[:PAGE_SIZE]
    if not found:
        raise HubError(E.INT002012, "Договоры ресурсоснабжения по условиям запроса не найдены")
    return found, next_root
