"""Information systems over real HTTP on both shapes: a client with only a system certificate and
its credential reads the books and the registry and lists its own data providers; it may call
nothing else, its getState needs its credential, and unsigned requests are accepted only where
the operator allows them (``HUB_UNSIGNED_COMMON``) and only from an authenticated connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree

from hub import ns
from hub.contract import signing
from hub.services.identity import hash_password
from hub.store import systems
from hub.store.nsi import LoadedElement, load_book
from testkit.answers import ack_guids, body_child
from testkit.messages import envelope, export_house_body, header_xml
from testkit.pki import org_identity
from tests import is_services
from tests.e2e.harness import PASSWORD, HubUnderTest, Org, register_certificate
from tests.is_services import error_code
from tests.nsi.test_e2e import request as nsi_request
from tests.real_contract import assert_valid_under_real_xsd

NSI_PATH = "/ext-bus-nsi-common-service/services/NsiCommonAsync"
RO_PATH = "/ext-bus-org-registry-common-service/services/OrgRegistryCommonAsync"
HM_PATH = "/ext-bus-home-management-service/services/HomeManagementAsync"
RO = ns.ORG_REGISTRY_COMMON
REG = ns.ORGANIZATIONS_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_BASE


def a_system(hut: HubUnderTest, label: str) -> Org:
    """What ``hub cert add --system`` does: the system, its credential (the harness's password)
    and its certificate."""
    name = f"ИС {label} {uuid.uuid4().hex[:6]}"
    system = systems.add_system(hut.hub.directory, name, hash_password(PASSWORD), "test")
    identity = org_identity(name)
    register_certificate(hut, identity, system.id)
    return Org(system.ppaguid, identity, system.id)


def org_registry(ogrn: str) -> str:
    return (
        f'<ro:exportOrgRegistryRequest xmlns:ro="{RO}" xmlns:org="{ORG}" xmlns:base="{ns.BASE}"'
        f' Id="signed-data-container" base:version="10.0.2.1">'
        f"<ro:SearchCriteria><org:OGRN>{ogrn}</org:OGRN></ro:SearchCriteria></ro:exportOrgRegistryRequest>"
    )


def data_provider(only_actual: bool = False) -> str:
    actual = "<ro:IsActual>true</ro:IsActual>" if only_actual else ""
    return (
        f'<ro:exportDataProviderRequest xmlns:ro="{RO}" xmlns:base="{ns.BASE}"'
        f' Id="signed-data-container" base:version="10.0.2.1">{actual}</ro:exportDataProviderRequest>'
    )


def providers(result: etree._Element) -> dict[str, str]:
    """DataProviderGUID → IsActual."""
    return {
        r.findtext(f"{{{RO}}}DataProviderGUID") or "": r.findtext(f"{{{RO}}}IsActual") or ""
        for r in result.iterfind(f"{{{RO}}}exportDataProviderResult")
    }


def test_a_system_reads_the_books_and_finds_an_organization(hut: HubUnderTest, real_contract: Path) -> None:
    system = a_system(hut, "книги")
    listed = is_services.send(
        hut, system, nsi_request("exportNsiListRequest"), "exportNsiList", NSI_PATH, real_contract
    )
    assert listed.find(f"{{{ns.NSI_COMMON}}}NsiList") is not None
    book = is_services.send(
        hut, system, nsi_request("exportNsiItemRequest", registry=24), "exportNsiItem", NSI_PATH, real_contract
    )
    assert book.find(f"{{{ns.NSI_COMMON}}}NsiItem") is not None

    # a book loaded by the operator: its delta, and its pages of 1000
    registry = 900_000 + uuid.uuid4().int % 90_000
    before = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    load_book(hut.hub.store, registry, "Справочник ИС", [LoadedElement(str(i), f"Э {i}", True) for i in range(1, 1501)],
              source="test", actor="test")  # fmt: skip
    delta = is_services.send(
        hut, system, nsi_request("exportNsiItemRequest", registry=registry, after=before), "exportNsiItem", NSI_PATH,
        real_contract,
    )  # fmt: skip
    assert len(delta.findall(f"{{{ns.NSI_COMMON}}}NsiItem/{{{ns.NSI_BASE}}}NsiElement")) == 1500
    for page, size in ((1, 1000), (2, 500)):
        paged = is_services.send(
            hut, system, nsi_request("exportNsiPagingItemRequest", registry=registry, page=page),
            "exportNsiPagingItem", NSI_PATH, real_contract,
        )  # fmt: skip
        assert len(paged.findall(f"{{{ns.NSI_COMMON}}}NsiPagingItem/{{{ns.NSI_BASE}}}NsiElement")) == size

    demo = hut.hub.directory.organization(hut.orgs["a"].id)
    assert demo is not None
    found = is_services.send(hut, system, org_registry(demo.ogrn), "exportOrgRegistry", RO_PATH, real_contract)
    assert found.findtext(f".//{{{ns.BASE}}}orgPPAGUID") == demo.ppaguid
    unknown = is_services.send(hut, system, org_registry("1000000000009"), "exportOrgRegistry", RO_PATH, real_contract)
    assert error_code(unknown) == "INT002012"


def test_each_system_lists_only_its_own_data_providers(hut: HubUnderTest, real_contract: Path) -> None:
    first, second = a_system(hut, "первая"), a_system(hut, "вторая")
    a, b, rso = hut.orgs["a"], hut.orgs["b"], hut.orgs["rso"]
    store = hut.hub.store
    systems.link(store, first.id, a.id, "test")
    systems.link(store, first.id, b.id, "test")
    systems.link(store, first.id, b.id, "test", actual=False)
    systems.link(store, second.id, rso.id, "test")

    every = is_services.send(hut, first, data_provider(), "exportDataProvider", RO_PATH, real_contract)
    assert providers(every) == {a.ppaguid: "true", b.ppaguid: "false"}
    demo_root = every.findtext(f".//{{{REG}}}RegOrg/{{{REG}}}orgRootEntityGUID")
    registry = is_services.send(hut, first, org_registry("1027700000001"), "exportOrgRegistry", RO_PATH, real_contract)
    assert demo_root == registry.findtext(f".//{{{REG}}}orgRootEntityGUID")
    in_force = is_services.send(hut, first, data_provider(True), "exportDataProvider", RO_PATH, real_contract)
    assert providers(in_force) == {a.ppaguid: "true"}
    theirs = is_services.send(hut, second, data_provider(), "exportDataProvider", RO_PATH, real_contract)
    assert providers(theirs) == {rso.ppaguid: "true"}
    # an organization has no data providers; an unlinked system neither
    assert error_code(is_services.send(hut, a, data_provider(), "exportDataProvider", RO_PATH, real_contract)) == (
        "INT002012"
    )
    lonely = a_system(hut, "без поставщиков")
    assert error_code(is_services.send(hut, lonely, data_provider(), "exportDataProvider", RO_PATH, real_contract)) == (
        "INT002012"
    )


def _post_signed(hut: HubUnderTest, system: Org, body: str, action: str, path: str, header: str) -> str:
    raw = signing.sign_envelope(envelope(body, header), system.identity)
    response = hut.post(raw, soap_action=f"urn:{action}", path=path)
    assert response.status_code == 200, response.text[:1000]
    return ack_guids(response.content)[0]


def test_a_systems_get_state_needs_its_own_credential(hut: HubUnderTest) -> None:
    system = a_system(hut, "состояние")
    guid = _post_signed(
        hut,
        system,
        nsi_request("exportNsiListRequest"),
        "exportNsiList",
        NSI_PATH,
        header_xml(None, kind="ISRequestHeader"),
    )
    body = f"<base:getStateRequest><base:MessageGUID>{guid}</base:MessageGUID></base:getStateRequest>"
    state = envelope(body, header_xml(None, kind="ISRequestHeader"))
    anonymous = hut.post(state, soap_action="urn:getState", path=NSI_PATH)
    assert anonymous.status_code == 500 and b"AUT900009" in anonymous.content
    wrong = hut.post(state, auth=(system.ppaguid, "not-the-password"), soap_action="urn:getState", path=NSI_PATH)
    assert wrong.status_code == 500 and b"AUT900009" in wrong.content
    other = hut.post(state, auth=hut.orgs["a"].auth, soap_action="urn:getState", path=NSI_PATH)
    assert other.status_code == 500 and b"INT002013" in other.content
    result = body_child(hut.poll(guid, system, path=NSI_PATH))
    assert result.findtext(f"{{{ns.BASE}}}RequestState") == "3"


def test_a_system_may_call_only_the_common_services(hut: HubUnderTest) -> None:
    system = a_system(hut, "граница")
    own = header_xml(system.ppaguid)
    house = signing.sign_envelope(envelope(export_house_body(), own), system.identity)
    text = hut.refused(house, "AUT011003", soap_action="urn:exportHouseData", path=HM_PATH)
    assert "NsiCommonAsync" in text
    # it cannot speak for an organization either
    for_a = header_xml(hut.orgs["a"].ppaguid)
    raw = signing.sign_envelope(envelope(nsi_request("exportNsiListRequest"), for_a), system.identity)
    hut.refused(raw, "AUT900007", soap_action="urn:exportNsiList", path=NSI_PATH)


@contextmanager
def unsigned_allowed(hut: HubUnderTest) -> Iterator[None]:
    before = hut.hub.settings
    hut.hub.settings = replace(before, unsigned_common=True)
    try:
        yield
    finally:
        hut.hub.settings = before


def test_unsigned_requests_only_where_allowed_and_only_with_a_credential(
    hut: HubUnderTest, real_contract: Path
) -> None:
    system = a_system(hut, "без подписи")
    body = nsi_request("exportNsiListRequest").replace(' Id="signed-data-container"', "")
    raw = envelope(body, header_xml(None, kind="ISRequestHeader"))
    auth = system.auth
    # off by default: the signature is required
    hut.refused(raw, "AUT900001", auth=auth, soap_action="urn:exportNsiList", path=NSI_PATH)
    with unsigned_allowed(hut):
        hut.refused(raw, "AUT900001", soap_action="urn:exportNsiList", path=NSI_PATH)  # no credential
        hut.refused(
            raw,
            "AUT900009",
            auth=(system.ppaguid, "wrong"),
            soap_action="urn:exportNsiList",
            path=NSI_PATH,
        )
        house = envelope(export_house_body(), header_xml(hut.orgs["a"].ppaguid))
        hut.refused(house, "AUT900001", auth=hut.orgs["a"].auth, soap_action="urn:exportHouseData", path=HM_PATH)
        response = hut.post(raw, auth=auth, soap_action="urn:exportNsiList", path=NSI_PATH)
        assert response.status_code == 200, response.text[:1000]
        guid = ack_guids(response.content)[0]
    result = body_child(hut.poll(guid, system, path=NSI_PATH))
    assert result.findtext(f"{{{ns.BASE}}}RequestState") == "3"
    assert result.find(f"{{{ns.NSI_COMMON}}}NsiList") is not None
    assert_valid_under_real_xsd(result, real_contract)
