"""The same records as a signed SOAP request and as rows of the hub's Excel templates.

``AccountRecord`` is one personal account as an organization keeps it; ``accounts_request``
writes it as ``importAccountRequest`` (what a SOAP client signs) and ``accounts_rows`` as the rows
of the ЛС template's two sheets (what an Excel user fills). Fed to the hub both ways, they must
give the same objects and the same error codes (tests/uploads). ``readings_rows`` fills the
readings template for scenarios and the upload benchmark.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from adapters.excel.kinds import HIRE_TYPES, REASON_KINDS
from testkit.elements import ACC, BASE, HM, IMPORT_ACCOUNT_VERSION, IND, ORG, root, sub

ACCOUNTS_MAIN, ACCOUNTS_PLACES, ACCOUNTS_REASONS = "Основные сведения", "Помещения", "Основания"
READINGS_SHEET = "Импорт показаний"
_FLAGS = {"УО": "isUOAccount", "РСО": "isRSOAccount"}


@dataclass(frozen=True)
class AccountReason:
    """One basis of an account (AccountReasons): a placed contract's GUID, or its number and date
    with the field its kind wants (IsContract, Type D/M/S, DateEntry)."""

    kind: str  # SupplyResourceContract | SocialHireContract | TKOContract
    contract: str | None = None
    number: str | None = None
    signed: str | None = None  # ISO date
    written: bool | None = None
    hire: str | None = None
    entry: str | None = None  # ISO date


@dataclass(frozen=True)
class AccountRecord:
    number: str
    premises: str  # PremisesGUID
    share: str | None = "100"
    type: str = "УО"
    persons: int | None = None
    total: str | None = None
    renter: bool = False
    surname: str | None = None
    name: str | None = None
    snils: str | None = None
    org: str | None = None  # the payer organization's orgVersionGUID
    reasons: tuple[AccountReason, ...] = ()
    transport_guid: str = field(default_factory=lambda: str(uuid.uuid4()))


def accounts_request(records: Sequence[AccountRecord]) -> etree._Element:
    request = root("importAccountRequest", IMPORT_ACCOUNT_VERSION)
    for r in records:
        account = sub(request, HM, "Account")
        sub(account, HM, _FLAGS[r.type], True)
        if r.persons is not None:
            sub(account, HM, "LivingPersonsNumber", r.persons)
        if r.total is not None:
            sub(account, HM, "TotalSquare", r.total)
        place = sub(account, HM, "Accommodation")
        sub(place, HM, "PremisesGUID", r.premises)
        if r.share is not None:
            sub(place, HM, "SharePercent", r.share)
        payer = sub(account, HM, "PayerInfo")
        if r.renter:
            sub(payer, HM, "IsRenter", True)
        if r.surname:
            ind = sub(payer, HM, "Ind")
            sub(ind, IND, "Surname", r.surname)
            sub(ind, IND, "FirstName", r.name or "")
            if r.snils:
                sub(ind, IND, "SNILS", r.snils)
        elif r.org:
            sub(sub(payer, HM, "Org"), ORG, "orgVersionGUID", r.org)
        sub(account, BASE, "TransportGUID", r.transport_guid)
        sub(account, ACC, "AccountNumber", r.number)
        if r.reasons:
            reasons = sub(account, HM, "AccountReasons")
            order = list(REASON_KINDS.values())  # the XSD's order of kinds
            for reason in sorted(r.reasons, key=lambda x: order.index(x.kind)):
                _reason(reasons, reason)
    return request


def _reason(parent: etree._Element, r: AccountReason) -> None:
    element = sub(parent, HM, r.kind)
    if r.contract:
        sub(element, HM, "ContractGUID", r.contract)
        return
    sub(element, HM, "ContractNumber", r.number)
    sub(element, HM, "SigningDate", r.signed)
    if r.kind == "SupplyResourceContract":
        sub(element, HM, "IsContract", bool(r.written))
    elif r.kind == "SocialHireContract":
        sub(element, HM, "Type", r.hire)
    else:
        sub(element, HM, "DateEntry", r.entry)


def accounts_rows(records: Sequence[AccountRecord]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of «Основные сведения», «Помещения» and «Основания» (№ записи from 1)."""
    main: list[tuple[Any, ...]] = []
    places: list[tuple[Any, ...]] = []
    reasons: list[tuple[Any, ...]] = []
    kinds = {local: name for name, local in REASON_KINDS.items()}
    hires = {code: name for name, code in HIRE_TYPES.items()}
    for n, r in enumerate(records, start=1):
        main.append(
            (n, r.number, None, None, r.type, r.persons, r.total, None, "да" if r.renter else None,
             r.surname, r.name, None, r.snils, r.org)
        )  # fmt: skip
        places.append((n, None, r.premises, None, r.share))
        for x in r.reasons:
            written = None if x.written is None else ("да" if x.written else "нет")
            reasons.append(
                (n, kinds[x.kind], x.contract, x.number, _ru(x.signed), written, hires.get(x.hire or ""), _ru(x.entry))
            )
    return {ACCOUNTS_MAIN: main, ACCOUNTS_PLACES: places, ACCOUNTS_REASONS: reasons}


def _ru(iso: str | None) -> str | None:
    """An ISO date as an Excel user types it (ДД.ММ.ГГГГ)."""
    return ".".join(reversed(iso.split("-"))) if iso else None


def readings_rows(
    devices: Sequence[str], *, value: str = "20", resource: str = "1", date: str = "20.11.2026"
) -> list[tuple[Any, ...]]:
    """One reading per device, as the readings template's rows."""
    return [(d, resource, value, None, None, date) for d in devices]
