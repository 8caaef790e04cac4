"""The common books over real HTTP on both shapes: list, one book, its delta, pages of 1000.

Requests go with the WSDL's ISRequestHeader (no orgPPAGUID: the certificate's owner sends) and
with the RequestHeader field clients send; every request and every result is checked under the
real XSD.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.store.nsi import LoadedElement, load_book
from testkit.messages import envelope, header_xml
from tests import is_services
from tests.e2e.harness import HubUnderTest, Org
from tests.is_services import error_code

PATH = "/ext-bus-nsi-common-service/services/NsiCommonAsync"
COMMON = ns.NSI_COMMON
NSI = ns.NSI_BASE
BASE = ns.BASE


def request(local: str, *, registry: int | None = None, page: int | None = None, after: str | None = None) -> str:
    parts = [f"<nsi-common:RegistryNumber>{registry}</nsi-common:RegistryNumber>" if registry else ""]
    parts.append("<nsi-base:ListGroup>NSI</nsi-base:ListGroup>")
    if page is not None:
        parts.append(f"<nsi-common:Page>{page}</nsi-common:Page>")
    if after is not None:
        parts.append(f"<nsi-common:ModifiedAfter>{after}</nsi-common:ModifiedAfter>")
    return (
        f'<nsi-common:{local} xmlns:nsi-common="{COMMON}" xmlns:nsi-base="{NSI}" xmlns:base="{BASE}"'
        ' Id="signed-data-container"'
        f' base:version="10.0.1.2">{"".join(parts)}</nsi-common:{local}>'
    )


def send(
    hut: HubUnderTest, org: Org, body: str, action: str, real_contract: Path, *, is_header: bool = True
) -> etree._Element:
    return is_services.send(hut, org, body, action, PATH, real_contract, is_header=is_header)


def codes(item: etree._Element) -> list[str]:
    return [el.findtext(f"{{{NSI}}}Code") or "" for el in item.iterfind(f"{{{NSI}}}NsiElement")]


@pytest.mark.parametrize("is_header", [True, False], ids=["ISRequestHeader", "RequestHeader"])
def test_list_and_one_book_with_either_header(hut: HubUnderTest, real_contract: Path, is_header: bool) -> None:
    org = hut.orgs["a"]
    listed = send(hut, org, request("exportNsiListRequest"), "exportNsiList", real_contract, is_header=is_header)
    infos = listed.findall(f"{{{COMMON}}}NsiList/{{{NSI}}}NsiItemInfo")
    names = {int(i.findtext(f"{{{NSI}}}RegistryNumber") or 0): i.findtext(f"{{{NSI}}}Name") for i in infos}
    assert names[24] == "Состояние дома" and 22 in names

    book = send(
        hut, org, request("exportNsiItemRequest", registry=24), "exportNsiItem", real_contract, is_header=is_header
    )
    item = book.find(f"{{{COMMON}}}NsiItem")
    assert item is not None and item.findtext(f"{{{NSI}}}NsiItemRegistryNumber") == "24"
    assert sorted(codes(item)) == ["1", "2", "3"]
    values = {v.text for v in item.iterfind(f".//{{{NSI}}}Value")}
    assert values == {"Аварийный", "Исправный", "Ветхий"}


def test_unknown_book_and_nothing_new_are_int002012(hut: HubUnderTest, real_contract: Path) -> None:
    org = hut.orgs["b"]
    missing = send(hut, org, request("exportNsiItemRequest", registry=987654), "exportNsiItem", real_contract)
    assert error_code(missing) == "INT002012"
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    nothing = send(hut, org, request("exportNsiItemRequest", registry=24, after=later), "exportNsiItem", real_contract)
    assert error_code(nothing) == "INT002012"


def test_a_loaded_book_delta_and_pages_of_a_thousand(hut: HubUnderTest, real_contract: Path) -> None:
    org = hut.orgs["a"]
    registry = 900_000 + uuid.uuid4().int % 90_000
    before = datetime.now(UTC) - timedelta(seconds=1)
    elements = [LoadedElement(str(i), f"Элемент {i}", i % 7 != 0) for i in range(1, 2501)]
    load_book(hut.hub.store, registry, "Проверочный справочник", elements, source="test", actor="test")

    delta = send(
        hut,
        org,
        request("exportNsiItemRequest", registry=registry, after=before.isoformat()),
        "exportNsiItem",
        real_contract,
    )
    item = delta.find(f"{{{COMMON}}}NsiItem")
    assert item is not None and len(codes(item)) == 2500

    seen: list[str] = []
    for page in (1, 2, 3):
        got = send(
            hut,
            org,
            request("exportNsiPagingItemRequest", registry=registry, page=page),
            "exportNsiPagingItem",
            real_contract,
        )
        paging = got.find(f"{{{COMMON}}}NsiPagingItem")
        assert paging is not None
        assert paging.findtext(f"{{{COMMON}}}TotalItemsCount") == "2500"
        assert paging.findtext(f"{{{COMMON}}}TotalPages") == "3"
        assert paging.findtext(f"{{{COMMON}}}CurrentPage") == str(page)
        page_codes = codes(paging)
        assert len(page_codes) == (1000 if page < 3 else 500)
        seen += page_codes
    assert sorted(seen) == sorted(e.code for e in elements)
    past = send(
        hut, org, request("exportNsiPagingItemRequest", registry=registry, page=4), "exportNsiPagingItem", real_contract
    )
    assert error_code(past) == "INT002012"


def test_a_request_header_naming_another_organization_is_refused(hut: HubUnderTest) -> None:
    from hub.contract import signing

    org, other = hut.orgs["a"], hut.orgs["b"]
    raw = envelope(request("exportNsiListRequest"), header_xml(other.ppaguid))
    text = hut.refused(
        signing.sign_envelope(raw, org.identity), "AUT900007", soap_action="urn:exportNsiList", path=PATH
    )
    assert other.ppaguid in text
