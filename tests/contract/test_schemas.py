"""hub.contract.schemas: the lxml gatekeeper over our own xsd/ (needs no shared folder)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.contract.schemas import Schemas, default_xsd_dir
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from testkit.accounts import import_account
from testkit.elements import sub
from testkit.houses import export_house, import_house_uo_apartment
from tests.contract import instances as inst


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas.load()


def _body_child(envelope: etree._Element) -> etree._Element:
    body = envelope.find(f"{{{ns.SOAP_ENV}}}Body")
    assert body is not None
    return body[0]


def _line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_load_is_cached_per_directory(schemas: Schemas) -> None:
    assert Schemas.load() is schemas
    assert Schemas.load(default_xsd_dir()) is schemas
    assert schemas.xsd_dir == default_xsd_dir().resolve()


def test_load_fails_loudly_without_contract_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Schemas.load(tmp_path)


@pytest.mark.parametrize("name", sorted(inst.ALL_BUILDERS))
def test_valid_instance_passes(name: str, schemas: Schemas) -> None:
    element = inst.ALL_BUILDERS[name]()
    schemas.validate(element)
    assert schemas.is_valid(element)


def test_valid_body_child_of_a_parsed_envelope_passes_in_place(schemas: Schemas) -> None:
    envelope = parse_xml(inst.envelope(import_account(count=3)))
    schemas.validate(_body_child(envelope))


def test_error_points_at_the_original_line_and_xpath_in_the_envelope(schemas: Schemas) -> None:
    request = import_account(count=3)
    numbers = list(request.iter(f"{{{ns.ACCOUNT_BASE}}}AccountNumber"))
    numbers[1].text = "X" * 31  # maxLength 30
    data = inst.envelope(request)
    expected_line = _line_of(data, b"X" * 31)
    assert expected_line > 20  # a multi-line envelope, the error far from the top

    with pytest.raises(HubError) as caught:
        schemas.validate(_body_child(parse_xml(data)))

    error = caught.value
    assert error.code == "FMT001300"
    assert error.where is not None
    assert error.where.startswith(f"строка {expected_line}, ")
    assert "importAccountRequest" in error.where and "Account[2]" in error.where
    assert "AccountNumber" in error.where
    assert error.detail is not None and "длина значения 31 больше допустимой (30)" in error.detail


def test_several_errors_are_counted_in_the_detail(schemas: Schemas) -> None:
    request = import_account(count=3)
    for number in request.iter(f"{{{ns.ACCOUNT_BASE}}}AccountNumber"):
        number.text = "X" * 31
    with pytest.raises(HubError) as caught:
        schemas.validate(_body_child(parse_xml(inst.envelope(request))))
    assert caught.value.detail is not None
    assert "и ещё 2 ошиб" in caught.value.detail


def test_fixed_base_version_is_enforced_although_libxml2_ignores_it(schemas: Schemas) -> None:
    request = import_account(count=1)
    request.set(f"{{{ns.BASE}}}version", "10.0.1.2")
    data = inst.envelope(request)
    with pytest.raises(HubError) as caught:
        schemas.validate(_body_child(parse_xml(data)))
    line = _line_of(data, b"<hm:importAccountRequest")
    assert caught.value.where == f"строка {line}, /soapenv:Envelope/soapenv:Body/hm:importAccountRequest"
    assert caught.value.detail is not None and "10.0.1.1" in caught.value.detail
    assert not schemas.is_valid(request)


def test_fixed_version_of_a_nested_import_result_is_enforced(schemas: Schemas) -> None:
    result = inst.get_state_import_result()
    result.find(f"{{{ns.HOUSE_MANAGEMENT}}}ImportResult").set(f"{{{ns.BASE}}}version", "11.0.0.1")  # type: ignore[union-attr]
    assert not schemas.is_valid(result)


def test_headers_and_faults_validate_too(schemas: Schemas) -> None:
    envelope = parse_xml(inst.envelope(export_house()))
    header = envelope.find(f"{{{ns.SOAP_ENV}}}Header/{{{ns.BASE}}}RequestHeader")
    assert header is not None
    schemas.validate(header)
    fault = etree.Element(f"{{{ns.BASE}}}Fault")
    sub(fault, ns.BASE, "ErrorCode", "FMT001300")
    sub(fault, ns.BASE, "ErrorMessage", "Некорректный XML")
    schemas.validate(fault)


def test_validation_from_four_threads_reports_each_threads_own_errors(schemas: Schemas) -> None:
    good = parse_xml(inst.envelope(import_house_uo_apartment()))
    bad_request = import_account(count=2)
    bad_request.find(f".//{{{ns.ACCOUNT_BASE}}}AccountNumber").text = "X" * 31  # type: ignore[union-attr]
    bad_data = inst.envelope(bad_request)
    failures: list[str] = []

    def work(index: int) -> None:
        try:
            for _ in range(30):
                if index % 2:
                    schemas.validate(_body_child(parse_xml(inst.envelope(import_house_uo_apartment()))))
                else:
                    try:
                        schemas.validate(_body_child(parse_xml(bad_data)))
                    except HubError as exc:
                        if exc.detail is None or "больше допустимой" not in exc.detail:
                            failures.append(f"thread {index}: wrong error {exc.detail}")
                    else:
                        failures.append(f"thread {index}: invalid document accepted")
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(f"thread {index}: {exc!r}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    schemas.validate(_body_child(good))
