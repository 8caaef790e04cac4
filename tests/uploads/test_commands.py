"""``hub template`` and ``hub upload`` (against a running hub on both shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hub.cli import cli_app
from testkit.uploads import ACCOUNTS_MAIN, AccountRecord, accounts_rows
from tests.accounts.test_e2e import new_house
from tests.e2e.harness import HubUnderTest
from tests.e2e.rest import token_for
from tests.uploads.workbooks import filled, statuses


def test_hub_template_writes_every_kind_without_hub_data(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli_app(), ["template", "--list"])
    assert listed.exit_code == 0 and all(k in listed.output for k in ("readings", "accounts", "houses", "bills"))
    target = tmp_path / "ls.xlsx"
    done = runner.invoke(cli_app(), ["template", "accounts", "-o", str(target), "--data-dir", str(tmp_path / "none")])
    assert done.exit_code == 0, done.output
    book = load_workbook(target)
    assert book.sheetnames[:2] == ["Основные сведения", "Помещения"] and book["conf"]["A1"].value == "TYPE"
    unknown = runner.invoke(cli_app(), ["template", "payments", "--data-dir", str(tmp_path / "none")])
    assert unknown.exit_code == 2 and "FMT916012" in unknown.output


def test_hub_upload_shows_progress_and_writes_the_result(hut: HubUnderTest, tmp_path: Path) -> None:
    token = token_for(hut, "a")
    house = new_house(hut, hut.orgs["a"], 1)
    blank = tmp_path / "blank.xlsx"
    assert (
        CliRunner().invoke(cli_app(), ["template", "accounts", "-o", str(blank), "--data-dir", str(tmp_path)]).exit_code
        == 0
    )
    source = tmp_path / "ЛС.xlsx"
    source.write_bytes(filled(blank.read_bytes(), accounts_rows([AccountRecord("CLI-1", house.premises[0])])))
    done = CliRunner().invoke(cli_app(), ["upload", str(source), "--url", hut.base_url, "--token", token])
    assert done.exit_code == 0, done.output
    assert "processed" in done.output and "обработано 1" in done.output
    result = tmp_path / "ЛС__Результат.xlsx"
    assert statuses(load_workbook(result), ACCOUNTS_MAIN) == ["Обработано"]

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    refused = CliRunner().invoke(cli_app(), ["upload", str(broken), "--url", hut.base_url, "--token", token])
    assert refused.exit_code == 2 and "FMT916001" in refused.output


def test_hub_upload_without_a_token_issues_one_for_the_organization(hut: HubUnderTest, tmp_path: Path) -> None:
    """As the demo does: no --token, the organization's own token is issued in the hub's data."""
    if hut.shape != "embedded":
        pytest.skip("the command issues the token in an embedded hub's data directory; over HTTP it is the same")
    house = new_house(hut, hut.orgs["a"], 1)
    blank = tmp_path / "blank.xlsx"
    assert (
        CliRunner().invoke(cli_app(), ["template", "accounts", "-o", str(blank), "--data-dir", str(tmp_path)]).exit_code
        == 0
    )
    source = tmp_path / "без токена.xlsx"
    source.write_bytes(filled(blank.read_bytes(), accounts_rows([AccountRecord("CLI-2", house.premises[0])])))
    args = ["upload", str(source), "--url", hut.base_url, "--org", hut.orgs["a"].ppaguid]
    done = CliRunner().invoke(cli_app(), [*args, "--data-dir", str(hut.settings.data_dir)])
    assert done.exit_code == 0, done.output
    assert statuses(load_workbook(tmp_path / "без токена__Результат.xlsx"), ACCOUNTS_MAIN) == ["Обработано"]
