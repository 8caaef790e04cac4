"""SOAP 1.1 envelopes: reading requests, writing Acks, getStateResults and Faults.

Our own small contract-first layer instead of spyne (docs/decisions/0001-no-spyne.md): the
request tree is never rewritten before the signature check, and responses are built with lxml
directly in the shapes GIS produces (``faultstring`` = ``CODE: text``, ``detail/base:Fault``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.contract.responses import _envelope, serialize
from hub.errors import E, HubError

SOAP = ns.SOAP_ENV
_MUST_UNDERSTAND = ns.qname(SOAP, "mustUnderstand")
#: Header blocks the hub understands; any other with mustUnderstand="1" is a MustUnderstand fault.
UNDERSTOOD_HEADERS = frozenset(
    {
        ns.qname(ns.BASE, "RequestHeader"),
        ns.qname(ns.BASE, "ISRequestHeader"),
        ns.qname(ns.WCF_ADDRESSING_NONE, "Action"),  # WCF clients add it; GIS accepts it
    }
)
_NSMAP = {"soapenv": SOAP, "base": ns.BASE}


@dataclass(frozen=True, slots=True)
class RequestEnvelope:
    """The parts of a parsed request the pipeline needs. Elements stay in the original tree."""

    root: etree._Element
    header: etree._Element | None  # base:RequestHeader or base:ISRequestHeader
    body_child: etree._Element
    wcf_action: str | None


@dataclass(frozen=True, slots=True)
class HeaderFields:
    date: datetime
    message_guid: str
    org_ppaguid: str | None
    is_operator_signature: bool


def read_envelope(root: etree._Element) -> RequestEnvelope:
    """Check the SOAP 1.1 frame; return the GIS header and the single Body child."""
    if root.tag != ns.qname(SOAP, "Envelope"):
        raise HubError(E.FMT900005, f"Корневой элемент {root.tag}")
    header_el = None
    body = None
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == ns.qname(SOAP, "Header") and header_el is None and body is None:
            header_el = child
        elif child.tag == ns.qname(SOAP, "Body") and body is None:
            body = child
        else:
            raise HubError(E.FMT900005, f"Неожиданный элемент {child.tag} в Envelope")
    if body is None:
        raise HubError(E.FMT900005, "Нет элемента Body")
    body_children = [c for c in body if isinstance(c.tag, str)]
    if len(body_children) != 1:
        raise HubError(E.FMT900005, f"Body должен содержать ровно один элемент, найдено {len(body_children)}")
    gis_header = None
    wcf_action = None
    if header_el is not None:
        for block in header_el:
            if not isinstance(block.tag, str):
                continue
            if block.tag in UNDERSTOOD_HEADERS:
                if block.tag == ns.qname(ns.WCF_ADDRESSING_NONE, "Action"):
                    wcf_action = (block.text or "").strip()
                elif gis_header is None:
                    gis_header = block
                else:
                    raise HubError(E.FMT900005, "Заголовок RequestHeader указан более одного раза")
            elif block.get(_MUST_UNDERSTAND) in {"1", "true"}:
                raise HubError(E.FMT900007, block.tag)
    return RequestEnvelope(root, gis_header, body_children[0], wcf_action)


def _text(parent: etree._Element, local: str) -> str | None:
    el = parent.find(ns.qname(ns.BASE, local))
    return None if el is None or el.text is None else el.text.strip()


def read_header(header: etree._Element) -> HeaderFields:
    """Fields of an XSD-valid RequestHeader/ISRequestHeader."""
    raw_date = _text(header, "Date") or ""
    try:
        date = datetime.fromisoformat(raw_date.replace("Z", "+00:00"))
    except ValueError as exc:
        raise HubError(E.FMT001300, f"Некорректная дата {raw_date!r}", where="RequestHeader/Date") from exc
    if date.tzinfo is None:
        # xs:dateTime without an offset: GIS works in Moscow time.
        date = date.replace(tzinfo=datetime.now(UTC).astimezone().tzinfo)
    return HeaderFields(
        date=date,
        message_guid=(_text(header, "MessageGUID") or "").lower(),
        org_ppaguid=(_text(header, "orgPPAGUID") or None),
        is_operator_signature=(_text(header, "IsOperatorSignature") or "").lower() in {"true", "1"},
    )


def ack(message_guid: str, requester_message_guid: str) -> bytes:
    """``base:AckRequest`` as GIS sends it; ResultHeader/MessageGUID = the client's MessageGUID."""
    envelope, body = _envelope(requester_message_guid)
    ack_request = etree.SubElement(body, ns.qname(ns.BASE, "AckRequest"))
    ack_el = etree.SubElement(ack_request, ns.qname(ns.BASE, "Ack"))
    etree.SubElement(ack_el, ns.qname(ns.BASE, "MessageGUID")).text = message_guid
    etree.SubElement(ack_el, ns.qname(ns.BASE, "RequesterMessageGUID")).text = requester_message_guid
    return serialize(envelope)


def fault(error: HubError, *, faultcode: str = "Server") -> bytes:
    """A SOAP 1.1 Fault shaped like GIS's: ``CODE: text`` and ``detail/base:Fault``."""
    envelope, body = _envelope(None)
    fault_el = etree.SubElement(body, ns.qname(SOAP, "Fault"))
    etree.SubElement(fault_el, "faultcode").text = f"soapenv:{faultcode}"
    etree.SubElement(fault_el, "faultstring").text = f"{error.code}: {error.message}"
    detail = etree.SubElement(fault_el, "detail")
    base_fault = etree.SubElement(detail, ns.qname(ns.BASE, "Fault"))
    etree.SubElement(base_fault, ns.qname(ns.BASE, "ErrorCode")).text = error.code
    etree.SubElement(base_fault, ns.qname(ns.BASE, "ErrorMessage")).text = error.message
    return serialize(envelope)
