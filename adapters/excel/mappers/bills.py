"""Payment documents (ПД): a document row with its charge rows from «Начисления» → one
``PaymentDocument`` of an ``importPaymentDocumentRequest``, the same element testkit/bills.py
builds for SOAP.

A request has one Month/Year, so documents are batched by period first, then by the limit of
500. Each batch carries one ``PaymentInformation`` per distinct bank account (БИК, расчетный
счет) of its documents; a document refers to its own by ``PaymentInformationKey``. The account
is given by AccountGUID (what the ЛС upload's result file holds), or by ЕЛС or account number:
those are found among the uploading organization's accounts (``Lookups.accounts``) before the
request is built — the request carries an AccountGuid as a SOAP client's does — and a number the
organization has no account with is the row's INT002000, the code SOAP gets for an unknown
AccountGUID. Whatever the account, the bills area then refuses a closed or foreign one with its
own code. Sums are not checked here: the area checks them to the kopeck (INT915004) whatever the
channel.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import NamedTuple

from lxml import etree

from adapters.excel.kinds import BILLS, SERVICE_KINDS
from adapters.excel.mappers.common import (
    ACC,
    BASE,
    NSI,
    Mapped,
    NsiCodes,
    Rows,
    batches,
    linked_rows,
    root,
    sub,
    transport_guid,
)
from adapters.excel.reader import Row
from hub import ns
from hub.errors import E
from hub.services.uploads import Batch, Lookups, RowProblem, RowRef

B, BB = ns.BILLS, ns.BILLS_BASE
PAYMENTS_BASE = ns.PAYMENTS_BASE
BILLS_VERSION = "11.2.0.16"  # fixed by the XSD
_NSMAP = {"b": B, "base": BASE, "bills-base": BB, "account-base": ACC, "nsi-base": NSI, "payments-base": PAYMENTS_BASE}
HOUSING = "HousingService"


class Document(NamedTuple):
    """One document row with its charge rows, checked; its XML is built when its batch is sent."""

    row: Row
    charges: tuple[Row, ...]
    transport: str

    @property
    def bank(self) -> tuple[str, str]:
        return str(self.row.values["bik"]), str(self.row.values["bank_account"])


def bills(rows: Rows, lookups: Lookups) -> Mapped:
    main_sheet, charges_sheet = BILLS.sheets
    main = list(rows[main_sheet.name])
    housing = NsiCodes(lookups, 50)
    problems: list[RowProblem] = []
    charges = linked_rows(
        main,
        rows[charges_sheet.name],
        "ПД",
        "№ записи ПД",
        lambda row: _check_charge(row, housing),
        problems,
    )
    _find_accounts(main, lookups)
    periods: dict[tuple[str, str], list[tuple[RowRef, Document]]] = {}
    for row in main:
        own = tuple(charges.get(str(row.values.get("record")), ()))
        if not own and not row.problems:
            row.problems.append(
                RowProblem(
                    row.sheet, row.number, E.FMT916010.code,
                    f"Нет начислений на листе «{charges_sheet.name}» для «№ записи» {row.values.get('record')}",
                    "№ записи",
                )
            )  # fmt: skip
        problems.extend(row.problems)
        if row.problems:
            continue
        document = Document(row, own, transport_guid(row))
        period = (str(row.values["year"]), str(row.values["month"]))
        periods.setdefault(period, []).append((RowRef(row.sheet, row.number, document.transport), document))
    found: list[Batch] = []
    for (year, month), objects in periods.items():
        found += batches(BILLS, objects, _Build(year, month, housing))
    return found, problems


#: the ways a document row names its account: the key, its header, the Lookups key kind
_ACCOUNT_KEYS = (
    ("account", "Идентификатор ЛС в ГИС ЖКХ", ""),
    ("unified", "Единый лицевой счет", "unified"),
    ("account_number", "Номер ЛС", "number"),
)


def _find_accounts(rows: list[Row], lookups: Lookups) -> None:
    """Each row's account as an AccountGUID in ``values["account"]``: given, or found by its ЕЛС or
    number among the organization's accounts (one lookup for the file). Exactly one of the three
    is filled (none: FMT916010; more: FMT916014); a number not found is INT002000."""
    wanted: dict[int, tuple[str, tuple[str, str]]] = {}
    for index, row in enumerate(rows):
        given = [(key, header, kind) for key, header, kind in _ACCOUNT_KEYS if row.values.get(key)]
        if row.problems:
            continue
        if not given:
            text = "Укажите лицевой счет: идентификатор ЛС, единый лицевой счет или номер ЛС"
            row.problems.append(RowProblem(row.sheet, row.number, E.FMT916010.code, text, _ACCOUNT_KEYS[0][1]))
        elif len(given) > 1:
            text = f"{E.FMT916014.text}: {', '.join(f'«{header}»' for _k, header, _t in given)} — заполните одно"
            row.problems.append(RowProblem(row.sheet, row.number, E.FMT916014.code, text, given[1][1]))
        elif given[0][2]:
            column, header, kind = given[0]
            value = str(row.values[column]).strip()
            wanted[index] = (header, (kind, value.upper() if kind == "unified" else value))
    found = lookups.accounts([key for _header, key in wanted.values()])
    for index, (header, (kind, value)) in wanted.items():
        row = rows[index]
        guid = found.get((kind, value))
        if guid is None:
            what = "ЕЛС" if kind == "unified" else "номером"
            text = f"{E.INT002000.text}: у организации нет лицевого счета с {what} {value}"
            row.problems.append(RowProblem(row.sheet, row.number, E.INT002000.code, text, header))
        else:
            row.values["account"] = guid


def _check_charge(row: Row, housing: NsiCodes) -> None:
    """A housing service's code must be in NSI 50 when the hub holds the whole book (own books,
    51 and 1, are the organization's: the bills area checks those)."""
    block, _registry = SERVICE_KINDS.get(str(row.values.get("kind")), ("", 0))
    code = row.values.get("code")
    if block == HOUSING and code is not None and not row.problems and housing.guid(code) is None:
        row.problems.append(
            RowProblem(
                row.sheet, row.number, E.INT002000.code, f"{E.INT002000.text}: код {code} (НСИ 50)", "Код услуги"
            )
        )


