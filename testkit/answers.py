"""Readers of the hub's SOAP answers: the Body's element, a Fault's code and message, an Ack.

They assert the answer's shape as they read it, so a test or a benchmark that gets something
else fails on the first read with the answer in the message.
"""

from __future__ import annotations

from lxml import etree

from hub import ns

BASE = ns.BASE
SOAP = ns.SOAP_ENV


def body_child(response: bytes) -> etree._Element:
    root = etree.fromstring(response)
    body = root.find(f"{{{SOAP}}}Body")
    assert body is not None, response[:500]
    return body[0]


def fault_code(response: bytes) -> str:
    """The ``ErrorCode`` of a Fault; asserts the faultstring starts with it as GIS's do."""
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
    """(the hub's MessageGUID, the RequesterMessageGUID) of an Ack."""
    ack = body_child(response).find(f"{{{BASE}}}Ack")
    assert ack is not None, response[:800]
    return ack.findtext(f"{{{BASE}}}MessageGUID") or "", ack.findtext(f"{{{BASE}}}RequesterMessageGUID") or ""
