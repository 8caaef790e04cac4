"""Payment documents (ПД) by Excel over HTTP on both shapes: template → a document sheet and its
charges, good and bad → upload → the result file's statuses and identifiers (charge rows carry
their document's) → the store holds exactly the good documents."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from adapters.excel.adapter import ExcelAdapter
from hub.areas.bills.tables import payment_charges, payment_documents
from testkit.nsi import MunicipalService, import_municipal_services
from tests.bills.test_e2e import NSI_PATH, own_code, post
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import get, token_for
from tests.real_contract import assert_valid_under_real_xsd
from tests.uploads.setup import house_with_accounts
from tests.uploads.workbooks import NoData, filled, first_edition, result, statuses, template, upload

DOCS, CHARGES = "Платежные документы", "Начисления"
BIK, BANK = "044525225", "40702810900000000001"


def test_the_template_is_gis_style(hut: HubUnderTest) -> None:
    token = token_for(hut, "a")
    book = load_workbook(io.BytesIO(template(hut, token, "bills")))
    assert book.sheetnames[:2] == [DOCS, CHARGES]
    assert book["conf"].sheet_state == "hidden"
    assert [tuple(r) for r in book["conf"].iter_rows(values_only=True)] == [
        ("TYPE", "HUB-PD"),
        ("VERSION", "11.2.0.16"),
        ("EDITION", 2),
    ]
    for name in (DOCS, CHARGES):
        sheet = book[name]
        assert all(c.comment is not None and c.comment.text for c in sheet[2])  # a note on every header
        assert sheet.freeze_panes == "A3"
    headers = [c.value for c in book[DOCS][2]]
    assert headers[:4] == ["№ записи", "Идентификатор ЛС в ГИС ЖКХ", "Месяц", "Год"]
    assert [c.value for c in book[CHARGES][2]][:3] == ["№ записи ПД", "Вид услуги", "Код услуги"]


def stored(hut: HubUnderTest, accounts: list[str]) -> dict[str, tuple[str, str, int, int, int]]:
    """AccountGUID → (GUID, PaymentDocumentID, month, year, charges) of its stored documents."""
    with hut.hub.store.reading() as conn:
        rows = conn.execute(
            select(
                payment_documents.c.account_guid,
                payment_documents.c.guid,
                payment_documents.c.document_id,
                payment_documents.c.month,
                payment_documents.c.year,
                payment_documents.c.id,
            ).where(payment_documents.c.account_guid.in_(accounts))
        ).all()
        charges = conn.execute(select(payment_charges.c.document_id)).scalars().all()
    return {r[0]: (r[1], r[2], r[3], r[4], charges.count(r[5])) for r in rows}


def test_bills_upload_stores_the_good_documents_and_reports_bad_ones(hut: HubUnderTest, real_contract: Path) -> None:
    org = hut.orgs["a"]
    token = token_for(hut, "a")
    _house, accounts = house_with_accounts(hut, org, 6)
    tag = uuid.uuid4().hex[:6]
    water = MunicipalService(str(uuid.uuid4()), f"Холодная вода {tag}", "1", "1", sort_order=1)
    state = post(hut, org, import_municipal_services([water]), "importMunicipalServices", real_contract, NSI_PATH)
    utility = own_code(hut, org, 51, state)
    today = datetime.now(UTC).date()
    month, year = today.month, today.year
    before = (year, month - 1) if month > 1 else (year - 1, 12)

    documents = [
        # record, account, month, year, number, БИК, счет, debt, advance, by charges, with debt
        (1, accounts[0], month, year, "П-1", BIK, BANK, 100, 0, "1675.50", 1775.5),  # good: two charges
        (2, accounts[1], before[1], before[0], None, BIK, BANK, None, None, None, None),  # good: the month before
        (3, str(uuid.uuid4()), month, year, None, BIK, BANK, None, None, None, None),  # unknown account
        (4, accounts[3], month, year, None, BIK, BANK, None, None, "1275.01", None),  # off by a kopeck
        (5, accounts[4], month, year, None, BIK, BANK, None, None, None, None),  # not an own NSI 51 code
        (6, accounts[5], month, year, None, BIK, None, None, None, None, None),  # no bank account: row problem
    ]
    charges = [
        # record, kind, code, volume, rate, accrued, recalculation, discount, payable
        (1, "Жилищная", "1", None, 25.5, 1275, None, None, 1275),
        (1, "Коммунальная", utility, 10, "42,30", 423, -12.5, 10, 400.5),
        (2, "жилищная", "1", None, 25.5, 1275, None, None, 1275),
        (3, "Жилищная", "1", None, 25.5, 1275, None, None, 1275),
        (4, "Жилищная", "1", None, 25.5, 1275, None, None, 1275),
        (5, "Коммунальная", "999", 10, 42.3, 423, None, None, 423),
        (6, "Жилищная", "1", None, 25.5, 1275, None, None, 1275),
    ]
    data = filled(template(hut, token, "bills"), {DOCS: documents, CHARGES: charges})
    status = upload(hut, token, data, "ПД.xlsx")
    assert (status["kind"], status["rows_total"]) == ("bills", 6)  # the main sheet's rows
    assert len(status["message_guids"]) == 2  # one message a period
    assert (status["rows_done"], status["rows_failed"]) == (2, 4), status

    name, book = result(hut, token, status["upload_id"])
    assert name == "ПД__Результат.xlsx"
    got = statuses(book, DOCS)
    assert got[:2] == ["Обработано"] * 2, got
    codes = [s.split()[1] for s in got[2:]]
    assert codes == ["INT002000", "INT915004", "INT915002", "FMT916010"], got
    # charge rows carry their document's status
    assert [s.split(":")[0] for s in statuses(book, CHARGES)] == [
        "Обработано", "Обработано", "Обработано", "Ошибка", "Ошибка", "Ошибка", "Ошибка",
    ]  # fmt: skip
    assert statuses(book, CHARGES)[3] == got[2]

    held = stored(hut, accounts)
    assert set(held) == {accounts[0], accounts[1]}
    headers = [c.value for c in book[DOCS][2]]
    for row, account in ((3, accounts[0]), (4, accounts[1])):
        values = [c.value for c in book[DOCS][row]]
        guid, document_id, *_ = held[account]
        assert values[headers.index("Идентификатор ПД")] == document_id
        assert values[headers.index("Идентификатор ПД в ГИС ЖКХ")] == guid
    assert held[accounts[0]][2:] == (month, year, 2)
    assert held[accounts[1]][2:] == (before[1], before[0], 1)


HOUSING_GUID = str(uuid.uuid4())


class Books(NoData):
    """Lookups of a hub that holds the whole NSI 50 (one item) and no other book."""

    def nsi_items(self, registry: int) -> list[tuple[str, str, str]]:
        return [("1", HOUSING_GUID, "Плата за содержание жилого помещения")] if registry == 50 else []

    def nsi_complete(self, registry: int) -> bool:
        return registry == 50


def test_rows_become_requests_by_period_valid_under_the_real_xsd(real_contract: Path) -> None:
    """501 documents of one month and one of another: three requests (500 + 1, and 1), each valid
    under GIS's own XSD with one PaymentInformation a bank account; a bad charge row fails its
    document, and only it."""
    adapter = ExcelAdapter()
    account = str(uuid.uuid4())
    documents = [(i, account, 11, 2026, None, BIK, BANK if i % 2 else "40702810900000000002") for i in range(1, 502)]
    documents += [(i, account, 10, 2026, None, BIK, BANK) for i in (502, 503, 504, 505)]  # 505: no charges
    charges = [(i, "Дополнительная" if i == 7 else "Жилищная", "1", 2, 25.5, 51, None, None, 51) for i in range(1, 503)]
    charges += [
        (503, "Жилищная", "1", None, "abc", 51, None, None, 51),  # not a number: the document fails
        (504, "Жилищная", "77 Нет такой", None, 1, 51, None, None, 51),  # not in the whole NSI 50 the hub holds
    ]
    template_bytes = adapter.template("bills", Books())
    assert "НСИ 50" in load_workbook(io.BytesIO(template_bytes)).sheetnames  # the housing codes' list
    parsed = adapter.read(filled(template_bytes, {DOCS: documents, CHARGES: charges}), Books(), "ПД.xlsx")
    assert [(p.sheet, p.row, p.code) for p in parsed.problems] == [
        (CHARGES, 505, "FMT916009"),
        (CHARGES, 506, "INT002000"),
        (DOCS, 505, "FMT916009"),
        (DOCS, 506, "INT002000"),
        (DOCS, 507, "FMT916010"),
    ]
    assert [len(b.rows) for b in parsed.batches] == [500, 1, 1]
    for batch in parsed.batches:
        request = batch.make(range(len(batch.rows)))
        assert_valid_under_real_xsd(request, real_contract)
        banks = request.findall("{*}PaymentInformation")
        assert len(banks) == min(2, len(batch.rows))
    first = parsed.batches[0].make(range(500))
    assert (first.findtext("{*}Month"), first.findtext("{*}Year")) == ("11", "2026")
    assert first.find("{*}PaymentDocument[7]/{*}ChargeInfo/{*}AdditionalService") is not None
    housing = first.find("{*}PaymentDocument[1]/{*}ChargeInfo/{*}HousingService")
    assert housing is not None and housing.find("{*}Consumption") is None
    assert housing.findtext("{*}ServiceType/{*}GUID") == HOUSING_GUID


def numbers(hut: HubUnderTest, token: str, guids: list[str]) -> dict[str, tuple[str, str]]:
    """AccountGUID → (ЕЛС, account number) as the organization reads its accounts."""
    found = {}
    for guid in guids:
        account = get(hut, f"/accounts/{guid}", token).json()
        found[guid] = (account["unified_account_number"], account["account_number"])
    return found


def test_bills_upload_names_accounts_by_els_or_number(hut: HubUnderTest) -> None:
    """Edition 2: a document names its account by AccountGUID, ЕЛС or account number (one of
    them); ЕЛС and numbers are the uploading organization's own: another's is unknown (INT002000,
    as SOAP answers an unknown AccountGUID), in the cell that named it."""
    token, other = token_for(hut, "a"), token_for(hut, "b")
    _house, accounts = house_with_accounts(hut, hut.orgs["a"], 3)
    _theirs, foreign = house_with_accounts(hut, hut.orgs["b"], 1)
    mine, theirs = numbers(hut, token, accounts), numbers(hut, other, foreign)
    today = datetime.now(UTC).date()
    month, year = today.month, today.year
    tail = (None,) * 6  # debt … the hub's two identifiers

    def document(record: int, guid: str | None, els: str | None, number: str | None) -> tuple[object, ...]:
        return (record, guid, month, year, None, BIK, BANK, *tail, els, number)

    documents = [
        document(1, None, mine[accounts[0]][0].lower(), None),  # by ЕЛС (any case)
        document(2, None, None, mine[accounts[1]][1]),  # by number
        document(3, accounts[2], None, None),  # by GUID
        document(4, None, "99ZZ999999", None),  # no such ЕЛС
        document(5, None, theirs[foreign[0]][0], None),  # another organization's ЕЛС
        document(6, None, None, theirs[foreign[0]][1]),  # another organization's number (not ours)
        document(7, accounts[0], mine[accounts[0]][0], None),  # two of the three
        document(8, None, None, None),  # none
    ]
    charges = [(n, "Жилищная", "1", None, 25.5, 1275, None, None, 1275) for n in range(1, 9)]
    status = upload(hut, token, filled(template(hut, token, "bills"), {DOCS: documents, CHARGES: charges}))
    assert (status["rows_total"], status["rows_done"], status["rows_failed"]) == (8, 3, 5), status
    _name, book = result(hut, token, status["upload_id"])
    got = statuses(book, DOCS)
    assert got[:3] == ["Обработано"] * 3, got
    assert [s.split()[1] for s in got[3:]] == ["INT002000", "INT002000", "INT002000", "FMT916014", "FMT916010"]
    marked = [next(c.column_letter for c in book[DOCS][row] if c.comment is not None) for row in range(6, 11)]
    assert marked == ["N", "N", "O", "N", "B"]
    held = stored(hut, [*accounts, *foreign])
    assert set(held) == set(accounts)


def test_bills_upload_of_a_first_edition_template(hut: HubUnderTest) -> None:
    """A template without the ЕЛС and account number columns is read as it was (by AccountGUID)."""
    token = token_for(hut, "a")
    _house, accounts = house_with_accounts(hut, hut.orgs["a"], 1)
    today = datetime.now(UTC).date()
    documents = [(1, accounts[0], today.month, today.year, None, BIK, BANK)]
    charges = [(1, "Жилищная", "1", None, 25.5, 1275, None, None, 1275)]
    data = filled(first_edition(template(hut, token, "bills")), {DOCS: documents, CHARGES: charges})
    status = upload(hut, token, data)
    assert (status["rows_done"], status["rows_failed"]) == (1, 0), status
    assert set(stored(hut, accounts)) == set(accounts)