class _Build:
    """Builds one period's request from the chosen documents."""

    def __init__(self, year: str, month: str, housing: NsiCodes) -> None:
        self.year, self.month, self.housing = year, month, housing

    def __call__(self, documents: Sequence[Document]) -> etree._Element:
        request = root(B, "importPaymentDocumentRequest", BILLS_VERSION, _NSMAP)
        sub(request, BASE, "Month", self.month)
        sub(request, BASE, "Year", self.year)
        keys: dict[tuple[str, str], str] = {}
        for document in documents:
            if document.bank not in keys:
                # built when the batch is sent: derived from its first document's TransportGUID
                keys[document.bank] = str(uuid.uuid5(uuid.UUID(document.transport), "bank"))
                info = sub(request, B, "PaymentInformation")
                sub(info, PAYMENTS_BASE, "BankBIK", document.bank[0])
                sub(info, PAYMENTS_BASE, "operatingAccountNumber", document.bank[1])
                sub(info, BASE, "TransportGUID", keys[document.bank])
        for document in documents:
            _document(request, document, keys[document.bank], self.housing)
        return request


def _document(parent: etree._Element, document: Document, bank_key: str, housing: NsiCodes) -> None:
    values = document.row.values
    element = sub(parent, B, "PaymentDocument")
    sub(element, ACC, "AccountGuid", values["account"])
    if values.get("number"):
        sub(element, BB, "PaymentDocumentNumber", values["number"])
    for charge in document.charges:
        _charge(element, charge.values, housing)
    for key, local in (
        ("by_charges", "TotalPayableByChargeInfo"),
        ("debt", "DebtPreviousPeriods"),
        ("advance", "AdvanceBllingPeriod"),
        ("with_debt", "TotalPayableByPDWithDebtAndAdvance"),
    ):
        if values.get(key) is not None:
            sub(element, B, local, values[key])
    sub(element, BASE, "TransportGUID", document.transport)
    sub(element, B, "PaymentInformationKey", bank_key)


def _charge(parent: etree._Element, values: dict[str, str | None], housing: NsiCodes) -> None:
    block, registry = SERVICE_KINDS[str(values["kind"])]
    code = str(values["code"])
    element = sub(sub(parent, B, "ChargeInfo"), B, block)
    reference = sub(element, B, "ServiceType")
    sub(reference, NSI, "Code", code)
    # an own book's item is matched by its code (the hub holds the organization's books, the
    # adapter does not): the GUID is a stable stand-in
    sub(reference, NSI, "GUID", housing.guid(code) if registry == 50 else _own_guid(registry, code))
    sub(element, B, "Rate", values["rate"])
    sub(element, B, "TotalPayable", values["payable"])
    sub(element, B, "AccountingPeriodTotal", values["accrued"])
    if values.get("recalculation") is not None or values.get("discount") is not None:
        service_charge = sub(element, B, "ServiceCharge")
        if values.get("recalculation") is not None:
            sub(service_charge, B, "MoneyRecalculation", values["recalculation"])
        if values.get("discount") is not None:
            sub(service_charge, B, "MoneyDiscount", values["discount"])
    if values.get("volume") is not None and block != HOUSING:
        consumption = sub(element, B, "Consumption")
        sub(consumption, B, "Volume", values["volume"]).set("type", "I")


_OWN_NS = uuid.UUID("5d7c1f0a-8e43-4b6a-9a35-2f0c8d1e7b42")


def _own_guid(registry: int, code: str) -> str:
    return str(uuid.uuid5(_OWN_NS, f"{registry}:{code}"))
