"""Payment documents over real HTTP on both shapes, every area real (issue 18's "Done when").

A УО with a house of 500 premises and an account in each, its own NSI 51 and NSI 1 books
(imported through NsiAsync), sends one message of 500 documents for the current month, some
of them wrong: the wrong ones come back coded with their TransportGUIDs while the rest is
stored. Then: every export form, a withdrawal, a second withdrawal (SRV008070), a replacement
after it, another organization refused, and GIS's real captured withdrawal request re-signed
with a test key and pointed at stored documents. Every request and response validates under
the real XSD.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from hub import ns
from hub.areas.bills.tables import payment_charges, payment_documents
from hub.areas.nsi.lookup import SqlOwnNsiLookup
from testkit.accounts import Acc
from testkit.accounts import import_request as import_accounts
from testkit.answers import ack_guids, body_child, fault_code
from testkit.bills import (
    ADDITIONAL,
    HOUSING,
    UTILITY,
    Doc,
    Svc,
    bulk_documents,
    export_documents,
    import_documents,
    withdraw_documents,
)
from testkit.messages import get_requests_state, signed
from testkit.nsi import AdditionalService, MunicipalService, import_additional_services, import_municipal_services
from testkit.seeds import add_house
from tests.accounts.results import HM, commons
from tests.accounts.test_e2e import send
from tests.e2e.harness import HubUnderTest, Org
from tests.real_contract import assert_valid_under_real_xsd

BILLS_PATH = "/ext-bus-bills-service/services/BillsAsync"
NSI_PATH = "/ext-bus-nsi-service/services/NsiAsync"
B, BB, BASE = ns.BILLS, ns.BILLS_BASE, ns.BASE
ACCOUNTS = 500
CAPTURED = "gisexchanger_bills_importPaymentDocumentData_request_signed_v11.2.0.16.xml"


def post(
    hut: HubUnderTest, org: Org, request: etree._Element | str, action: str, real: Path, path: str
) -> etree._Element:
    """Sign, post, poll: the getStateResult (state 3); request and answer valid under the real XSD."""
    element = etree.fromstring(request) if isinstance(request, str) else request
    assert_valid_under_real_xsd(element, real)
    response = hut.post(
        signed(etree.tostring(element, encoding="unicode"), org.identity, org.ppaguid),
        soap_action=f"urn:{action}",
        path=path,
    )
    assert response.status_code == 200, response.text[:2000]
    hub_guid, _ = ack_guids(response.content)
    state = body_child(hut.poll(hub_guid, org, timeout=120, path=path))
    assert state.findtext(f"{{{BASE}}}RequestState") == "3"
    assert_valid_under_real_xsd(state, real)
    return state


def bills(hut: HubUnderTest, org: Org, request: etree._Element, action: str, real: Path) -> etree._Element:
    return post(hut, org, request, action, real, BILLS_PATH)


@dataclass(frozen=True)
class Result:
    guid: str | None
    document_id: str | None
    errors: tuple[str, ...]


def results(state: etree._Element) -> dict[str, Result]:
    """TransportGUID → (GUID, PaymentDocumentID, error codes) of every ImportResult."""
    return {
        r.findtext(f"{{{BASE}}}TransportGUID") or "": Result(
            r.findtext(f"{{{BASE}}}GUID"),
            r.findtext(f"{{{BASE}}}UniqueNumber"),
            tuple(e.text or "" for e in r.iterfind(f"{{{BASE}}}Error/{{{BASE}}}ErrorCode")),
        )
        for r in state.iterfind(f"{{{B}}}ImportResult")
    }


def exported(state: etree._Element) -> dict[str, etree._Element]:
    """PaymentDocumentID → the exported PaymentDocument."""
    return {
        d.findtext(f"{{{BB}}}PaymentDocumentID") or "": d
        for d in state.iterfind(f"{{{B}}}exportPaymentDocResult/{{{B}}}PaymentDocument")
    }


def whole_error(state: etree._Element) -> str | None:
    return state.findtext(f".//{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode")


@dataclass
class Billed:
    """The module's story so far: the УО's accounts and the 500-document message's answer."""

    uo: Org
    house: str
    accounts: list[str]  # AccountGUIDs, one per premises
    els: list[str]  # their ЕЛС
    service_ids: list[str]
    numbers: list[str]  # their account numbers
    docs: list[Doc]
    answer: dict[str, Result]
    period: tuple[int, int]
    utility: str
    additional: str
    stranger_account: str
    closed_account: str


def own_code(hut: HubUnderTest, org: Org, registry: int, state: etree._Element) -> str:
    element_guid = state.findtext(f".//{{{BASE}}}GUID")
    assert element_guid, etree.tostring(state)[:1500]
    with hut.hub.store.reading() as conn:
        found = SqlOwnNsiLookup(conn).find(org.id, registry, [element_guid])
    return found[element_guid].code


