"""Rows of ``accounts``/``account_accommodations`` ↔ ``hub.areas.accounts.rules.Account``.

Kept apart from the repository so the mapping — every PayerInfo field a column, decimals as
their exact text — reads in one place and both directions can be checked side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from hub.areas.accounts.rules import (
    Accommodation,
    Account,
    AccountData,
    AccountKind,
    Closure,
    IdentityDocument,
    Payer,
    Person,
    Target,
)
from hub.domain.nsi import NsiRef
from hub.store.base import aware, utcnow


def _text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def account_values(account: Account) -> dict[str, Any]:
    """Column values of the ``accounts`` row (everything but ``id``)."""
    data = account.data
    closure = data.closure
    payer = data.payer
    person = payer.person
    doc = person.document if person is not None else None
    return {
        "guid": account.guid,
        "org_id": account.org_id,
        "kind": data.kind.value,
        "account_number": data.number,
        "unique_number": account.unique_number,
        "unified_number": account.unified_number,
        "service_counter": account.service_counter,
        "living_persons": data.living_persons,
        "total_square": _text(data.total_square),
        "residential_square": _text(data.residential_square),
        "heated_area": _text(data.heated_area),
        "close_reason_code": closure.reason.code if closure else None,
        "close_reason_guid": closure.reason.guid if closure else None,
        "close_reason_name": closure.reason.name if closure else None,
        "close_date": closure.close_date if closure else None,
        "close_description": closure.description if closure else None,
        "payer_is_renter": payer.is_renter,
        "payer_accounts_divided": payer.accounts_divided,
        "payer_surname": person.surname if person else None,
        "payer_first_name": person.first_name if person else None,
        "payer_patronymic": person.patronymic if person else None,
        "payer_sex": person.sex if person else None,
        "payer_birth_date": person.date_of_birth if person else None,
        "payer_snils": person.snils if person else None,
        "payer_doc_type_code": doc.type.code if doc else None,
        "payer_doc_type_guid": doc.type.guid if doc else None,
        "payer_doc_type_name": doc.type.name if doc else None,
        "payer_doc_series": doc.series if doc else None,
        "payer_doc_number": doc.number if doc else None,
        "payer_doc_issue_date": doc.issue_date if doc else None,
        "payer_org_version_guid": payer.org_version_guid,
        "reasons": data.reasons,
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }


def _ordinal(service_id: str) -> int:
    return int(service_id.rsplit("-", 1)[1])


def accommodation_values(account: Account, account_id: int) -> list[dict[str, Any]]:
    return [
        {
            "account_id": account_id,
            "ordinal": _ordinal(a.service_id or ""),
            "target": a.target.value,
            "object_guid": a.guid,
            "house_guid": a.house_guid,
            "share": _text(a.share),
            "service_id": a.service_id,
        }
        for a in account.data.accommodations
    ]


def _person(row: Any) -> Person | None:
    if row.payer_surname is None and row.payer_first_name is None:
        return None
    document = None
    if row.payer_doc_number is not None:
        document = IdentityDocument(
            type=NsiRef(row.payer_doc_type_code, row.payer_doc_type_guid, row.payer_doc_type_name),
            number=row.payer_doc_number,
            issue_date=row.payer_doc_issue_date or date.min,
            series=row.payer_doc_series,
        )
    return Person(
        surname=row.payer_surname,
        first_name=row.payer_first_name,
        patronymic=row.payer_patronymic,
        sex=row.payer_sex,
        date_of_birth=row.payer_birth_date,
        snils=row.payer_snils,
        document=document,
    )


def account_from_rows(row: Any, places: Sequence[Any]) -> Account:
    closure = None
    if row.close_date is not None:
        closure = Closure(
            reason=NsiRef(row.close_reason_code, row.close_reason_guid, row.close_reason_name),
            close_date=row.close_date,
            description=row.close_description,
        )
    data = AccountData(
        kind=AccountKind(row.kind),
        payer=Payer(
            is_renter=bool(row.payer_is_renter),
            accounts_divided=bool(row.payer_accounts_divided),
            person=_person(row),
            org_version_guid=row.payer_org_version_guid,
        ),
        accommodations=tuple(
            Accommodation(Target(p.target), p.object_guid, _decimal(p.share), p.service_id, p.house_guid)
            for p in places
        ),
        closure=closure,
        number=row.account_number,
        living_persons=row.living_persons,
        total_square=_decimal(row.total_square),
        residential_square=_decimal(row.residential_square),
        heated_area=_decimal(row.heated_area),
        reasons=row.reasons,
    )
    return Account(
        guid=row.guid,
        org_id=row.org_id,
        unique_number=row.unique_number,
        unified_number=row.unified_number,
        data=data,
        created_at=aware(row.created_at) or utcnow(),
        updated_at=aware(row.updated_at) or utcnow(),
        service_counter=row.service_counter,
    )
