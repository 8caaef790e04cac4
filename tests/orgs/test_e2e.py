"""exportOrgRegistry over real HTTP on both shapes: by ОГРН, ОГРН+КПП, ОГРНИП, orgPPAGUID and the
registry GUIDs it returns; nothing matched is INT002012; more than 100 criteria is refused."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from hub import ns
from hub.store.tables import organizations
from tests import is_services
from tests.e2e.harness import HubUnderTest, Org
from tests.is_services import error_code

PATH = "/ext-bus-org-registry-common-service/services/OrgRegistryCommonAsync"
RO = ns.ORG_REGISTRY_COMMON
REG = ns.ORGANIZATIONS_REGISTRY_BASE
ORG = ns.ORGANIZATIONS_BASE


def request(*criteria: str) -> str:
    searched = "".join(f"<ro:SearchCriteria>{c}</ro:SearchCriteria>" for c in criteria)
    return (
        f'<ro:exportOrgRegistryRequest xmlns:ro="{RO}" xmlns:org="{ORG}" xmlns:reg="{REG}" xmlns:base="{ns.BASE}"'
        f' Id="signed-data-container" base:version="10.0.2.1">{searched}</ro:exportOrgRegistryRequest>'
    )


def send(hut: HubUnderTest, org: Org, body: str, real_contract: Path, *, is_header: bool = True) -> etree._Element:
    return is_services.send(hut, org, body, "exportOrgRegistry", PATH, real_contract, is_header=is_header)


def add_org(hut: HubUnderTest, name: str, ogrn: str, inn: str, kpp: str) -> str:
    """Register one more organization (no certificate: it is only searched for); its orgPPAGUID."""
    directory = hut.hub.directory
    ppaguid = str(uuid.uuid4())
    directory.add_organization(
        ppaguid=ppaguid, name=name, ogrn=ogrn, inn=inn, kpp=kpp, roles=["УО"], password_hash=None, actor="test"
    )
    return ppaguid


def found(result: etree._Element) -> list[etree._Element]:
    return result.findall(f"{{{RO}}}exportOrgRegistryResult")


def ppaguids(result: etree._Element) -> list[str]:
    return [r.findtext(f"{{{ns.BASE}}}orgPPAGUID") or "" for r in found(result)]


@pytest.mark.parametrize("is_header", [True, False], ids=["ISRequestHeader", "RequestHeader"])
def test_by_ogrn_and_by_the_guids_it_returns(hut: HubUnderTest, real_contract: Path, is_header: bool) -> None:
    org, other = hut.orgs["a"], hut.orgs["b"]
    by_ogrn = send(hut, other, request("<org:OGRN>1027700000001</org:OGRN>"), real_contract, is_header=is_header)
    assert ppaguids(by_ogrn) == [org.ppaguid]
    legal = found(by_ogrn)[0].find(f"{{{RO}}}OrgVersion/{{{RO}}}Legal")
    assert legal is not None and legal.findtext(f"{{{ORG}}}INN") == "7700000001"
    root = found(by_ogrn)[0].findtext(f"{{{REG}}}orgRootEntityGUID")
    version = found(by_ogrn)[0].findtext(f"{{{RO}}}OrgVersion/{{{REG}}}orgVersionGUID")

    again = send(
        hut,
        org,
        request(
            f"<reg:orgRootEntityGUID>{root}</reg:orgRootEntityGUID>",
            f"<reg:orgVersionGUID>{version}</reg:orgVersionGUID>",
            f"<ro:orgPPAGUID>{other.ppaguid}</ro:orgPPAGUID>",
        ),
        real_contract,
        is_header=is_header,
    )
    assert ppaguids(again) == [org.ppaguid, other.ppaguid]


def test_ogrn_with_kpp_and_an_entrepreneur(hut: HubUnderTest, real_contract: Path) -> None:
    org, other = hut.orgs["a"], hut.orgs["b"]
    wrong_kpp = send(hut, org, request("<org:OGRN>1027700000002</org:OGRN><org:KPP>770001002</org:KPP>"), real_contract)
    assert error_code(wrong_kpp) == "INT002012"
    right = send(hut, org, request("<org:OGRN>1027700000002</org:OGRN><org:KPP>770001001</org:KPP>"), real_contract)
    assert ppaguids(right) == [other.ppaguid]

    ogrnip = "3" + "".join(random.choices("0123456789", k=14))
    entrepreneur = add_org(hut, "ИП Иванов Иван Иванович", ogrnip, "770000000012", "")
    by_ogrnip = send(hut, org, request(f"<org:OGRNIP>{ogrnip}</org:OGRNIP>"), real_contract)
    assert ppaguids(by_ogrnip) == [entrepreneur]
    entrp = found(by_ogrnip)[0].find(f"{{{RO}}}OrgVersion/{{{RO}}}Entrp")
    assert entrp is not None
    assert [entrp.findtext(f"{{{REG}}}{f}") for f in ("Surname", "FirstName", "Patronymic")] == [
        "Иванов",
        "Иван",
        "Иванович",
    ]
    # an ОГРНИП is not found as an ОГРН
    assert error_code(send(hut, org, request(f"<org:OGRN>{ogrnip[:13]}</org:OGRN>"), real_contract)) == "INT002012"


def test_unknown_ogrn_is_int002012(hut: HubUnderTest, real_contract: Path) -> None:
    result = send(hut, hut.orgs["a"], request("<org:OGRN>1000000000000</org:OGRN>"), real_contract)
    assert error_code(result) == "INT002012" and found(result) == []


def test_more_than_a_hundred_criteria_is_refused(hut: HubUnderTest) -> None:
    from hub.contract import signing
    from testkit.messages import envelope, header_xml

    org = hut.orgs["a"]
    body = request(*["<org:OGRN>1027700000001</org:OGRN>"] * 101)
    raw = signing.sign_envelope(envelope(body, header_xml(None, kind="ISRequestHeader")), org.identity)
    assert "100" in hut.refused(raw, "FMT001300", soap_action="urn:exportOrgRegistry", path=PATH)


def test_the_real_2017_request_re_signed_finds_the_organization(hut: HubUnderTest, real_contract: Path) -> None:
    """The real exportOrgRegistry request (RequestHeader shape, GOST 2001 signature the hub does not
    verify): its Body, without that signature, signed again by a registered organization."""
    sample = (
        real_contract.parent.parent
        / "gis-samples"
        / "gisexchanger_org-registry-common_exportOrgRegistry_request_v10.0.2.1.xml"
    )
    body = etree.parse(str(sample)).getroot().find(f"{{{ns.SOAP_ENV}}}Body")
    assert body is not None
    request_el = body[0]
    for signature in request_el.findall(f"{{{ns.DS}}}Signature"):
        request_el.remove(signature)
    ogrn = request_el.findtext(f".//{{{ORG}}}OGRN")
    assert ogrn == "1114205043468"
    with hut.hub.store.reading() as conn:
        known = conn.execute(select(organizations.c.ppaguid).where(organizations.c.ogrn == ogrn)).scalar()
    if known is None:
        known = add_org(hut, "ООО «Из образца 2017»", ogrn, "4205000000", "420501001")
    result = send(hut, hut.orgs["a"], etree.tostring(request_el, encoding="unicode"), real_contract, is_header=False)
    assert ppaguids(result) == [known]