def place_accounts(hut: HubUnderTest, org: Org, house_premises: list[str], tag: str, *, closed: bool = False) -> list:
    placed = []
    for start in range(0, len(house_premises), 100):
        batch = [
            Acc([("PremisesGUID", p, None)], number=f"{tag}-{start + i}", closed=closed)
            for i, p in enumerate(house_premises[start : start + 100])
        ]
        result = send(hut, org, import_accounts(batch), "importAccountData").find(f"{{{HM}}}ImportResult")
        assert result is not None
        done = commons(result)
        assert all(c.ok for c in done), [c.errors for c in done if not c.ok][:3]
        placed += done
    return placed


@pytest.fixture(scope="module")
def billed(hut: HubUnderTest, real_contract: Path) -> Billed:
    uo, other = hut.orgs["a"], hut.orgs["b"]
    tag = uuid.uuid4().hex[:6]
    with hut.hub.store.writing() as conn:
        house = add_house(conn, uo.id, premises_count=ACCOUNTS + 1, rooms=0)
        foreign = add_house(conn, other.id, premises_count=1, rooms=0)
    placed = place_accounts(hut, uo, house.premises[:ACCOUNTS], tag)
    [closed] = place_accounts(hut, uo, house.premises[ACCOUNTS:], f"{tag}-closed", closed=True)
    [stranger] = place_accounts(hut, other, foreign.premises, f"{tag}-b")

    water = MunicipalService(str(uuid.uuid4()), f"Холодная вода {tag}", "1", "1", sort_order=1)
    utility = own_code(
        hut,
        uo,
        51,
        post(hut, uo, import_municipal_services([water]), "importMunicipalServices", real_contract, NSI_PATH),
    )
    intercom = AdditionalService(str(uuid.uuid4()), f"Домофон {tag}")
    additional = own_code(
        hut,
        uo,
        1,
        post(hut, uo, import_additional_services([intercom]), "importAdditionalServices", real_contract, NSI_PATH),
    )

    today = datetime.now(UTC).date()
    period = (today.year, today.month)
    accounts = [c.guid or "" for c in placed]
    docs = bulk_documents(accounts, utility=utility)
    docs[3] = Doc(
        accounts[3], (Svc(HOUSING, "1"), Svc(ADDITIONAL, additional, "50", "50.00")), debt="10.00", advance="5.00"
    )
    # the wrong ones
    docs[0] = Doc(str(uuid.uuid4()))  # no such account
    docs[1] = Doc(accounts[1], by_charges="1275.01")  # the total is off by a kopeck
    docs[2] = Doc(accounts[2], (Svc(UTILITY, "999"),))  # not in the sender's NSI 51
    docs[4] = Doc(stranger.guid or "")  # another УО's house
    docs[5] = Doc(closed.guid or "")  # a closed account
    docs[6] = Doc(accounts[7])  # the same account twice in one message: the second is refused
    docs[8] = Doc(accounts[8], (Svc(HOUSING, "1", accrued="100.00", recalculation="5.00", payable="104.00"),))
    docs = [
        Doc(d.account_guid, d.services, d.number, d.debt, d.advance, d.by_charges, d.with_debt, str(uuid.uuid4()))
        for d in docs
    ]
    state = bills(hut, uo, import_documents(docs, *period, seed=tag), "importPaymentDocumentData", real_contract)
    return Billed(
        uo,
        house.fias,
        accounts,
        [c.els or "" for c in placed],
        [c.service_id or "" for c in placed],
        [f"{tag}-{i}" for i in range(ACCOUNTS)],
        docs,
        results(state),
        period,
        utility,
        additional,
        stranger.guid or "",
        closed.guid or "",
    )


WRONG = {0: "INT002000", 1: "INT915004", 2: "INT915002", 4: "AUT011003", 5: "INT915001", 8: "INT915004"}


