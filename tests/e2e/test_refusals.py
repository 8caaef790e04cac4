"""Every bad request gets its own coded Fault, and nothing is stored."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from lxml import etree

from hub import ns
from hub.contract import signing
from testkit.answers import fault_code
from testkit.messages import BASE, HM, SOAP, envelope, export_house_body, header_xml, now_text, signed
from testkit.pki import DEMO_ORG, expired_identity, org_identity
from tests.e2e.harness import HubUnderTest, register_certificate


def _refused(hut: HubUnderTest, body: bytes, code: str, **post_kw: object) -> str:
    return hut.refused(body, code, **post_kw)


def _signed_tree(hut: HubUnderTest, body: str | None = None) -> etree._Element:
    org = hut.orgs["a"]
    return etree.fromstring(signed(body or export_house_body(), org.identity, org.ppaguid))


def test_malformed_xml(hut: HubUnderTest) -> None:
    _refused(hut, b"<soapenv:Envelope><unclosed>", "FMT900001")


def test_doctype_and_entities(hut: HubUnderTest) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&b;'
        b"</soapenv:Body></soapenv:Envelope>"
    )
    _refused(hut, bomb, "FMT900002")


def test_too_deep(hut: HubUnderTest) -> None:
    deep = b"<a>" * 300 + b"</a>" * 300
    _refused(hut, envelope(deep.decode(), header_xml(hut.orgs["a"].ppaguid)), "FMT900003")


def test_too_big(hut: HubUnderTest) -> None:
    big = envelope("<x>" + "a" * (hut.settings.max_body_bytes + 10) + "</x>", "")
    _refused(hut, big, "FMT900004")


def test_empty_post(hut: HubUnderTest) -> None:
    _refused(hut, b"", "FMT900008")


def test_not_an_envelope(hut: HubUnderTest) -> None:
    _refused(hut, b"<hello/>", "FMT900005")


def test_unknown_operation(hut: HubUnderTest) -> None:
    body = f'<hm:importSomethingRequest xmlns:hm="{HM}"/>'
    _refused(hut, envelope(body, header_xml(hut.orgs["a"].ppaguid)), "FMT900006")


def test_soap_action_must_match_the_body(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    _refused(
        hut,
        signed(export_house_body(), org.identity, org.ppaguid),
        "FMT900006",
        soap_action="urn:importAccountData",
    )


def test_unknown_must_understand_header(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    extra = '<sec:Security xmlns:sec="urn:x-test" soapenv:mustUnderstand="1"/>'
    raw = envelope(export_house_body(), header_xml(org.ppaguid), extra_header=extra)
    response = hut.post(signing.sign_envelope(raw, org.identity))
    assert fault_code(response.content) == "FMT900007"
    assert b"MustUnderstand" in response.content


def test_wcf_action_header_is_tolerated(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    extra = (
        '<Action soapenv:mustUnderstand="1" '
        'xmlns="http://schemas.microsoft.com/ws/2005/05/addressing/none">urn:exportHouseData</Action>'
    )
    assert hut.post(signed(export_house_body(), org.identity, org.ppaguid, extra_header=extra)).status_code == 200


def test_xsd_violation_names_the_clients_line_and_xpath(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    body = (
        '<hm:exportHouseRequest Id="signed-data-container" base:version="15.10.0.0">\n'
        "<hm:FIASHouseGuid>not-a-guid</hm:FIASHouseGuid>\n"
        "</hm:exportHouseRequest>"
    )
    raw = signed(body, org.identity, org.ppaguid)
    expected_line = (
        raw.decode().splitlines().index(next(line for line in raw.decode().splitlines() if "not-a-guid" in line)) + 1
    )
    message = _refused(hut, raw, "FMT001300")
    assert f"строка {expected_line}" in message, message
    assert "FIASHouseGuid" in message


def test_header_xsd_violation(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    # IsOperatorSignature before orgPPAGUID: the order error GIS reports with FMT001300.
    header = (
        f"<base:RequestHeader><base:Date>{now_text()}</base:Date><base:MessageGUID>{uuid.uuid4()}</base:MessageGUID>"
        f"<base:IsOperatorSignature>true</base:IsOperatorSignature><base:orgPPAGUID>{org.ppaguid}</base:orgPPAGUID>"
        "</base:RequestHeader>"
    )
    raw = signing.sign_envelope(envelope(export_house_body(), header), org.identity)
    _refused(hut, raw, "FMT001300")


def test_unsigned(hut: HubUnderTest) -> None:
    _refused(hut, envelope(export_house_body(), header_xml(hut.orgs["a"].ppaguid)), "AUT900001")


def test_tampered(hut: HubUnderTest) -> None:
    tree = _signed_tree(hut)
    guid = tree.find(f".//{{{HM}}}FIASHouseGuid")
    assert guid is not None
    guid.text = str(uuid.uuid4())
    _refused(hut, etree.tostring(tree), "AUT900002")


def test_wrapped_signed_element_moved_to_header(hut: HubUnderTest) -> None:
    tree = _signed_tree(hut)
    body = tree.find(f"{{{SOAP}}}Body")
    header = tree.find(f"{{{SOAP}}}Header")
    assert body is not None and header is not None
    original = body[0]
    body.remove(original)
    header.append(original)
    forged = etree.SubElement(body, f"{{{HM}}}exportHouseRequest", {"Id": "forged", f"{{{BASE}}}version": "15.10.0.0"})
    etree.SubElement(forged, f"{{{HM}}}FIASHouseGuid").text = str(uuid.uuid4())
    _refused(hut, etree.tostring(tree), "AUT900003")


def test_wrapped_signed_element_nested_in_forged_element(hut: HubUnderTest) -> None:
    tree = _signed_tree(hut)
    body = tree.find(f"{{{SOAP}}}Body")
    assert body is not None
    original = body[0]
    body.remove(original)
    forged = etree.SubElement(body, f"{{{HM}}}exportHouseRequest", {f"{{{BASE}}}version": "15.10.0.0"})
    etree.SubElement(forged, f"{{{HM}}}FIASHouseGuid").text = str(uuid.uuid4())
    forged.append(original)
    _refused(hut, etree.tostring(tree), "AUT900003")


def test_wrapped_duplicate_id(hut: HubUnderTest) -> None:
    tree = _signed_tree(hut)
    header = tree.find(f"{{{SOAP}}}Header")
    assert header is not None
    etree.SubElement(header, "{urn:x-test}Decoy", {"Id": "signed-data-container"})
    _refused(hut, etree.tostring(tree), "AUT900003")


def test_unknown_certificate(hut: HubUnderTest) -> None:
    stranger = org_identity("ООО «Незнакомец» (тест)")
    _refused(hut, signed(export_house_body(), stranger, hut.orgs["a"].ppaguid), "AUT900004")


def test_expired_certificate(hut: HubUnderTest) -> None:
    expired = expired_identity(DEMO_ORG)
    register_certificate(hut, expired, hut.orgs["a"].id)
    _refused(hut, signed(export_house_body(), expired, hut.orgs["a"].ppaguid), "AUT900005")


def test_revoked_certificate(hut: HubUnderTest) -> None:
    revoked = org_identity("ООО «Отозванная» (тест)", "ec")
    register_certificate(hut, revoked, hut.orgs["a"].id)
    from hub.contract import pki

    assert hut.hub.directory.revoke_certificate(pki.fingerprint(revoked.certificate), "test")
    _refused(hut, signed(export_house_body(), revoked, hut.orgs["a"].ppaguid), "AUT900006")


def test_org_ppaguid_of_another_organization(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    _refused(hut, signed(export_house_body(), a.identity, b.ppaguid), "AUT900007")


def test_unregistered_org_ppaguid(hut: HubUnderTest) -> None:
    _refused(hut, signed(export_house_body(), hut.orgs["a"].identity, str(uuid.uuid4())), "AUT011002")


@pytest.mark.parametrize("shift_hours", [-25, 25])
def test_stale_or_future_date(hut: HubUnderTest, shift_hours: int) -> None:
    org = hut.orgs["a"]
    date = now_text(dt.timedelta(hours=shift_hours))
    _refused(hut, signed(export_house_body(), org.identity, org.ppaguid, date=date), "AUT900008")


def test_unsupported_version(hut: HubUnderTest) -> None:
    org = hut.orgs["a"]
    message = _refused(hut, signed(export_house_body(version="10.0.1.1"), org.identity, org.ppaguid), "FMT001300")
    assert "не поддерживается" in message


def test_transport_credentials_of_another_organization_on_a_signed_request(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    _refused(hut, signed(export_house_body(), a.identity, a.ppaguid), "AUT900007", auth=b.auth)


def test_operator_certificate_signs_for_granted_organizations_only(hut: HubUnderTest) -> None:
    a, b = hut.orgs["a"], hut.orgs["b"]
    operator = org_identity("Оператор ИС (тест)")
    register_certificate(hut, operator, None, operator_for=[a.id])
    ok = hut.post(signed(export_house_body(), operator, a.ppaguid, operator=True))
    assert ok.status_code == 200, ok.text[:1000]
    _refused(hut, signed(export_house_body(), operator, a.ppaguid), "AUT900007")
    _refused(hut, signed(export_house_body(), operator, b.ppaguid, operator=True), "AUT900007")


def test_no_traceback_ever_reaches_the_client(hut: HubUnderTest) -> None:
    for junk in (b"\x00\x01\x02", b"<", "<я>".encode("cp1251"), b"<a xmlns:b='x'><b:c/></a>"):
        response = hut.post(junk)
        assert response.status_code == 500
        assert b"Traceback" not in response.content
        fault_code(response.content)


def test_wsdl_is_served_and_loads_in_zeep(hut: HubUnderTest) -> None:
    import zeep

    client = zeep.Client(hut.base_url + "/ext-bus-home-management-service/services/HomeManagementAsync?wsdl")
    operations = set(client.service._binding._operations)  # type: ignore[attr-defined]
    assert {
        "importHouseUOData",
        "exportHouseData",
        "importAccountData",
        "exportAccountData",
        "getState",
    } <= operations
    port = client.wsdl.services["HouseManagementServiceAsync"].ports["HouseManagementPortAsync"]
    address = port.binding_options["address"]
    assert address.startswith(hut.base_url)
    assert ns.BASE


def test_revocation_by_another_process_takes_effect_within_the_cache_ttl(hut: HubUnderTest) -> None:
    """A second directory over the same store stands in for ``hub cert revoke`` in another process."""
    import time

    from hub.contract import pki
    from hub.store.directory import CachedDirectory

    org = hut.orgs["a"]
    identity = org_identity("ООО «Отзываемая из CLI» (тест)", "ec")
    register_certificate(hut, identity, org.id)
    assert hut.post(signed(export_house_body(), identity, org.ppaguid)).status_code == 200  # now cached as valid
    CachedDirectory(hut.hub.store).revoke_certificate(pki.fingerprint(identity.certificate), "cli")
    time.sleep(hut.hub.directory.ttl + 0.1)
    _refused(hut, signed(export_house_body(), identity, org.ppaguid), "AUT900006")
