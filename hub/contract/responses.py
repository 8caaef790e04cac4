"""Response envelopes the hub signs: getStateResult (built by whoever holds the result) and
getRequestsStateResult.

The worker builds and signs the final getStateResult when it completes a message (so the HTTP
process only replays it with a fresh unsigned ResultHeader); the SOAP layer builds the ones for
pending states. Both use this module, which sits below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.contract import signing
from hub.contract.pki import AnyIdentity, SigningIdentity
from hub.contract.results import escape
from hub.contract.xmlparse import parse_xml

SOAP = ns.SOAP_ENV
_NSMAP = {"soapenv": SOAP, "base": ns.BASE}


def _now_text() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="milliseconds")


def _envelope(result_header_guid: str | None) -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(ns.qname(SOAP, "Envelope"), nsmap=_NSMAP)
    if result_header_guid is not None:
        header = etree.SubElement(envelope, ns.qname(SOAP, "Header"))
        result_header = etree.SubElement(header, ns.qname(ns.BASE, "ResultHeader"))
        etree.SubElement(result_header, ns.qname(ns.BASE, "Date")).text = _now_text()
        etree.SubElement(result_header, ns.qname(ns.BASE, "MessageGUID")).text = result_header_guid
    body = etree.SubElement(envelope, ns.qname(SOAP, "Body"))
    return envelope, body


def serialize(envelope: etree._Element) -> bytes:
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def get_state_result(
    *,
    service_namespace: str,
    version: str,
    state: int,
    message_guid: str,
    result: bytes | None,
) -> etree._Element:
    """An (unsigned) ``getStateResult`` element; ``result`` is the stored result fragment.

    The fragment is the serialized ``hub:Result`` container the worker wrote; its children
    (ErrorMessage, ImportResult, export results) follow MessageGUID in document order. The
    parsed container itself becomes the getStateResult (renamed): moving its ~1,000 nodes of a
    100-object answer into a new element cost as much again as parsing them.
    """
    tag = ns.qname(service_namespace, "getStateResult")
    if result:
        element = parse_xml(result)
        element.tag = tag
    else:
        element = etree.Element(tag, nsmap={"tns": service_namespace, "base": ns.BASE})
    element.set(ns.qname(ns.BASE, "version"), version)
    element.set("Id", "signed-data-container")
    request_state = etree.Element(ns.qname(ns.BASE, "RequestState"))
    request_state.text = str(state)
    guid = etree.Element(ns.qname(ns.BASE, "MessageGUID"))
    guid.text = message_guid
    element[0:0] = [request_state, guid]
    return element


def wrap_body(element: etree._Element, result_header_guid: str) -> bytes:
    """An envelope around a prepared Body element (signed afterwards by the caller)."""
    return serialize(_wrapped(element, result_header_guid))


def _wrapped(element: etree._Element, result_header_guid: str) -> etree._Element:
    envelope, body = _envelope(result_header_guid)
    body.append(element)
    etree.cleanup_namespaces(envelope)
    return envelope


_HEADER_OPEN = b"<soapenv:Header>"
_HEADER_CLOSE = b"</soapenv:Header>"
_BODY_OPEN = b"<soapenv:Body"


def _result_header(result_header_guid: str) -> bytes:
    """What :func:`_envelope` writes as the Header, as bytes (the prefixes are the Envelope's)."""
    return (
        f"<soapenv:Header><base:ResultHeader><base:Date>{_now_text()}</base:Date>"
        f"<base:MessageGUID>{escape(result_header_guid)}</base:MessageGUID></base:ResultHeader></soapenv:Header>"
    ).encode()


def replace_header_date(signed_envelope: bytes, result_header_guid: str) -> bytes:
    """A stored signed response with a fresh unsigned ResultHeader (Date, MessageGUID).

    The hub wrote the envelope itself (:func:`_envelope`: the Header, then the Body), so the
    Header is replaced as bytes and the signed Body is neither parsed nor re-serialized (a
    100-account answer: 0.55 → 0.02 ms per poll). An envelope without that Header is returned
    as it is.
    """
    start = signed_envelope.find(_HEADER_OPEN)
    end = signed_envelope.find(_HEADER_CLOSE, start)
    if start < 0 or end < 0 or not 0 <= end < signed_envelope.find(_BODY_OPEN):
        return signed_envelope
    return signed_envelope[:start] + _result_header(result_header_guid) + signed_envelope[end + len(_HEADER_CLOSE) :]


def signed_state_result(
    *,
    service_namespace: str,
    version: str,
    state: int,
    message_guid: str,
    result: bytes | None,
    requester_message_guid: str,
    identity: AnyIdentity,
) -> bytes:
    """A whole response envelope with a signed getStateResult (ResultHeader unsigned, as in GIS).

    A GOST identity signs as GIS signs its own responses (exclusive C14N, Streebog throughout).
    """
    element = get_state_result(
        service_namespace=service_namespace, version=version, state=state, message_guid=message_guid, result=result
    )
    return _signed(_wrapped(element, requester_message_guid), identity)


def signed_requests_state_result(
    message_guids: Sequence[str], *, requester_message_guid: str, identity: AnyIdentity
) -> bytes:
    """A whole response envelope with a signed ``base:getRequestsStateResult`` (the processed
    MessageGUIDs), signed as getState answers are."""
    element = etree.Element(ns.qname(ns.BASE, "getRequestsStateResult"), nsmap={"base": ns.BASE})
    element.set("Id", "signed-data-container")
    for guid in message_guids:
        etree.SubElement(element, ns.qname(ns.BASE, "MessageGUIDList")).text = guid
    return _signed(_wrapped(element, requester_message_guid), identity)


def _signed(envelope: etree._Element, identity: AnyIdentity) -> bytes:
    if isinstance(identity, SigningIdentity):
        return signing.sign_envelope_tree(envelope, identity)
    from hub.contract.gost.signing import sign_envelope_gost  # the GOST code only where it signs

    return sign_envelope_gost(etree.tostring(envelope), identity, layout="gis")