def test_500_documents_in_one_message_bad_ones_coded_the_rest_stored(hut: HubUnderTest, billed: Billed) -> None:
    answer = billed.answer
    assert len(answer) == ACCOUNTS
    for index, code in WRONG.items():
        assert answer[billed.docs[index].transport or ""].errors == (code,), index
    # docs[6] is accounts[7]'s document, docs[7] the second for the same account and period
    assert answer[billed.docs[6].transport or ""].errors == ()
    assert answer[billed.docs[7].transport or ""].errors == ("INT915005",)
    good = [d for i, d in enumerate(billed.docs) if i not in WRONG and i != 7]
    assert len(good) == ACCOUNTS - len(WRONG) - 1
    year, month = billed.period
    for doc in good:
        result = answer[doc.transport or ""]
        assert result.errors == () and result.guid
        assert result.document_id and len(result.document_id) == 18
        assert re.fullmatch(rf".{{10}}-{month:02d}-{year % 100:02d}01", result.document_id)
    with hut.hub.store.reading() as conn:
        ids = [answer[d.transport or ""].document_id for d in good]
        stored = conn.execute(select(func.count()).where(payment_documents.c.document_id.in_(ids))).scalar_one()
        charges = conn.execute(
            select(func.count())
            .select_from(payment_charges.join(payment_documents))
            .where(payment_documents.c.document_id.in_(ids))
        ).scalar_one()
    assert stored == len(good)
    assert charges == sum(len(d.services) for d in good)


def _id(billed: Billed, index: int) -> str:
    value = billed.answer[billed.docs[index].transport or ""].document_id
    assert value
    return value


def test_every_export_form(hut: HubUnderTest, billed: Billed, real_contract: Path) -> None:
    uo, period = billed.uo, billed.period
    wanted = {_id(billed, i) for i in (10, 11, 12)}
    forms = [
        export_documents(ids=sorted(wanted), version="11.2.0.10"),
        export_documents(period=period, unified=[billed.els[i] for i in (10, 11, 12)], version="12.2.0.1"),
        export_documents(period=period, account_guids=[billed.accounts[i] for i in (10, 11, 12)]),
        export_documents(period=period, house=billed.house, account_numbers=[billed.numbers[i] for i in (10, 11, 12)]),
        export_documents(
            period=period, house=billed.house, numbers=[billed.docs[i].number or "" for i in (10, 11, 12)]
        ),
        export_documents(period=period, service_ids=[billed.service_ids[i] for i in (10, 11, 12)]),
    ]
    for request in forms:
        found = exported(bills(hut, uo, request, "exportPaymentDocumentData", real_contract))
        assert set(found) == wanted, etree.tostring(request)
    one = exported(bills(hut, uo, export_documents(ids=[_id(billed, 3)]), "exportPaymentDocumentData", real_contract))
    document = one[_id(billed, 3)]
    assert document.findtext(f"{{{B}}}TotalPayableByPDWithDebtAndAdvance") == "1330.00"
    assert document.findtext(f"{{{B}}}Expose") == "true"
    kinds = [etree.QName(c[0]).localname for c in document.iterfind(f"{{{B}}}ChargeInfo")]
    assert kinds == ["HousingService", "AdditionalService"]
    # another period: nothing
    nothing = bills(
        hut,
        uo,
        export_documents(period=(2016, 1), account_guids=[billed.accounts[10]]),
        "exportPaymentDocumentData",
        real_contract,
    )
    assert whole_error(nothing) == "INT002012"


def test_another_organization_is_refused(hut: HubUnderTest, billed: Billed, real_contract: Path) -> None:
    other = hut.orgs["b"]
    mine = _id(billed, 20)
    seen = bills(hut, other, export_documents(ids=[mine]), "exportPaymentDocumentData", real_contract)
    assert whole_error(seen) == "INT002012"
    seen = bills(
        hut,
        other,
        export_documents(period=billed.period, account_guids=[billed.accounts[20]]),
        "exportPaymentDocumentData",
        real_contract,
    )
    assert whole_error(seen) == "INT002012"
    refused = results(
        bills(hut, other, withdraw_documents([mine], seed="stranger"), "importPaymentDocumentData", real_contract)
    )
    assert [r.errors for r in refused.values()] == [("AUT011003",)]
    issued = results(
        bills(
            hut,
            other,
            import_documents([Doc(billed.accounts[21])], *billed.period, seed=f"b-{uuid.uuid4()}"),
            "importPaymentDocumentData",
            real_contract,
        )
    )
    assert [r.errors for r in issued.values()] == [("AUT011003",)]


