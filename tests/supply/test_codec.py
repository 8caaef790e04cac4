"""Decoding importSupplyResourceContractRequest and encoding the export, under the real XSD."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lxml import etree

from hub.areas.supply.codec import decode_export, decode_import, encode_page
from hub.areas.supply.rules import (
    AnnulContract,
    Contract,
    PlaceContract,
    RollOverContract,
    TerminateContract,
    VersionStatus,
)
from hub.contract import results
from testkit.supply import Drso, Obj, Subj, export_request, import_request
from tests.accounts.results import assert_real
from tests.real_contract import assert_valid_under_real_xsd

HOUSE = "6f9619ff-8b86-d011-b42d-00c04fc964ff"
ORG_ROOT = "11111111-2222-3333-4444-555555555555"


def test_every_kind_of_contract_command_decodes(real_contract: Path) -> None:
    hot, heat = Subj("3", "2", end="2026-12-31"), Subj("4", "4", start="2024-03-01")
    place = Drso(
        objects=[Obj(HOUSE.upper(), (0, 1), apartment="12", end="2025-12-31")],
        subjects=[hot, heat],
        completion="2026-12-31",
        counterparty_org=ORG_ROOT,
    )
    request = import_request(
        [
            place,
            Drso(root_guid="A" * 8 + "-0000-0000-0000-" + "0" * 12, terminate="2025-06-30"),
            Drso(version_guid="b" * 8 + "-0000-0000-0000-" + "0" * 12, annul="Ошибка"),
            Drso(root_guid="c" * 8 + "-0000-0000-0000-" + "0" * 12, roll_over="2027-01-01"),
        ]
    )
    assert_valid_under_real_xsd(request, real_contract)
    first, terminate, annul, roll = decode_import(request)
    assert isinstance(first, PlaceContract) and not first.ref.given
    terms = first.terms
    assert (terms.number, terms.signing_date, terms.effective_date) == ("ДРСО-1", date(2023, 12, 20), date(2024, 1, 1))
    assert terms.expiration_date == date(2026, 12, 31) and not terms.indefinite
    assert terms.counterparty == "Organization" and ORG_ROOT in terms.counterparty_xml
    assert [(s.service.code, s.resource.code, s.start, s.end) for s in terms.subjects] == [
        ("2", "3", date(2024, 1, 1), date(2026, 12, 31)),
        ("4", "4", date(2024, 3, 1), None),
    ]
    (obj,) = terms.objects
    assert obj.house_guid == HOUSE and obj.apartment == "12"
    assert [(p.subject_key, p.end) for p in obj.pairs] == [
        (hot.key, date(2025, 12, 31)),
        (heat.key, date(2025, 12, 31)),
    ]
    assert (
        isinstance(terminate, TerminateContract) and terminate.ref.root_guid == "a" * 8 + "-0000-0000-0000-" + "0" * 12
    )
    assert terminate.on == date(2025, 6, 30) and terminate.reason.code == "1"
    assert isinstance(annul, AnnulContract) and annul.ref.version_guid and annul.reason == "Ошибка"
    assert isinstance(roll, RollOverContract) and roll.to == date(2027, 1, 1)
    assert roll.ref.root_guid == "c" * 8 + "-0000-0000-0000-" + "0" * 12


def test_a_year_the_hub_cannot_hold_fails_only_its_contract() -> None:
    request = import_request([Drso(objects=[Obj(HOUSE)]), Drso(objects=[Obj(HOUSE)])])
    request[1].find(".//{*}SigningDate").text = "-0044-03-15"  # valid xs:date, no Python date
    good, bad = decode_import(request)
    assert isinstance(good, PlaceContract)
    assert bad.transport_guid == request[1][0].text and type(bad).__name__ == "Rejected"


def test_export_criteria_decode() -> None:
    query = decode_export(export_request(house=HOUSE.upper(), number="7", subjects=[("2", "3")], start=ORG_ROOT))
    assert (query.house_guid, query.number, query.subjects, query.start_after) == (HOUSE, "7", (("2", "3"),), ORG_ROOT)
    assert decode_export(export_request("ContractGUID", [ORG_ROOT.upper()])).version_guids == (ORG_ROOT,)


def test_the_exported_page_is_valid_under_the_real_xsd(real_contract: Path) -> None:
    (place,) = decode_import(import_request([Drso(objects=[Obj(HOUSE)], counterparty_org=ORG_ROOT)]))
    assert isinstance(place, PlaceContract)
    contract = Contract(1, ORG_ROOT, HOUSE, 1, 2, True, VersionStatus.POSTED, place.terms)
    ended = Contract(2, HOUSE, ORG_ROOT, 1, 1, True, VersionStatus.ANNULLED, place.terms, annulment_reason="Дубль")
    for page in (
        encode_page([contract, ended], None, date(2025, 1, 1)),
        encode_page([contract], HOUSE, date(2025, 1, 1)),
    ):
        fragment = etree.fromstring(results.serialize(results.container([page])))
        assert_real(list(fragment), real_contract)
    last = encode_page([contract], None, date(2025, 1, 1))
    assert last.findtext("{*}IsLastPage") == "true" and last.findtext("{*}Contract/{*}ContractState") == "Proceed"
