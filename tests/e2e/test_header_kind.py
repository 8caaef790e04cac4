"""Each operation takes the SOAP header its WSDL declares (the registry's ``header``)."""

from __future__ import annotations

from hub.contract.registry import HeaderKind, registry
from testkit.messages import envelope, export_house_body, header_xml, signed
from tests.e2e.harness import HubUnderTest


def test_an_information_system_header_on_an_organization_operation_is_refused(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    operation = registry().operation("exportHouseData")
    assert operation is not None and operation.header is HeaderKind.REQUEST
    body = signed(export_house_body(), org.identity, None, kind="ISRequestHeader")
    text = hut.refused(body, "FMT001300")
    assert "RequestHeader" in text
    assert hut.post(signed(export_house_body(), org.identity, org.ppaguid)).status_code == 200


def test_get_state_takes_the_request_header_too(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    guid = "00000000-0000-4000-8000-000000000000"
    body = f"<base:getStateRequest><base:MessageGUID>{guid}</base:MessageGUID></base:getStateRequest>"
    text = hut.refused(envelope(body, header_xml(None, kind="ISRequestHeader")), "FMT001300", auth=org.auth)
    assert "getState" in text and "RequestHeader" in text