def test_withdrawal_then_replacement(hut: HubUnderTest, billed: Billed, real_contract: Path) -> None:
    uo, index = billed.uo, 30
    first = _id(billed, index)
    # a second document while the first stands is refused
    again = results(
        bills(
            hut,
            uo,
            import_documents([Doc(billed.accounts[index])], *billed.period, seed=f"again-{uuid.uuid4()}"),
            "importPaymentDocumentData",
            real_contract,
        )
    )
    assert [r.errors for r in again.values()] == [("INT915005",)]
    seed = f"w-{uuid.uuid4()}"
    withdrawn = results(
        bills(
            hut,
            uo,
            withdraw_documents([first, "00АА000000-01-0000"], seed=seed),
            "importPaymentDocumentData",
            real_contract,
        )
    )
    assert [r.errors for r in withdrawn.values()] == [(), ("INT002000",)]
    twice = results(
        bills(
            hut, uo, withdraw_documents([first], seed=f"w2-{uuid.uuid4()}"), "importPaymentDocumentData", real_contract
        )
    )
    assert [r.errors for r in twice.values()] == [("SRV008070",)]
    replaced = results(
        bills(
            hut,
            uo,
            import_documents([Doc(billed.accounts[index])], *billed.period, seed=f"r-{uuid.uuid4()}"),
            "importPaymentDocumentData",
            real_contract,
        )
    )
    [replacement] = replaced.values()
    assert replacement.errors == () and replacement.document_id == first[:-2] + "02"
    both = exported(
        bills(
            hut,
            uo,
            export_documents(period=billed.period, account_guids=[billed.accounts[index]]),
            "exportPaymentDocumentData",
            real_contract,
        )
    )
    assert both[first].findtext(f"{{{B}}}Withdraw") == "true"
    assert both[replacement.document_id].findtext(f"{{{B}}}Expose") == "true"


def test_the_real_captured_withdrawal_request(
    hut: HubUnderTest, billed: Billed, real_contract: Path, shared_dir: Path
) -> None:
    """GIS's captured request withdraws 157 documents beside a PaymentInformation (which the
    16.3.0.0 choice forbids): without it, re-signed, pointed at 157 stored documents."""
    envelope = etree.parse(str(shared_dir / "gis-samples" / CAPTURED)).getroot()
    request = envelope.find(f".//{{{B}}}importPaymentDocumentRequest")
    assert request is not None
    for child in list(request):
        if child.tag in (f"{{{ns.DS}}}Signature", f"{{{B}}}PaymentInformation"):
            request.remove(child)
    targets = [i for i in range(100, ACCOUNTS) if i not in WRONG][: len(request)]
    ids = [_id(billed, i) for i in targets]
    for element, document_id in zip(request, ids, strict=True):
        element.find(f"{{{BB}}}PaymentDocumentID").text = document_id  # type: ignore[union-attr]
        element.find(f"{{{BASE}}}TransportGUID").text = str(uuid.uuid4())  # type: ignore[union-attr]
    answer = results(bills(hut, billed.uo, request, "importPaymentDocumentData", real_contract))
    assert len(answer) == 157 and all(r.errors == () for r in answer.values())
    with hut.hub.store.reading() as conn:
        states = (
            conn.execute(select(payment_documents.c.state).where(payment_documents.c.document_id.in_(ids)))
            .scalars()
            .all()
        )
    assert sorted(states) == ["withdrawn"] * 157


def test_a_period_outside_the_window_is_refused(hut: HubUnderTest, billed: Billed, real_contract: Path) -> None:
    request = import_documents([Doc(billed.accounts[40])], 2015, 12, seed=f"p-{uuid.uuid4()}")
    answer = results(bills(hut, billed.uo, request, "importPaymentDocumentData", real_contract))
    assert [r.errors for r in answer.values()] == [("INT915003",)]


def test_get_requests_state_lists_the_senders_processed_messages(
    hut: HubUnderTest, billed: Billed, real_contract: Path
) -> None:
    uo, other = billed.uo, hut.orgs["b"]
    acked = []
    for org, index in ((uo, 50), (uo, 51), (other, 52)):
        request = export_documents(ids=[_id(billed, index)])
        response = hut.post(
            signed(etree.tostring(request, encoding="unicode"), org.identity, org.ppaguid),
            soap_action="urn:exportPaymentDocumentData",
            path=BILLS_PATH,
        )
        guid, _ = ack_guids(response.content)
        hut.poll(guid, org, timeout=60, path=BILLS_PATH)
        acked.append(guid)
    asked = [*acked, str(uuid.uuid4())]
    response = hut.post(
        get_requests_state(asked, uo.ppaguid), auth=uo.auth, soap_action="urn:getRequestsState", path=BILLS_PATH
    )
    assert response.status_code == 200, response.text[:1000]
    result = body_child(response.content)
    assert result.tag == f"{{{BASE}}}getRequestsStateResult"
    assert_valid_under_real_xsd(result, real_contract)
    # the two of the sender, not the other organization's nor the unknown one
    assert [e.text for e in result.iterfind(f"{{{BASE}}}MessageGUIDList")] == acked[:2]
    none = hut.post(
        get_requests_state(acked[2:], uo.ppaguid), auth=uo.auth, soap_action="urn:getRequestsState", path=BILLS_PATH
    )
    assert fault_code(none.content) == "INT002013"
    anonymous = hut.post(get_requests_state(acked, uo.ppaguid), soap_action="urn:getRequestsState", path=BILLS_PATH)
    assert anonymous.status_code != 200
