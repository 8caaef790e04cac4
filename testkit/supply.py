"""Supply-contract payloads: XSD-valid ``importSupplyResourceContractRequest`` and
``exportSupplyResourceContractRequest`` (GIS 16.3.0.0), described by what a test varies.

``Drso`` is one ``Contract`` of an import: a new contract (or a new version, given ``root_guid``)
with its subjects (NSI 3 service, NSI 239 resource, period) and objects (a house, optionally an
apartment, receiving some subjects); ``terminate``/``annul``/``roll_over`` end one instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from testkit.elements import BASE, HM, ORG, SIGNED_ID, guid, nsi_ref, root, sub

IMPORT_VERSION = "11.3.0.5"  # fixed
EXPORT_VERSIONS = ("11.11.0.2", "13.1.1.1")


def _guid() -> str:
    return str(uuid.uuid4())


@dataclass
class Subj:
    """``ContractSubject``: NSI 3 service, NSI 239 tariffed resource, the supply period."""

    resource: str = "3"  # NSI 239: горячая вода
    service: str = "2"  # NSI 3
    start: str = "2024-01-01"
    end: str | None = None
    key: str = field(default_factory=_guid)  # TransportGUID = the PairKey objects use


@dataclass
class Obj:
    """``ObjectAddress``: a house (FIAS GUID) receiving ``subjects`` (indexes into ``Drso.subjects``)."""

    house: str
    subjects: Sequence[int] = (0,)
    apartment: str | None = None
    start: str = "2024-01-01"
    end: str | None = None
    transport: str = field(default_factory=_guid)


@dataclass
class Drso:
    """One ``Contract`` of importSupplyResourceContractRequest."""

    objects: Sequence[Obj] = ()
    subjects: Sequence[Subj] = field(default_factory=lambda: [Subj()])
    number: str = "ДРСО-1"
    signing: str = "2023-12-20"
    effective: str = "2024-01-01"
    completion: str | None = None  # ComptetionDate; None: IndefiniteTerm
    root_guid: str | None = None
    version_guid: str | None = None
    counterparty_org: str | None = None  # orgRootEntityGUID of an Organization counterparty; None: Offer
    terminate: str | None = None  # TerminateContract/Terminate date
    annul: str | None = None  # AnnulmentContract/ReasonOfAnnulment
    roll_over: str | None = None  # RollOverContract/RollOverDate
    transport: str = field(default_factory=_guid)


def _body(parent: etree._Element, c: Drso) -> None:
    body = sub(parent, HM, "SupplyResourceContract")
    head = sub(body, HM, "IsContract")
    sub(head, HM, "ContractNumber", c.number)
    sub(head, HM, "SigningDate", c.signing)
    sub(head, HM, "EffectiveDate", c.effective)
    attachment = sub(head, HM, "ContractAttachment")
    sub(attachment, BASE, "Name", "Договор.pdf")
    sub(attachment, BASE, "Description", "Скан договора")
    sub(sub(attachment, BASE, "Attachment"), BASE, "AttachmentGUID", guid("attachment:" + c.transport))
    sub(attachment, BASE, "AttachmentHASH", "0" * 64)
    if c.completion is None:
        sub(body, HM, "IndefiniteTerm", True)
    else:
        sub(body, HM, "ComptetionDate", c.completion)
    if c.counterparty_org is None:
        sub(body, HM, "Offer", True)
    else:
        sub(sub(body, HM, "Organization"), ORG, "orgRootEntityGUID", c.counterparty_org)
    sub(body, HM, "IsPlannedVolume", False)
    for s in c.subjects:
        subject = sub(body, HM, "ContractSubject")
        nsi_ref(subject, "ServiceType", s.service, "3")
        nsi_ref(subject, "MunicipalResource", s.resource, "239")
        sub(subject, HM, "StartSupplyDate", s.start)
        if s.end:
            sub(subject, HM, "EndSupplyDate", s.end)
        sub(subject, BASE, "TransportGUID", s.key)
    sub(body, HM, "SpecifyingQualityIndicators", "D")
    for o in c.objects:
        address = sub(body, HM, "ObjectAddress")
        sub(address, HM, "HouseType", "MKD")
        sub(address, HM, "FIASHouseGuid", o.house)
        if o.apartment:
            sub(address, HM, "ApartmentNumber", o.apartment)
        sub(address, BASE, "TransportGUID", o.transport)
        for index in o.subjects:
            pair = sub(address, HM, "Pair")
            sub(pair, HM, "PairKey", c.subjects[index].key)
            sub(pair, HM, "StartSupplyDate", o.start)
            if o.end:
                sub(pair, HM, "EndSupplyDate", o.end)


def import_request(contracts: Iterable[Drso], *, signed_id: str | None = SIGNED_ID) -> etree._Element:
    """``importSupplyResourceContractRequest`` (11.3.0.5) with one ``Contract`` per ``Drso``."""
    request = root("importSupplyResourceContractRequest", IMPORT_VERSION, signed_id=signed_id)
    for c in contracts:
        contract = sub(request, HM, "Contract")
        sub(contract, BASE, "TransportGUID", c.transport)
        if c.version_guid:
            sub(contract, HM, "ContractGUID", c.version_guid)
        elif c.root_guid:
            sub(contract, HM, "ContractRootGUID", c.root_guid)
        if c.terminate:
            terminate = sub(contract, HM, "TerminateContract")
            sub(terminate, HM, "Terminate", c.terminate)
            nsi_ref(terminate, "ReasonRef", "1", "54")
        elif c.annul is not None:
            sub(sub(contract, HM, "AnnulmentContract"), HM, "ReasonOfAnnulment", c.annul)
        elif c.roll_over:
            sub(sub(contract, HM, "RollOverContract"), HM, "RollOverDate", c.roll_over)
        else:
            _body(contract, c)
    return request


def export_request(
    by: str = "criteria",
    values: Sequence[str] = (),
    *,
    version: str = "13.1.1.1",
    start: str | None = None,
    house: str | None = None,
    number: str | None = None,
    subjects: Sequence[tuple[str, str]] = (),
    signed_id: str | None = SIGNED_ID,
) -> etree._Element:
    """``exportSupplyResourceContractRequest``: by ``ContractRootGUID``/``ContractGUID`` values, or
    by criteria (``start`` = ExportContractRootGUID of the next page)."""
    request = root("exportSupplyResourceContractRequest", version, signed_id=signed_id)
    if by in ("ContractRootGUID", "ContractGUID"):
        for value in values:
            sub(request, HM, by, value)
        return request
    if start:
        sub(request, HM, "ExportContractRootGUID", start)
    if number:
        sub(request, HM, "ContractNumber", number)
    if house:
        sub(request, HM, "FIASHouseGuid", house)
    for service, resource in subjects:
        subject = sub(request, HM, "ContractSubject")
        nsi_ref(subject, "ServiceType", service, "3")
        nsi_ref(subject, "MunicipalResource", resource, "239")
    return request
