"""XML ↔ domain: every field of a GIS request is kept, and the export is valid under GIS's XSD."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from lxml import etree

from hub.areas.accounts.codec import (
    decode_import,
    encode_account,
    import_account_extension,
    import_account_extension_xml,
)
from hub.areas.accounts.rules import Account, AccountKind, Target
from hub.contract import results as fragments
from hub.contract.xmlparse import parse_xml
from hub.domain.outcomes import ObjectOutcome
from hub.errors import E, HubError
from testkit.accounts import ACCOUNT_KINDS, import_account
from tests.accounts.results import HM, assert_real

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_decodes_every_kind_payer_variant_closure_and_accommodation() -> None:
    commands = decode_import(import_account(count=8, accommodations=2, closed=(1,)))
    assert [c.data.kind.value for c in commands] == [ACCOUNT_KINDS[i % 6] for i in range(8)]
    snils, document, org, nobody = (commands[i].data.payer for i in range(4))
    assert snils.is_renter and snils.person is not None and snils.person.snils == "12345678900"
    assert snils.person.patronymic == "Иванович" and snils.person.date_of_birth == date(1980, 2, 29)
    assert document.accounts_divided and document.person is not None and document.person.document is not None
    assert document.person.document.type.code == "1" and document.person.document.series == "4510"
    assert org.person is None and org.org_version_guid is not None
    assert nobody.person is None and nobody.org_version_guid is None and not nobody.is_renter
    closure = commands[1].data.closure
    assert closure is not None and closure.reason.code == "1" and closure.close_date == date(2025, 12, 31)
    assert closure.description == "Договор расторгнут"
    first = commands[0]
    assert first.account_guid is None and commands[1].account_guid is not None
    assert [a.target for a in first.data.accommodations] == [Target.PREMISES, Target.HOUSE]
    assert first.data.accommodations[0].share == Decimal("50.00")
    assert first.data.number == "ЛС-000001" and first.data.living_persons == 3
    assert first.data.total_square == Decimal("64.2") and first.data.reasons is not None
    assert first.where == "/importAccountRequest/Account[1]"


def test_export_of_decoded_accounts_is_valid_under_the_real_xsd(real_contract: Path) -> None:
    results = []
    for i, command in enumerate(decode_import(import_account(count=12, accommodations=3, closed=(1, 5)))):
        places = tuple(
            replace(a, service_id=f"00АА{i:06d}-{n + 1:02d}") for n, a in enumerate(command.data.accommodations)
        )
        account = Account(
            guid=f"6f1c2a1e-0000-4000-8000-{i:012d}",
            org_id=1,
            unique_number=f"{i:012d}",
            unified_number=f"00АА{i:06d}",
            data=replace(command.data, accommodations=places),
            created_at=NOW,
            updated_at=NOW,
        )
        element = encode_account(account)
        assert element.findtext(f"{{{HM}}}AccountGUID") == account.guid
        results.append(element)
    assert_real(results, real_contract)


def test_import_account_extension_is_els_then_service_id(real_contract: Path) -> None:
    element = import_account_extension({"UnifiedAccountNumber": "00АА000001", "ServiceID": "00АА000001-01"})
    assert element is not None
    assert [child.text for child in element] == ["00АА000001", "00АА000001-01"]
    assert import_account_extension({}) is None
    assert AccountKind("isTKOAccount") is AccountKind.TKO


def test_text_import_result_equals_the_element_one() -> None:
    """The handler writes ImportResult as text (speed); it must say exactly what the lxml build says."""
    outcomes = [
        ObjectOutcome(
            "t-1",
            guid="g-1",
            unique_number="u-1",
            update_date=NOW,
            extension={"UnifiedAccountNumber": "00АА&<1", "ServiceID": "00АА000001-01"},
        ),
        ObjectOutcome.failed("t-2", HubError(E.INT002000, "x < y & z > w \"q\" 'a'\r\nend")),
        ObjectOutcome("t-3", guid="g-3", update_date=NOW),
    ]
    built = fragments.serialize(
        fragments.container([fragments.import_result(HM, "10.0.1.1", outcomes, import_account_extension)])
    )
    written = fragments.import_result_fragment(HM, "10.0.1.1", outcomes, import_account_extension_xml)

    def shape(element: etree._Element) -> tuple[object, ...]:
        return (element.tag, element.text, sorted(element.attrib.items()), [shape(child) for child in element])

    assert shape(parse_xml(written)) == shape(parse_xml(built))
