"""``hub supply add|list``: the operator's contracts, audited, and one-line coded mistakes.

``data_dir`` and ``_one_line_error`` are tests/test_cli_admin.py's: the same conventions."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hub.areas.supply.lookup import SqlSupplyLookup
from hub.cli import cli_app
from hub.config import load_settings
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import SqlDirectory
from hub.store.tables import audit_log
from tests.test_cli_admin import _one_line_error, data_dir

runner = CliRunner()
app = cli_app()
RSO = ["--name", "ООО Водоканал", "--ogrn", "1027700000009", "--inn", "7700000009", "--kpp", "770001001"]


def _org(role: str) -> str:
    added = runner.invoke(app, ["org", "add", *RSO[:3], str(uuid.uuid4().int)[:13], *RSO[4:], "--role", role])
    assert added.exit_code == 0, added.output
    found = re.search(r"[0-9a-f]{8}-[0-9a-f-]{27}", added.output)
    assert found is not None
    return found.group(0)


def test_add_records_a_contract_the_lookup_sees_and_list_shows(data_dir: Path) -> None:
    rso = _org("РСО")
    house = str(uuid.uuid4())
    added = runner.invoke(
        app, ["supply", "add", "--rso", rso, "--house", house.upper(), "--resource", "1", "--from", "2024-01-01"]
    )
    assert added.exit_code == 0, added.output
    assert house in added.output and rso in added.output
    runner.invoke(
        app,
        [
            "supply",
            "add",
            "--rso",
            rso,
            "--house",
            house,
            "--resource",
            "3",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
        ],
    )

    engine = make_engine(load_settings().effective_database_url)
    try:
        store = Store(engine)
        org = SqlDirectory(store).organization_by_ppaguid(rso)
        assert org is not None
        with store.reading() as conn:
            lookup = SqlSupplyLookup(conn)
            assert lookup.supplied(org.id, [house], date(2024, 2, 1)) == {house: {"1", "3"}}
            assert lookup.supplied(org.id, [house], date(2024, 4, 1)) == {house: {"1"}}
            actions = [row.action for row in conn.execute(select(audit_log.c.action))]
        assert actions.count("supply.add") == 2
    finally:
        engine.dispose()

    listed = runner.invoke(app, ["supply", "list", "--rso", rso])
    assert listed.exit_code == 0 and listed.output.count(house) == 2 and "operator" in listed.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--resource", "горячая"], "INT910007"),
        (["--resource", "1", "--from", "2024-05-01", "--to", "2024-04-01"], "INT910001"),
        (["--resource", "1", "--from", "01.05.2024"], "FMT001300"),
    ],
)
def test_user_mistakes_are_one_coded_line(data_dir: Path, args: list[str], code: str) -> None:
    rso = _org("РСО")
    result = runner.invoke(app, ["supply", "add", "--rso", rso, "--house", str(uuid.uuid4()), *args])
    assert result.exit_code == 2
    _one_line_error(result.output, code)


def test_only_a_registered_rso_supplies(data_dir: Path) -> None:
    uo = _org("УО")
    house = str(uuid.uuid4())
    refused = runner.invoke(app, ["supply", "add", "--rso", uo, "--house", house, "--resource", "1"])
    assert refused.exit_code == 2
    _one_line_error(refused.output, "AUT011003")
    unknown = runner.invoke(app, ["supply", "add", "--rso", str(uuid.uuid4()), "--house", house, "--resource", "1"])
    _one_line_error(unknown.output, "AUT011002")
    bad_house = runner.invoke(app, ["supply", "add", "--rso", uo, "--house", "дом 5", "--resource", "1"])
    _one_line_error(bad_house.output, "FMT001300")


def test_list_creates_nothing_where_there_is_no_hub(data_dir: Path) -> None:
    result = runner.invoke(app, ["supply", "list"])
    assert result.exit_code == 2
    _one_line_error(result.output, "INT900104")
    assert not data_dir.exists()


__all__ = ["data_dir"]  # the fixture, used by name
