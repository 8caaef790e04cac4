"""Sending to the services whose WSDL header is ISRequestHeader (NsiCommon, OrgRegistryCommon).

Field clients send a RequestHeader with orgPPAGUID instead; ``send`` builds either, signs with
the organization's certificate, checks the request and the final getStateResult under the real
XSD, and returns that getStateResult (state 3).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from hub import ns
from hub.contract import signing
from testkit.answers import ack_guids, body_child
from testkit.messages import envelope, header_xml
from tests.e2e.harness import HubUnderTest, Org
from tests.real_contract import assert_valid_under_real_xsd, errors_under_real_xsd


def send(
    hut: HubUnderTest, org: Org, body: str, action: str, path: str, real_contract: Path, *, is_header: bool = True
) -> etree._Element:
    assert errors_under_real_xsd(etree.fromstring(body), real_contract) == []
    header = header_xml(None, kind="ISRequestHeader") if is_header else header_xml(org.ppaguid)
    raw = signing.sign_envelope(envelope(body, header), org.identity)
    response = hut.post(raw, soap_action=f"urn:{action}", path=path)
    assert response.status_code == 200, response.text[:2000]
    hub_guid, _ = ack_guids(response.content)
    result = body_child(hut.poll(hub_guid, org, timeout=60, path=path))
    assert result.findtext(f"{{{ns.BASE}}}RequestState") == "3"
    assert_valid_under_real_xsd(result, real_contract)
    return result


def error_code(result: etree._Element) -> str | None:
    return result.findtext(f"{{{ns.BASE}}}ErrorMessage/{{{ns.BASE}}}ErrorCode")
