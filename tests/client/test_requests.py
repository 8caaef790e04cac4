"""What the client builds: signed envelopes valid under the REAL GIS XSD, payload conveniences.

No hub is needed: zeep loads our WSDL from the repository (``ClientConfig.wsdl``), exactly the
file the hub serves at ``?wsdl``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.client import ClientConfig, HubClient, PayloadError, PreparedRequest
from hub.client.core import GIS_SCHEDULE, Polling
from hub.contract import signature
from testkit.accounts import export_account, import_account
from testkit.houses import export_house, import_house_uo_apartment
from testkit.messages import envelope, header_xml, signed
from testkit.pki import org_identity
from tests.real_contract import assert_valid_under_real_xsd

REPO = Path(__file__).resolve().parents[2]
WSDL = str(REPO / "wsdl" / "hcs-house-management-service-async.wsdl")
ORG = "1d7a2c5e-8f4b-4c3d-9e2a-0000000d0e01"
SOAP = ns.SOAP_ENV
BASE = ns.BASE


@pytest.fixture(scope="module")
def client() -> HubClient:
    return HubClient(ClientConfig(org_ppaguid=ORG, identity=org_identity(), wsdl=WSDL))


def _parts(request: PreparedRequest) -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.fromstring(request.body)
    header = root.find(f"{{{SOAP}}}Header/{{{BASE}}}RequestHeader")
    body = root.find(f"{{{SOAP}}}Body")
    assert header is not None and body is not None
    return root, header, body[0]


PAYLOADS = {
    "importHouseUOData": lambda: import_house_uo_apartment(signed_id=None),
    "exportHouseData": lambda: export_house(signed_id=None),
    "importAccountData": lambda: import_account(signed_id=None),
    "exportAccountData": lambda: export_account(signed_id=None),
}


@pytest.mark.parametrize("operation", sorted(PAYLOADS))
def test_every_request_is_signed_and_valid_under_the_real_xsd(
    client: HubClient, operation: str, real_contract: Path
) -> None:
    request = client.prepare(operation, PAYLOADS[operation]())
    _, header, element = _parts(request)
    assert element.get("Id") == "signed-data-container"
    assert_valid_under_real_xsd(header, real_contract)
    assert_valid_under_real_xsd(element, real_contract)
    # The signature is the one the hub verifies, and it covers exactly the bytes sent.
    verified = signature.verify_envelope(etree.fromstring(request.body))
    assert verified.fingerprint == org_identity().fingerprint
    assert header.findtext(f"{{{BASE}}}MessageGUID") == request.message_guid
    assert header.findtext(f"{{{BASE}}}orgPPAGUID") == ORG
    assert header.find(f"{{{BASE}}}IsOperatorSignature") is None
    assert request.operation.soap_action == f"urn:{operation}"


def test_header_elements_follow_the_xsd_order_with_operator_flag(real_contract: Path) -> None:
    operator = HubClient(ClientConfig(org_ppaguid=ORG, identity=org_identity(), wsdl=WSDL, is_operator_signature=True))
    _, header, _ = _parts(operator.prepare("exportHouseData", export_house(signed_id=None)))
    assert [etree.QName(c).localname for c in header] == [
        "Date",
        "MessageGUID",
        "orgPPAGUID",
        "IsOperatorSignature",
    ]
    assert header.findtext(f"{{{BASE}}}IsOperatorSignature") == "true"
    assert_valid_under_real_xsd(header, real_contract)


def test_get_state_request_is_valid_under_the_real_xsd(client: HubClient, real_contract: Path) -> None:
    info = client.contract.operation("getState")
    body = client.contract.build_element(info.input_element, {"MessageGUID": str(uuid.uuid4())})
    assert_valid_under_real_xsd(body, real_contract)
    assert info.soap_action == "urn:getState"


def test_a_dict_payload_is_rendered_by_zeep(client: HubClient, real_contract: Path) -> None:
    fias = str(uuid.uuid4())
    request = client.prepare("exportHouseData", {"FIASHouseGuid": fias, "version": "15.10.0.0"})
    _, _, element = _parts(request)
    assert element.findtext(f"{{{ns.HOUSE_MANAGEMENT}}}FIASHouseGuid") == fias
    assert_valid_under_real_xsd(element, real_contract)


def test_a_whole_envelope_gives_its_body_and_a_fresh_header(client: HubClient) -> None:
    old_guid = str(uuid.uuid4())
    captured = signed(
        '<hm:exportHouseRequest base:version="15.10.0.0"><hm:FIASHouseGuid>'
        f"{uuid.uuid4()}</hm:FIASHouseGuid></hm:exportHouseRequest>",
        org_identity("ООО «Чужая»"),
        str(uuid.uuid4()),
        message_guid=old_guid,
    )
    request = client.prepare("exportHouseData", captured)
    _, header, element = _parts(request)
    assert header.findtext(f"{{{BASE}}}MessageGUID") != old_guid
    assert header.findtext(f"{{{BASE}}}orgPPAGUID") == ORG
    # Old signature dropped, the element re-signed with the client's identity.
    assert signature.verify_envelope(etree.fromstring(request.body)).fingerprint == org_identity().fingerprint
    assert len(element.findall(f"{{{ns.DS}}}Signature")) == 1


def test_an_element_with_its_own_id_keeps_it(client: HubClient) -> None:
    payload = export_house(signed_id="my-id")
    _, _, element = _parts(client.prepare("exportHouseData", payload))
    assert element.get("Id") == "my-id"


def test_the_payload_must_be_the_operations_input_element(client: HubClient) -> None:
    with pytest.raises(PayloadError, match="exportHouseData takes hm:exportHouseRequest"):
        client.prepare("exportHouseData", export_account(signed_id=None))


def test_an_unknown_operation_lists_the_served_ones(client: HubClient) -> None:
    with pytest.raises(PayloadError, match="importHouseUOData, exportHouseData"):
        client.prepare("importSomething", export_house())


def test_get_state_is_not_sent_as_a_signed_request(client: HubClient) -> None:
    body = f"<base:getStateRequest><base:MessageGUID>{uuid.uuid4()}</base:MessageGUID></base:getStateRequest>"
    with pytest.raises(PayloadError, match="not a signed request"):
        client.prepare("getState", envelope(body, header_xml(ORG)))


def test_malformed_payload_is_a_payload_error(client: HubClient) -> None:
    with pytest.raises(PayloadError, match="not well-formed"):
        client.prepare("exportHouseData", b"<hm:exportHouseRequest")


def test_sending_needs_a_signing_identity() -> None:
    anonymous = HubClient(ClientConfig(org_ppaguid=ORG, wsdl=WSDL))
    with pytest.raises(PayloadError, match="signing identity"):
        anonymous.prepare("exportHouseData", export_house())


def test_polling_schedule_is_capped_at_its_last_delay() -> None:
    hub = Polling()
    assert [hub.delay(i) for i in range(7)] == [0.2, 0.5, 1.0, 2.0, 5.0, 5.0, 5.0]
    gis = Polling(delays=GIS_SCHEDULE)
    assert gis.delay(0) == 10 and gis.delay(10) == 1800
