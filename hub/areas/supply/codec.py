"""XML ↔ domain for supply contracts: importSupplyResourceContractRequest in, the export out.

The request reached us valid under the XSD, so the structure is trusted; values the XSD accepts
but the hub cannot represent (years outside 1–9999) fail only their own contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from lxml import etree

from hub import ns
from hub.areas.supply.rules import (
    AnnulContract,
    Contract,
    ContractCommand,
    ContractRef,
    NotSupported,
    Pair,
    PlaceContract,
    Rejected,
    RollOverContract,
    Subject,
    SupplyObject,
    TerminateContract,
    Terms,
    VersionStatus,
    contract_state,
)
from hub.contract import results
from hub.contract.lexical import xs_date
from hub.domain.nsi import NsiRef
from hub.errors import HubError

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
NSI = ns.NSI_BASE

COUNTERPARTIES = (
    "Offer",
    "ApartmentBuildingOwner",
    "LivingHouseOwner",
    "Organization",
    "ApartmentBuildingRepresentativeOwner",
    "ApartmentBuildingSoleOwner",
)


def _q(local: str, namespace: str = HM) -> str:
    return f"{{{namespace}}}{local}"


def _text(parent: etree._Element, local: str, namespace: str = HM) -> str | None:
    value = parent.findtext(_q(local, namespace))
    return None if value is None else value.strip()


def _date(parent: etree._Element, local: str) -> date | None:
    value = _text(parent, local)
    return None if value is None else xs_date(value)


def _flag(parent: etree._Element, local: str) -> bool:
    return (_text(parent, local) or "").lower() in ("true", "1")


def _nsi_ref(element: etree._Element | None) -> NsiRef:
    if element is None:
        return NsiRef("")
    return NsiRef(_text(element, "Code", NSI) or "", _text(element, "GUID", NSI), _text(element, "Name", NSI))


def _subject(element: etree._Element) -> Subject:
    start = _date(element, "StartSupplyDate")
    assert start is not None  # required by the XSD
    return Subject(
        transport_guid=(_text(element, "TransportGUID", BASE) or "").lower(),
        service=_nsi_ref(element.find(_q("ServiceType"))),
        resource=_nsi_ref(element.find(_q("MunicipalResource"))),
        start=start,
        end=_date(element, "EndSupplyDate"),
    )


def _object(element: etree._Element) -> SupplyObject:
    pairs = []
    for pair in element.iterfind(_q("Pair")):
        start = _date(pair, "StartSupplyDate")
        assert start is not None
        pairs.append(Pair((_text(pair, "PairKey") or "").lower(), start, _date(pair, "EndSupplyDate")))
    return SupplyObject(
        transport_guid=(_text(element, "TransportGUID", BASE) or "").lower(),
        house_guid=(_text(element, "FIASHouseGuid") or "").lower(),
        pairs=tuple(pairs),
        house_type=_text(element, "HouseType"),
        apartment=_text(element, "ApartmentNumber"),
        room=_text(element, "RoomNumber"),
    )


def _terms(body: etree._Element) -> Terms:
    written = body.find(_q("IsContract"))
    head = written if written is not None else body.find(_q("IsNotContract"))
    assert head is not None
    counterparty = next(child for child in body if etree.QName(child).localname in COUNTERPARTIES)
    return Terms(
        is_contract=written is not None,
        number=_text(head, "ContractNumber"),
        signing_date=_date(head, "SigningDate"),
        effective_date=_date(head, "EffectiveDate"),
        indefinite=_flag(body, "IndefiniteTerm"),
        expiration_date=_date(body, "ComptetionDate"),
        auto_rollover=_flag(body, "AutomaticRollOverOneYear"),
        counterparty=etree.QName(counterparty).localname,
        counterparty_xml=etree.tostring(counterparty, encoding="unicode"),
        is_planned_volume=_flag(body, "IsPlannedVolume"),
        quality_by=_text(body, "SpecifyingQualityIndicators") or "D",
        counting_resource=_text(body, "CountingResource"),
        subjects=tuple(_subject(s) for s in body.iterfind(_q("ContractSubject"))),
        objects=tuple(_object(o) for o in body.iterfind(_q("ObjectAddress"))),
    )


def _command(contract: etree._Element) -> ContractCommand:
    transport = _text(contract, "TransportGUID", BASE) or ""
    root, version = _text(contract, "ContractRootGUID"), _text(contract, "ContractGUID")
    ref = ContractRef(root.lower() if root else None, version.lower() if version else None)
    try:
        body = contract.find(_q("SupplyResourceContract"))
        if body is not None:
            return PlaceContract(transport, ref, _terms(body))
        terminate = contract.find(_q("TerminateContract"))
        if terminate is not None:
            on = _date(terminate, "Terminate")
            assert on is not None
            return TerminateContract(transport, ref, on, _nsi_ref(terminate.find(_q("ReasonRef"))))
        annul = contract.find(_q("AnnulmentContract"))
        if annul is not None:
            return AnnulContract(transport, ref, _text(annul, "ReasonOfAnnulment") or "")
        roll = contract.find(_q("RollOverContract"))
        if roll is not None:
            to = _date(roll, "RollOverDate")
            assert to is not None  # required by the XSD
            return RollOverContract(transport, ref, to)
    except HubError as exc:
        return Rejected(transport, exc)
    return NotSupported(transport, "Contract")


def decode_import(request: etree._Element) -> list[ContractCommand]:
    """``importSupplyResourceContractRequest`` → one command per ``Contract``, in order."""
    return [_command(contract) for contract in request.iterfind(_q("Contract"))]


_IMPORT_EXTENSION_XML = (
    f"<{results.SERVICE_PREFIX}:ImportSupplyResourceContract>"
    f"<{results.SERVICE_PREFIX}:ContractGUID>{{}}</{results.SERVICE_PREFIX}:ContractGUID>"
    f"<{results.SERVICE_PREFIX}:ContractRootGUID>{{}}</{results.SERVICE_PREFIX}:ContractRootGUID>"
    f"</{results.SERVICE_PREFIX}:ImportSupplyResourceContract>"
)


def import_extension_xml(extension: Mapping[str, str]) -> str | None:
    """``CommonResult/ImportSupplyResourceContract{ContractGUID, ContractRootGUID}`` as text."""
    if "ContractGUID" not in extension or "ContractRootGUID" not in extension:
        return None
    return _IMPORT_EXTENSION_XML.format(
        results.escape(extension["ContractGUID"]), results.escape(extension["ContractRootGUID"])
    )


# --- export ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """``exportSupplyResourceContractRequest``: by root GUIDs, by version GUIDs, or by criteria."""

    root_guids: tuple[str, ...] = ()
    version_guids: tuple[str, ...] = ()
    start_after: str | None = None  # ExportContractRootGUID: the first root of the page
    number: str | None = None
    signed_from: date | None = None
    signed_to: date | None = None
    house_guid: str | None = None
    subjects: tuple[tuple[str, str], ...] = ()  # (NSI 3 code, NSI 239 code)


def decode_export(request: etree._Element) -> ExportQuery:
    roots = tuple((e.text or "").strip().lower() for e in request.iterfind(_q("ContractRootGUID")))
    versions = tuple((e.text or "").strip().lower() for e in request.iterfind(_q("ContractGUID")))
    if roots or versions:
        return ExportQuery(root_guids=roots, version_guids=versions)
    start = _text(request, "ExportContractRootGUID")
    house = _text(request, "FIASHouseGuid")
    return ExportQuery(
        start_after=start.lower() if start else None,
        number=_text(request, "ContractNumber"),
        signed_from=_date(request, "SigningDateStart"),
        signed_to=_date(request, "SigningDateEnd"),
        house_guid=house.lower() if house else None,
        subjects=tuple(
            (_nsi_ref(s.find(_q("ServiceType"))).code, _nsi_ref(s.find(_q("MunicipalResource"))).code)
            for s in request.iterfind(_q("ContractSubject"))
        ),
    )


def _sub(parent: etree._Element, local: str, value: object = None, namespace: str = HM) -> etree._Element:
    el = etree.SubElement(parent, _q(local, namespace))
    if value is not None:
        el.text = str(value).lower() if isinstance(value, bool) else str(value)
    return el


def _put_ref(parent: etree._Element, local: str, ref: NsiRef) -> None:
    el = _sub(parent, local)
    _sub(el, "Code", ref.code, NSI)
    _sub(el, "GUID", ref.guid or "", NSI)
    if ref.name:
        _sub(el, "Name", ref.name, NSI)


def encode_contract(contract: Contract, today: date) -> etree._Element:
    """One ``exportSupplyResourceContractResult/Contract`` (exportSupplyResourceContractResultType)."""
    terms = contract.terms
    el = etree.Element(_q("Contract"), nsmap={"base": BASE, "nsi-base": NSI})
    head = _sub(el, "IsContract" if terms.is_contract else "IsNotContract")
    if terms.number:
        _sub(head, "ContractNumber", terms.number)
    if terms.is_contract or terms.signing_date:
        _sub(head, "SigningDate", (terms.signing_date or today).isoformat())
    if terms.is_contract or terms.effective_date:
        _sub(head, "EffectiveDate", (terms.effective_date or today).isoformat())
    if terms.indefinite:
        _sub(el, "IndefiniteTerm", True)
    else:
        if terms.auto_rollover:
            _sub(el, "AutomaticRollOverOneYear", True)
        if terms.expiration_date:
            _sub(el, "ComptetionDate", terms.expiration_date.isoformat())
    el.append(etree.fromstring(terms.counterparty_xml))
    _sub(el, "IsPlannedVolume", terms.is_planned_volume)
    for subject in terms.subjects:
        s = _sub(el, "ContractSubject")
        _put_ref(s, "ServiceType", subject.service)
        _put_ref(s, "MunicipalResource", subject.resource)
        _sub(s, "StartSupplyDate", subject.start.isoformat())
        if subject.end:
            _sub(s, "EndSupplyDate", subject.end.isoformat())
        _sub(s, "TransportGUID", subject.transport_guid, BASE)
    if terms.counting_resource:
        _sub(el, "CountingResource", terms.counting_resource)
    _sub(el, "SpecifyingQualityIndicators", terms.quality_by)
    _sub(el, "ContractRootGUID", contract.root_guid)
    _sub(el, "ContractGUID", contract.version_guid)
    _sub(el, "ContractState", contract_state(contract, today).value)
    _sub(el, "VersionNumber", contract.version_number)
    _sub(el, "VersionStatus", contract.status.value)
    if contract.status is VersionStatus.TERMINATED and contract.terminated_on and contract.termination_reason:
        t = _sub(el, "TerminateContract")
        _sub(t, "Terminate", contract.terminated_on.isoformat())
        reason = contract.termination_reason
        _put_ref(t, "ReasonRef", reason)
    if contract.status is VersionStatus.ANNULLED:
        a = _sub(el, "AnnulmentContract")
        if contract.annulment_reason:
            _sub(a, "ReasonOfAnnulment", contract.annulment_reason)
    return el


def encode_page(contracts: list[Contract], next_root: str | None, today: date) -> etree._Element:
    """``exportSupplyResourceContractResult``: the page's contracts, then IsLastPage or the next root."""
    page = etree.Element(_q("exportSupplyResourceContractResult"), nsmap={"base": BASE, "nsi-base": NSI})
    for contract in contracts:
        page.append(encode_contract(contract, today))
    if next_root is None:
        _sub(page, "IsLastPage", True)
    else:
        _sub(page, "ExportContractRootGUID", next_root)
    return page
