"""The operation registry against the real GIS contract, and against what the hub actually serves.

Every registered operation is checked where GIS publishes the same fact: the WSDL operation table
(path, SOAPAction, request element, header), the request-limits table (fixed version, object
limits), the getStateResult choice (the result element) and the XSD (the sample). Then the hub
built from the registry: one handler per operation, every area's tables migrated.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.composition import build_hub
from hub.config import load_settings
from hub.contract.registry import (
    AREAS_PACKAGE,
    HeaderKind,
    Operation,
    RequestLimit,
    discover_areas,
    registry,
    resolve,
)
from hub.contract.schemas import Schemas
from hub.services.handlers import MissingPortError
from hub.store.schema import full_metadata
from tests.real_contract import errors_under_real_xsd

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "requests"
SIGNED = [op for op in registry().operations if op.signed]
PREFIXES = {"hm": ns.HOUSE_MANAGEMENT, "account-base": ns.ACCOUNT_BASE, "base": ns.BASE, "bills-base": ns.BILLS_BASE}

pytestmark = pytest.mark.shared


def _tables(real_contract: Path, name: str) -> list[list[str]]:
    with (real_contract.parent / "tables" / name).open(encoding="utf-8") as file:
        return list(csv.reader(file, delimiter="\t"))


def _wsdl_row(real_contract: Path, operation: Operation) -> list[str]:
    rows = [
        r
        for r in _tables(real_contract, "wsdl-operations-16.3.0.0.tsv")
        if r[1].endswith(operation.service.path) and r[2] == operation.name
    ]
    assert len(rows) == 1, f"{operation.name} at {operation.service.path} is not one GIS operation"
    return rows[0]


@pytest.mark.parametrize("operation", registry().operations, ids=lambda op: op.name)
def test_operation_is_the_gis_operation_of_its_service(operation: Operation, real_contract: Path) -> None:
    _wsdl, _url, _name, action, request, _output, header, *_ = _wsdl_row(real_contract, operation)
    assert operation.soap_action == action
    prefix, _, local = request.partition(":")
    assert operation.request_element == local
    assert operation.request_namespace == (ns.BASE if prefix == "base" else operation.service.namespace)
    assert operation.header == HeaderKind(header)


def _limit_row(real_contract: Path, operation: Operation) -> list[str]:
    rows = [r for r in _tables(real_contract, "request-limits-16.3.0.0.tsv") if r[1] == operation.request_element]
    assert len(rows) == 1, operation.request_element
    return rows[0]


def _limits(text: str, default_namespace: str) -> set[RequestLimit]:
    found = set()
    for item in filter(None, (part.strip() for part in text.split(";"))):
        if item.endswith("..unbounded]"):
            continue  # no limit (importPaymentDocumentRequest's PaymentInformation)
        match = re.fullmatch(r"(?:([\w-]+):)?(\w+)\[\d+\.\.(\d+)\]", item)
        assert match, item
        prefix, local, maximum = match.groups()
        found.add(RequestLimit(ns.qname(PREFIXES[prefix] if prefix else default_namespace, local), int(maximum)))
    return found


@pytest.mark.parametrize("operation", SIGNED, ids=lambda op: op.name)
def test_versions_and_limits_are_those_gis_publishes(operation: Operation, real_contract: Path) -> None:
    _file, _element, version, *rest = [*_limit_row(real_contract, operation), ""]
    fixed = version.removeprefix("version-fixed=")
    if fixed != "None":
        assert operation.versions == (fixed,)
    else:
        assert operation.versions, "a request without a fixed version lists the versions it accepts"
    assert set(operation.limits) == _limits(rest[0], operation.service.namespace)


@pytest.mark.parametrize("operation", SIGNED, ids=lambda op: op.name)
def test_result_element_is_a_branch_of_the_services_get_state_result(operation: Operation, ours: Schemas) -> None:
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    wsdl = etree.parse(str(REPO / "wsdl" / operation.service.wsdl_file))
    imports = {i.get("namespace"): i.get("schemaLocation") for i in wsdl.iterfind(".//xs:import", xs)}
    xsd = etree.parse(str((REPO / "wsdl" / imports[operation.service.namespace]).resolve()))
    choice = xsd.find(".//xs:element[@name='getStateResult']//xs:choice", xs)
    assert choice is not None
    # a branch is an element, or the first element of a sequence (export results + PagedOutput)
    branches = [*choice.iterfind("xs:element", xs), *choice.iterfind("xs:sequence/xs:element[1]", xs)]
    assert operation.result_element in {el.get("name") for el in branches}


@pytest.mark.parametrize("operation", SIGNED, ids=lambda op: op.name)
def test_sample_is_a_valid_request_of_its_operation(operation: Operation, real_contract: Path, ours: Schemas) -> None:
    assert operation.sample, f"{operation.name} has no sample"
    element = etree.parse(str(SAMPLES / operation.sample)).getroot()
    assert element.tag == operation.request_qname
    assert errors_under_real_xsd(element, real_contract) == []
    ours.validate(element)
    version = element.get(ns.qname(ns.BASE, "version"))
    assert version in operation.versions


@pytest.fixture(scope="module")
def ours() -> Schemas:
    return Schemas.load()


def test_areas_are_found_without_naming_them() -> None:
    names = [area.name for area in discover_areas(AREAS_PACKAGE)]
    assert names == sorted(names) and {"houses", "accounts"} <= set(names)
    assert discover_areas("hub.no_such_package") == ()


def test_every_reference_in_the_registry_resolves() -> None:
    for area in registry().areas:
        for operation in area.operations:
            assert callable(resolve(operation.handler)), operation.handler
        for reference in area.provides.values():
            assert callable(resolve(reference)), reference
        if area.commands:
            assert resolve(area.commands).info.name, area.commands


def test_a_port_provided_twice_is_refused() -> None:
    from hub.contract.registry import Area, Registry

    twice = Registry((Area("a", provides={"housing": "x:y"}), Area("b", provides={"housing": "z:w"})))
    with pytest.raises(RuntimeError, match="provided twice"):
        twice.provided()


def test_the_hub_has_a_handler_for_every_registered_operation(tmp_path: Path) -> None:
    hub = build_hub(load_settings(data_dir=tmp_path))
    try:
        assert sorted(hub.processor.handlers) == sorted(op.name for op in SIGNED)
    finally:
        hub.close()


def test_a_handler_asking_for_an_unprovided_port_says_which() -> None:
    from hub.services.handlers import HandlerSetup
    from tests.fakes import FakeNsi

    setup = HandlerSetup(operation=SIGNED[0], nsi=FakeNsi(), directory=None)  # type: ignore[arg-type]
    with pytest.raises(MissingPortError, match="'store'"):
        setup.port("store")


def test_every_area_table_is_on_the_metadata_migrations_compare() -> None:
    """Alembic's environment reads ``full_metadata`` (tests/test_migrations.py compares it with the
    migrated schema): an area's tables are on it because the registry names their module."""
    assert {"houses", "premises", "living_rooms", "accounts", "account_accommodations", "inbox"} <= set(
        full_metadata().tables
    )
