"""Builders of real SOAP messages for tests: envelopes, headers, signed requests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from lxml import etree

from hub import ns
from hub.contract import signing
from hub.contract.pki import SigningIdentity

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
SOAP = ns.SOAP_ENV
HM_PATH = "/ext-bus-home-management-service/services/HomeManagementAsync"


def now_text(shift: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + shift).astimezone().isoformat(timespec="milliseconds")


def header_xml(
    org_ppaguid: str | None,
    *,
    message_guid: str | None = None,
    date: str | None = None,
    operator: bool = False,
    kind: str = "RequestHeader",
) -> str:
    parts = [
        f"<base:Date>{date or now_text()}</base:Date>",
        f"<base:MessageGUID>{message_guid or uuid.uuid4()}</base:MessageGUID>",
    ]
    if org_ppaguid:
        parts.append(f"<base:orgPPAGUID>{org_ppaguid}</base:orgPPAGUID>")
    if operator:
        parts.append("<base:IsOperatorSignature>true</base:IsOperatorSignature>")
    return f"<base:{kind}>{''.join(parts)}</base:{kind}>"


def envelope(body_xml: str, header: str, *, extra_header: str = "") -> bytes:
    """A multi-line envelope (so line numbers in errors are meaningful)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:base="{BASE}" xmlns:hm="{HM}">\n'
        f"<soapenv:Header>\n{extra_header}{header}\n</soapenv:Header>\n"
        f"<soapenv:Body>\n{body_xml}\n</soapenv:Body>\n"
        "</soapenv:Envelope>\n"
    ).encode()


def export_house_body(fias: str | None = None, *, version: str = "15.10.0.0") -> str:
    return (
        f'<hm:exportHouseRequest Id="signed-data-container" base:version="{version}">\n'
        f"<hm:FIASHouseGuid>{fias or uuid.uuid4()}</hm:FIASHouseGuid>\n"
        "</hm:exportHouseRequest>"
    )


def signed(body_xml: str, identity: SigningIdentity, org_ppaguid: str | None, **header_kw: object) -> bytes:
    raw = envelope(body_xml, header_xml(org_ppaguid, **header_kw))  # type: ignore[arg-type]
    return signing.sign_envelope(raw, identity)


def get_state(message_guid: str, org_ppaguid: str | None) -> bytes:
    body = f"<base:getStateRequest><base:MessageGUID>{message_guid}</base:MessageGUID></base:getStateRequest>"
    return envelope(body, header_xml(org_ppaguid))


def body_child(response: bytes) -> etree._Element:
    root = etree.fromstring(response)
    body = root.find(f"{{{SOAP}}}Body")
    assert body is not None, response[:500]
    return body[0]


def fault_code(response: bytes) -> str:
    child = body_child(response)
    assert child.tag == f"{{{SOAP}}}Fault", response[:800]
    code = child.findtext(f"detail/{{{BASE}}}Fault/{{{BASE}}}ErrorCode")
    assert code is not None
    faultstring = child.findtext("faultstring") or ""
    assert faultstring.startswith(f"{code}: "), faultstring
    return code


def fault_message(response: bytes) -> str:
    return body_child(response).findtext(f"detail/{{{BASE}}}Fault/{{{BASE}}}ErrorMessage") or ""


def ack_guids(response: bytes) -> tuple[str, str]:
    ack = body_child(response).find(f"{{{BASE}}}Ack")
    assert ack is not None, response[:800]
    return ack.findtext(f"{{{BASE}}}MessageGUID") or "", ack.findtext(f"{{{BASE}}}RequesterMessageGUID") or ""
