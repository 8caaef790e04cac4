"""Accounts (ЛС): the main sheet's rows with their premises from the linked sheet."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from lxml import etree

from adapters.excel.kinds import ACCOUNT_TYPES, ACCOUNTS
from adapters.excel.mappers.common import ACC, BASE, HM, IND, Mapped, Rows, batches, linked_rows, root, sub
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
    main, places_sheet = ACCOUNTS.sheets
    problems: list[RowProblem] = []
    places = linked_rows(rows[main.name], rows[places_sheet.name], "ЛС", "№ записи ЛС", _one_place, problems)
    objects: list[tuple[RowRef, Any]] = []
    for row in rows[main.name]:
        problems.extend(row.problems)
        if row.problems:
            continue
        transport = str(uuid.uuid4())
        objects.append(
            (
                RowRef(row.sheet, row.number, transport),
                _account(row, places.get(str(row.values["record"]), []), transport),
            )
        )
    nsmap = {"hm": HM, "base": BASE, "account-base": ACC, "individual-registry-base": IND}

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


def _account(row: Row, places: list[Row], transport: str) -> etree._Element:
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
    sub(account, BASE, "TransportGUID", transport)
    sub(account, ACC, "AccountNumber", values["number"])
    if values.get("account_guid"):
        sub(account, HM, "AccountGUID", values["account_guid"])
    return account
