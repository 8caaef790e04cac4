"""Accounts (ЛС): the main sheet's rows with their premises and their bases (AccountReasons)
from the linked sheets; the payer a person (Ind) or an organization or entrepreneur (Org)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from adapters.excel.kinds import ACCOUNT_TYPES, ACCOUNTS, HIRE_TYPES, REASON_KINDS
from adapters.excel.mappers.common import (
    ACC,
    BASE,
    HM,
    IND,
    ORG,
    Mapped,
    Rows,
    batches,
    linked_rows,
    root,
    sub,
    transport_guid,
)
from adapters.excel.reader import Row
from hub.errors import E
from hub.services.uploads import Lookups, RowProblem, RowRef

ACCOUNTS_VERSION = "10.0.1.1"
ACCOUNT_FLAGS = dict(
    zip(
        ACCOUNT_TYPES,
        ("isUOAccount", "isRSOAccount", "isCRAccount", "isRCAccount", "isOGVorOMSAccount", "isTKOAccount"),
        strict=True,
    )
)


def accounts(rows: Rows, lookups: Lookups) -> Mapped:
    main, places_sheet, reasons_sheet = ACCOUNTS.sheets
    problems: list[RowProblem] = []
    main_rows = list(rows[main.name])
    for row in main_rows:
        _one_payer(row)
    places = linked_rows(main_rows, rows[places_sheet.name], "ЛС", "№ записи ЛС", _one_place, problems)
    reasons = linked_rows(main_rows, rows.get(reasons_sheet.name, ()), "ЛС", "№ записи ЛС", _one_reason, problems)
    objects: list[tuple[RowRef, Any]] = []
    for row in main_rows:
        problems.extend(row.problems)
        if row.problems:
            continue
        transport = transport_guid(row)
        record = str(row.values["record"])
        objects.append(
            (
                RowRef(row.sheet, row.number, transport),
                _account(row, places.get(record, []), transport, reasons.get(record, [])),
            )
        )
    nsmap = {
        "hm": HM,
        "base": BASE,
        "account-base": ACC,
        "individual-registry-base": IND,
        "organizations-registry-base": ORG,
    }

    def build(parts: Sequence[etree._Element]) -> etree._Element:
        request = root(HM, "importAccountRequest", ACCOUNTS_VERSION, nsmap)
        request.extend(parts)
        return request

    return batches(ACCOUNTS, objects, build), problems


def _one_place(row: Row) -> None:
    chosen = [k for k in ("house", "premises", "room") if row.values.get(k)]
    if len(chosen) != 1 and not row.problems:
        row.problems.append(
            RowProblem(
                row.sheet, row.number, E.FMT916010.code,
                "Укажите ровно одно: дом по ФИАС, помещение или комнату", "Идентификатор помещения в ГИС ЖКХ",
            )
        )  # fmt: skip


def _one_payer(row: Row) -> None:
    """PayerInfo's choice: a person (Фамилия …) or an organization (its orgVersionGUID), not both."""
    if row.values.get("surname") and row.values.get("org") and not row.problems:
        row.problems.append(
            RowProblem(
                row.sheet, row.number, E.FMT916014.code,
                f"{E.FMT916014.text}: плательщик — физическое лицо (ФИО) или организация, не оба",
                "Идентификатор версии организации-плательщика",
            )
        )  # fmt: skip


#: what a basis given by number needs besides the number and date: its kind's own column
_REASON_NEEDS = {"SupplyResourceContract": "written", "SocialHireContract": "hire", "TKOContract": "entry"}


def _one_reason(row: Row) -> None:
    """A basis is a contract placed in GIS (its GUID) or one given by number and date (with the
    field its kind wants): the XSD's choice, checked here so the cell is named."""
    if row.problems:
        return
    values = row.values
    by_number = [k for k in ("number", "signed", "written", "hire", "entry") if values.get(k)]
    headers = {c.key: c.header for c in ACCOUNTS.sheets[2].columns}
    if values.get("contract") and by_number:
        text = f"{E.FMT916014.text}: идентификатор договора или его номер и дата, не оба"
        row.problems.append(RowProblem(row.sheet, row.number, E.FMT916014.code, text, headers[by_number[0]]))
        return
    if values.get("contract"):
        return
    wanted = ("number", "signed", _REASON_NEEDS[REASON_KINDS[str(values["kind"])]])
    missing = next((k for k in wanted if not values.get(k)), None)
    if missing is not None:
        text = f"«{headers[missing]}»: укажите идентификатор договора или номер, дату и «{headers[wanted[2]]}»"
        row.problems.append(RowProblem(row.sheet, row.number, E.FMT916010.code, text, headers[missing]))


def _reasons(account: etree._Element, rows: list[Row]) -> None:
    """AccountReasons: its rows in the XSD's order of kinds (a second SocialHireContract is left to
    the XSD to refuse, as a SOAP message would be)."""
    if not rows:
        return
    reasons = sub(account, HM, "AccountReasons")
    order = list(REASON_KINDS.values())
    for row in sorted(rows, key=lambda r: order.index(REASON_KINDS[str(r.values["kind"])])):
        values = row.values
        local = REASON_KINDS[str(values["kind"])]
        reason = sub(reasons, HM, local)
        if values.get("contract"):
            sub(reason, HM, "ContractGUID", values["contract"])
            continue
        sub(reason, HM, "ContractNumber", values["number"])
        sub(reason, HM, "SigningDate", values["signed"])
        if local == "SupplyResourceContract":
            sub(reason, HM, "IsContract", "true" if values["written"] == "да" else "false")
        elif local == "SocialHireContract":
            sub(reason, HM, "Type", HIRE_TYPES[str(values["hire"])])
        else:
            sub(reason, HM, "DateEntry", values["entry"])


def _account(row: Row, places: list[Row], transport: str, reasons: list[Row]) -> etree._Element:
    values = row.values
    account = etree.Element(f"{{{HM}}}Account")
    sub(account, HM, ACCOUNT_FLAGS[str(values["type"])], "true")
    for key, local in (("persons", "LivingPersonsNumber"), ("total", "TotalSquare"), ("living", "ResidentialSquare")):
        if values.get(key) is not None:
            sub(account, HM, local, values[key])
    for place in places:
        accommodation = sub(account, HM, "Accommodation")
        for key, local in (("premises", "PremisesGUID"), ("house", "FIASHouseGuid"), ("room", "LivingRoomGUID")):
            if place.values.get(key):
                sub(accommodation, HM, local, place.values[key])
        if place.values.get("share") is not None:
            sub(accommodation, HM, "SharePercent", place.values["share"])
    payer = sub(account, HM, "PayerInfo")
    if values.get("renter") == "да":
        sub(payer, HM, "IsRenter", "true")
    if values.get("surname"):
        ind = sub(payer, HM, "Ind")
        sub(ind, IND, "Surname", values["surname"])
        sub(ind, IND, "FirstName", values.get("name") or "")
        if values.get("patronymic"):
            sub(ind, IND, "Patronymic", values["patronymic"])
        if values.get("snils"):
            sub(ind, IND, "SNILS", values["snils"])
    elif values.get("org"):
        sub(sub(payer, HM, "Org"), ORG, "orgVersionGUID", values["org"])
    sub(account, BASE, "TransportGUID", transport)
    sub(account, ACC, "AccountNumber", values["number"])
    if values.get("account_guid"):
        sub(account, HM, "AccountGUID", values["account_guid"])
    _reasons(account, reasons)
    return account
