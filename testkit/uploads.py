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

from testkit.elements import ACC, BASE, HM, IMPORT_ACCOUNT_VERSION, IND, root, sub

ACCOUNTS_MAIN, ACCOUNTS_PLACES = "Основные сведения", "Помещения"
READINGS_SHEET = "Импорт показаний"
_FLAGS = {"УО": "isUOAccount", "РСО": "isRSOAccount"}


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
        sub(account, BASE, "TransportGUID", r.transport_guid)
        sub(account, ACC, "AccountNumber", r.number)
    return request


def accounts_rows(records: Sequence[AccountRecord]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of «Основные сведения» and «Помещения» (№ записи from 1)."""
    main: list[tuple[Any, ...]] = []
    places: list[tuple[Any, ...]] = []
    for n, r in enumerate(records, start=1):
        main.append(
            (n, r.number, None, None, r.type, r.persons, r.total, None, "да" if r.renter else None,
             r.surname, r.name, None, r.snils)
        )  # fmt: skip
        places.append((n, None, r.premises, None, r.share))
    return {ACCOUNTS_MAIN: main, ACCOUNTS_PLACES: places}


def readings_rows(
    devices: Sequence[str], *, value: str = "20", resource: str = "1", date: str = "20.11.2026"
) -> list[tuple[Any, ...]]:
    """One reading per device, as the readings template's rows."""
    return [(d, resource, value, None, None, date) for d in devices]
