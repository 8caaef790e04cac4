"""The one builder of SOAP requests to the hub, for tests and benchmarks alike.

A request is a payload (the Body's element, as an lxml element or as XML text), a
``RequestHeader`` naming the organization (its PPAGUID), and a signature by a signing identity:
an RSA/ECDSA ``SigningIdentity`` (XAdES by ``hub.contract.signing``) or a GOST R 34.10-2012
``GostIdentity`` (``hub.contract.gost.signing``, in the CryptoPro ``client`` or the ``gis``
layout). The envelope is multi-line so line numbers in the hub's errors mean something.

Header options (``message_guid``, ``date``, ``operator``, ``kind``) let a test send what a
misbehaving client would; ``extra_header`` (see ``envelope``) adds foreign header blocks.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta

from lxml import etree

from hub import ns
from hub.contract import signing
from hub.contract.gost.issuing import GostIdentity
from hub.contract.gost.signing import Layout, sign_envelope_gost
from hub.contract.pki import SigningIdentity

HM = ns.HOUSE_MANAGEMENT
BASE = ns.BASE
SOAP = ns.SOAP_ENV
#: The house-management service (houses and accounts), where every operation of the hub is posted.
HM_PATH = "/ext-bus-home-management-service/services/HomeManagementAsync"

#: The Body's element: an lxml element or its XML text.
Payload = str | etree._Element
Identity = SigningIdentity | GostIdentity


def now_text(shift: timedelta = timedelta()) -> str:
    """The current time (plus ``shift``) as a header ``Date``, with the local offset."""
    return (datetime.now(UTC) + shift).astimezone().isoformat(timespec="milliseconds")


def header_xml(
    org_ppaguid: str | None,
    *,
    message_guid: str | None = None,
    date: str | None = None,
    operator: bool = False,
    kind: str = "RequestHeader",
) -> str:
    """A ``base:RequestHeader`` (or ``kind``); no ``orgPPAGUID`` when ``org_ppaguid`` is None."""
    parts = [
        f"<base:Date>{date or now_text()}</base:Date>",
        f"<base:MessageGUID>{message_guid or uuid.uuid4()}</base:MessageGUID>",
    ]
    if org_ppaguid:
        parts.append(f"<base:orgPPAGUID>{org_ppaguid}</base:orgPPAGUID>")
    if operator:
        parts.append("<base:IsOperatorSignature>true</base:IsOperatorSignature>")
    return f"<base:{kind}>{''.join(parts)}</base:{kind}>"


def payload_text(payload: Payload, *, version: str | None = None, pretty: bool = False) -> str:
    """``payload`` as XML text; an element gets ``base:version`` = ``version`` when given (on a copy)."""
    if isinstance(payload, str):
        if version is not None:
            raise TypeError("version applies to an element payload, not to XML text")
        return payload
    if version is not None:
        payload = copy.deepcopy(payload)
        payload.set(f"{{{BASE}}}version", version)
    return etree.tostring(payload, encoding="unicode", pretty_print=pretty).rstrip("\n")


def envelope(body: Payload, header: str, *, extra_header: str = "", pretty: bool = False) -> bytes:
    """An unsigned multi-line envelope around ``body`` (``pretty``: one element of it a line)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:base="{BASE}" xmlns:hm="{HM}">\n'
        f"<soapenv:Header>\n{extra_header}{header}\n</soapenv:Header>\n"
        f"<soapenv:Body>\n{payload_text(body, pretty=pretty)}\n</soapenv:Body>\n"
        "</soapenv:Envelope>\n"
    ).encode()


def unsigned(
    payload: Payload,
    org_ppaguid: str | None,
    *,
    version: str | None = None,
    pretty: bool = False,
    extra_header: str = "",
    **header: object,
) -> bytes:
    """The unsigned envelope of ``payload`` from ``org_ppaguid`` (header options as ``header_xml``)."""
    body = payload_text(payload, version=version, pretty=pretty)
    return envelope(body, header_xml(org_ppaguid, **header), extra_header=extra_header)  # type: ignore[arg-type]


def signed(
    payload: Payload,
    identity: Identity,
    org_ppaguid: str | None,
    *,
    version: str | None = None,
    layout: Layout = "client",
    signing_time: datetime | None = None,
    pretty: bool = False,
    extra_header: str = "",
    **header: object,
) -> bytes:
    """``unsigned(...)`` signed by ``identity``: XAdES for RSA/ECDSA, GOST in ``layout`` for GOST."""
    raw = unsigned(payload, org_ppaguid, version=version, pretty=pretty, extra_header=extra_header, **header)
    if isinstance(identity, GostIdentity):
        return sign_envelope_gost(raw, identity, layout=layout, signing_time=signing_time)
    return signing.sign_envelope(raw, identity, signing_time=signing_time)


def get_requests_state(message_guids: list[str], org_ppaguid: str | None) -> bytes:
    """An unsigned ``getRequestsStateRequest`` (BillsAsync) for ``message_guids``."""
    listed = "".join(f"<base:MessageGUIDList>{guid}</base:MessageGUIDList>" for guid in message_guids)
    body = f"<base:getRequestsStateRequest>{listed}</base:getRequestsStateRequest>"
    return envelope(body, header_xml(org_ppaguid))


def export_house_body(fias: str | None = None, *, version: str = "15.10.0.0") -> str:
    """The smallest valid request (an ``exportHouseRequest``), the workhorse of intake tests."""
    return (
        f'<hm:exportHouseRequest Id="signed-data-container" base:version="{version}">\n'
        f"<hm:FIASHouseGuid>{fias or uuid.uuid4()}</hm:FIASHouseGuid>\n"
        "</hm:exportHouseRequest>"
    )


def get_state(message_guid: str, org_ppaguid: str | None) -> bytes:
    """An unsigned ``getStateRequest`` for ``message_guid`` (getState needs no signature)."""
    body = f"<base:getStateRequest><base:MessageGUID>{message_guid}</base:MessageGUID></base:getStateRequest>"
    return envelope(body, header_xml(org_ppaguid))
