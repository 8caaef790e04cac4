"""Signed getStateResult envelopes: built once, replayed with a fresh unsigned ResultHeader."""

from __future__ import annotations

import uuid

from lxml import etree

from hub import ns
from hub.contract import responses
from hub.contract.signature import verify_envelope
from hub.contract.xmlparse import parse_xml
from testkit.pki import org_identity

BASE = ns.BASE
HM = ns.HOUSE_MANAGEMENT
FRAGMENT = f'<hub:Result xmlns:hub="urn:hub" xmlns:tns="{HM}"><tns:ImportResult/></hub:Result>'.encode()


def _signed(requester_guid: str) -> bytes:
    return responses.signed_state_result(
        service_namespace=ns.HOUSE_MANAGEMENT,
        version="13.1.1.1",
        state=3,
        message_guid=str(uuid.uuid4()),
        result=FRAGMENT,
        requester_message_guid=requester_guid,
        identity=org_identity(),
    )


def _header(envelope: bytes) -> tuple[str | None, str | None]:
    root = parse_xml(envelope)
    return (
        root.findtext(f".//{{{BASE}}}ResultHeader/{{{BASE}}}Date"),
        root.findtext(f".//{{{BASE}}}ResultHeader/{{{BASE}}}MessageGUID"),
    )


def test_replay_gets_a_fresh_header_and_keeps_the_signed_body_byte_for_byte() -> None:
    stored = _signed("aaaaaaaa-0000-0000-0000-000000000001")
    replayed = responses.replace_header_date(stored, "bbbbbbbb-0000-0000-0000-000000000002")

    date, guid = _header(replayed)
    assert guid == "bbbbbbbb-0000-0000-0000-000000000002"
    assert date is not None and date >= (_header(stored)[0] or "")
    body_at = stored.index(b"<soapenv:Body")
    assert replayed.endswith(stored[body_at:])
    verified = verify_envelope(parse_xml(replayed))
    assert etree.QName(verified.element).localname == "getStateResult"


def test_replay_header_text_is_escaped() -> None:
    replayed = responses.replace_header_date(_signed(str(uuid.uuid4())), "<&>")
    assert _header(replayed)[1] == "<&>"


def test_envelope_without_our_header_is_replayed_as_it_is() -> None:
    stored = _signed(str(uuid.uuid4()))
    start, end = stored.index(b"<soapenv:Header>"), stored.index(b"</soapenv:Header>") + len(b"</soapenv:Header>")
    headless = stored[:start] + stored[end:]
    assert responses.replace_header_date(headless, str(uuid.uuid4())) == headless
