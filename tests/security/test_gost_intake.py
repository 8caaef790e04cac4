"""GOST R 34.10-2012 signed requests through the SOAP path, on both shapes.

Every real GIS client signs this way (CryptoPro layout: inclusive C14N SignedInfo, GOST R
34.11-94 over SignedProperties); the hub verifies them behind the same structural checks, the
same registry lookup and the same replay rule as RSA and ECDSA, with the same codes.
"""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from hub.contract.gost.issuing import GostIdentity, create_ca, issue_certificate
from testkit.accounts import Acc, import_request
from testkit.answers import ack_guids, body_child
from testkit.messages import BASE, export_house_body, signed
from testkit.seeds import add_house
from tests.accounts.results import HM, commons
from tests.e2e.harness import HubUnderTest, register_certificate


@pytest.fixture(scope="module")
def gost_ca() -> GostIdentity:
    return create_ca("Тестовый УЦ ГОСТ")


def test_a_gost_signed_account_import_is_processed_end_to_end(hut: HubUnderTest, gost_ca: GostIdentity) -> None:
    org = hut.orgs["a"]
    identity = issue_certificate(gost_ca, common_name="Бухгалтерия УК", organization="ООО «Демо УК»")
    register_certificate(hut, identity, org.id)
    with hut.hub.store.writing() as conn:
        house = add_house(conn, org.id, premises_count=3, rooms=0)
    tag = uuid.uuid4().hex[:6]
    request = import_request(
        [Acc([("PremisesGUID", p, "100")], number=f"{tag}-{i}") for i, p in enumerate(house.premises)]
    )
    message = signed(request, identity, org.ppaguid)
    response = hut.post(message, soap_action="urn:importAccountData")
    assert response.status_code == 200, response.text[:2000]
    state = body_child(hut.poll(ack_guids(response.content)[0], org, timeout=60))
    assert state.findtext(f"{{{BASE}}}RequestState") == "3"
    import_result = state.find(f"{{{HM}}}ImportResult")
    assert import_result is not None
    got = commons(import_result)
    assert len(got) == 3 and all(c.ok for c in got)
    # The same captured message under a new MessageGUID is a replay, as for RSA.
    root = etree.fromstring(message)
    guid = root.find(f".//{{{BASE}}}MessageGUID")
    assert guid is not None
    guid.text = str(uuid.uuid4())
    hut.refused(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), "AUT900011")


def test_gost_tampered_and_unregistered_are_refused_with_the_rsa_codes(
    hut: HubUnderTest, gost_ca: GostIdentity
) -> None:
    org = hut.orgs["a"]
    stranger = issue_certificate(gost_ca, common_name="Не зарегистрирован")
    hut.refused(signed(export_house_body(), stranger, org.ppaguid), "AUT900004")

    identity = issue_certificate(gost_ca, common_name="Зарегистрирован")
    register_certificate(hut, identity, org.id)
    genuine = signed(export_house_body(), identity, org.ppaguid)
    fias = etree.fromstring(genuine).find(f".//{{{HM}}}FIASHouseGuid")
    assert fias is not None and fias.text
    tampered = genuine.replace(fias.text.encode(), str(uuid.uuid4()).encode())
    hut.refused(tampered, "AUT900002")
    # b's header with a's GOST key: the registry binds the key to a.
    hut.refused(signed(export_house_body(), identity, hut.orgs["b"].ppaguid), "AUT900007")
    response = hut.post(genuine, soap_action="urn:exportHouseData")
    assert response.status_code == 200, response.text[:2000]
