"""NSI: codes resolved against complete books, kept for partial ones, books loaded from GIS exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from hub.cli import cli_app
from hub.contract.nsi_export import read_books
from hub.errors import HubError
from hub.services.nsi import resolve
from hub.store import migrate
from hub.store import nsi as nsi_store
from hub.store.base import Store
from hub.store.db import make_engine
from tests.servers import Backend

app = cli_app()

NSI_COMMON = "http://dom.gosuslugi.ru/schema/integration/nsi-common/"
NSI_BASE = "http://dom.gosuslugi.ru/schema/integration/nsi-base/"
BASE = "http://dom.gosuslugi.ru/schema/integration/base/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

DOCUMENTS = [
    ("1", "Паспорт гражданина Российской Федерации"),
    ("2", "Свидетельство о рождении"),
    ("3", "Военный билет"),
]


def export_nsi_item(registry: int, elements: list[tuple[str, str]]) -> etree._Element:
    """An nsi-common getStateResult carrying NsiItem, shaped as GIS returns exportNsiItem."""
    nsmap = {"ns": NSI_COMMON, "nsi-base": NSI_BASE, "base": BASE, "xsi": XSI}
    result = etree.Element(f"{{{NSI_COMMON}}}getStateResult", nsmap=nsmap)
    result.set(f"{{{BASE}}}version", "10.0.1.2")
    etree.SubElement(result, f"{{{BASE}}}RequestState").text = "3"
    etree.SubElement(result, f"{{{BASE}}}MessageGUID").text = "5a3b417e-cd3b-11ec-a821-005056b6513d"
    item = etree.SubElement(result, f"{{{NSI_COMMON}}}NsiItem")
    etree.SubElement(item, f"{{{NSI_BASE}}}NsiItemRegistryNumber").text = str(registry)
    etree.SubElement(item, f"{{{NSI_BASE}}}Created").text = "2024-01-01T00:00:00+03:00"
    for i, (code, name) in enumerate(elements):
        el = etree.SubElement(item, f"{{{NSI_BASE}}}NsiElement")
        etree.SubElement(el, f"{{{NSI_BASE}}}Code").text = code
        etree.SubElement(el, f"{{{NSI_BASE}}}GUID").text = f"00000000-0000-0000-0000-{i:012d}"
        etree.SubElement(el, f"{{{NSI_BASE}}}Modified").text = "2024-01-01T00:00:00+03:00"
        etree.SubElement(el, f"{{{NSI_BASE}}}IsActual").text = "true"
        field = etree.SubElement(el, f"{{{NSI_BASE}}}NsiElementField")
        field.set(f"{{{XSI}}}type", "nsi-base:NsiElementStringFieldType")
        etree.SubElement(field, f"{{{NSI_BASE}}}Name").text = "Вид документа"
        etree.SubElement(field, f"{{{NSI_BASE}}}Value").text = name
    return result


@pytest.fixture
def store(backend: Backend) -> Store:
    return Store(backend.engine)


def test_seeded_complete_book_refuses_unknown_code(store: Store) -> None:
    catalog = nsi_store.SqlNsiCatalog(store)
    element = resolve(catalog, 24, " 2 ")
    assert element is not None and element.name == "Исправный"
    with pytest.raises(HubError) as info:
        resolve(catalog, 24, "7", where="строка 5, /hm:State/nsi-base:Code")
    assert info.value.code == "INT002000"
    assert "НСИ 24" in info.value.message and "строка 5" in info.value.message


def test_partial_book_resolves_known_codes_and_keeps_others(store: Store) -> None:
    catalog = nsi_store.SqlNsiCatalog(store)
    known = resolve(catalog, 22, "11")
    assert known is not None and known.name == "Расторжение договора"
    assert resolve(catalog, 22, "3") is None
    assert resolve(catalog, 95, "1") is None  # a book the hub does not have


def test_hub_guids_are_stable_across_installs(backend: Backend, tmp_path: Path) -> None:
    """Another install's own migration seeds the same GUIDs. It runs the migrations itself: a
    second copy of the test template would share the first one's GUIDs whatever they were."""
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        migrate.upgrade(other)
        first = nsi_store.SqlNsiCatalog(Store(backend.engine)).element(24, "1")
        second = nsi_store.SqlNsiCatalog(Store(other)).element(24, "1")
    finally:
        other.dispose()
    assert first is not None and second is not None and first.guid == second.guid


def test_loaded_gis_export_makes_a_complete_book(store: Store, real_contract: Path) -> None:
    from tests.real_contract import assert_valid_under_real_xsd

    exported = export_nsi_item(95, DOCUMENTS)
    assert_valid_under_real_xsd(exported, real_contract)
    [book] = read_books(etree.tostring(exported))
    assert book.registry == 95 and [e.code for e in book.elements] == ["1", "2", "3"]
    nsi_store.load_book(
        store,
        95,
        "Документ, удостоверяющий личность",
        [nsi_store.LoadedElement(e.code, e.name, e.is_actual) for e in book.elements],
        source="test",
        actor="test",
    )
    catalog = nsi_store.SqlNsiCatalog(store)
    passport = resolve(catalog, 95, "1")
    assert passport is not None and passport.name == DOCUMENTS[0][1]
    with pytest.raises(HubError):
        resolve(catalog, 95, "99")


def test_cli_loads_and_lists_books(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HUB_DATABASE_URL", raising=False)
    monkeypatch.delenv("HUB_BROKER_URL", raising=False)
    export_file = tmp_path / "nsi95.xml"
    export_file.write_bytes(etree.tostring(export_nsi_item(95, DOCUMENTS), xml_declaration=True, encoding="UTF-8"))
    runner = CliRunner()
    loaded = runner.invoke(app, ["nsi", "load", str(export_file)])
    assert loaded.exit_code == 0, loaded.output
    assert "NSI 95: 3 elements loaded" in loaded.output
    listed = runner.invoke(app, ["nsi", "list"])
    assert listed.exit_code == 0
    assert "NSI 95   complete" in listed.output and "NSI 22   partial" in listed.output


def test_cli_rejects_a_file_that_is_not_an_nsi_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "data"))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<a/>")
    result = CliRunner().invoke(app, ["nsi", "load", str(bad)])
    assert result.exit_code == 2
    assert "FMT001300" in result.output
