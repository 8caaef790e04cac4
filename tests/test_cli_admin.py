"""The operator's commands as a new user meets them: one line per mistake, nothing created by a
read-only command, the data each command works on said plainly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub import __version__
from hub.cli import cli_app
from testkit.pki import org_identity

runner = CliRunner()
app = cli_app()
ORG = ["--name", "ООО «УК»", "--ogrn", "1027700000001", "--inn", "7700000001", "--kpp", "770001001"]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("HUB_DATABASE_URL", "HUB_BROKER_URL", "HUB_SIGNING_KEY", "HUB_SIGNING_CERT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _one_line_error(output: str, code: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith(code) and "Traceback" not in output and "Error:" not in output


@pytest.mark.parametrize("command", [["org", "list"], ["nsi", "list"], ["cert", "revoke", "ab:cd"], ["cert", "hub"]])
def test_read_only_commands_create_nothing_and_say_where_they_looked(data_dir: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    _one_line_error(result.output, "INT900104")
    assert str(data_dir.resolve()) in result.output
    assert not data_dir.exists(), f"{command} created {data_dir}"


def test_where_says_which_data_without_creating_it(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["where"])
    assert result.exit_code == 0 and str(data_dir.resolve()) in result.output and "none yet" in result.output
    other = runner.invoke(app, ["where", "--data-dir", str(tmp_path / "elsewhere")])
    assert str((tmp_path / "elsewhere").resolve()) in other.output
    assert not data_dir.exists() and not (tmp_path / "elsewhere").exists()


def test_an_organization_is_registered_once(data_dir: Path) -> None:
    first = runner.invoke(app, ["org", "add", *ORG, "--role", "УО"])
    assert first.exit_code == 0, first.output
    ppaguid = re.search(r"orgPPAGUID: (\S+)", first.output)
    assert ppaguid is not None
    again = runner.invoke(app, ["org", "add", *ORG, "--role", "ТСЖ"])
    assert again.exit_code == 2
    _one_line_error(again.output, "INT900101")
    assert ppaguid.group(1) in again.output
    listed = runner.invoke(app, ["org", "list"])
    assert listed.output.count("1027700000001") == 1


def test_a_role_must_be_given(data_dir: Path) -> None:
    result = runner.invoke(app, ["org", "add", *ORG])
    assert result.exit_code == 2 and "--role" in result.output
    assert not data_dir.exists()


def test_a_certificate_is_registered_once_and_a_key_is_not_a_certificate(data_dir: Path, tmp_path: Path) -> None:
    added = runner.invoke(app, ["org", "add", *ORG, "--role", "УО"])
    ppaguid = re.search(r"orgPPAGUID: (\S+)", added.output)
    assert ppaguid is not None
    identity = org_identity()
    pem, key = tmp_path / "org.pem", tmp_path / "org.key"
    pem.write_bytes(identity.certificate_pem)
    key.write_bytes(identity.private_key_pem)
    assert runner.invoke(app, ["cert", "add", str(pem), "--org", ppaguid.group(1)]).exit_code == 0
    again = runner.invoke(app, ["cert", "add", str(pem), "--org", ppaguid.group(1)])
    assert again.exit_code == 2
    _one_line_error(again.output, "INT900102")
    assert "BEGIN CERTIFICATE" not in again.output and "INSERT" not in again.output
    not_a_cert = runner.invoke(app, ["cert", "add", str(key), "--org", ppaguid.group(1)])
    assert not_a_cert.exit_code == 2
    _one_line_error(not_a_cert.output, "INT900103")
    assert "PRIVATE KEY" not in not_a_cert.output


def test_version_option() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == __version__


def test_api_tokens_are_shown_once_listed_without_secrets_and_revoked(data_dir: Path) -> None:
    added = runner.invoke(app, ["org", "add", *ORG, "--role", "УО"])
    ppaguid = re.search(r"orgPPAGUID: (\S+)", added.output)
    assert ppaguid is not None
    made = runner.invoke(app, ["token", "create", "--org", ppaguid.group(1), "--name", "1С"])
    assert made.exit_code == 0, made.output
    secret = re.search(r"API token \(shown once\): (\S+)", made.output)
    token_id = re.search(r"token id: (\d+)", made.output)
    assert secret and token_id and secret.group(1).startswith("zhkh_")
    listed = runner.invoke(app, ["token", "list"])
    assert ppaguid.group(1) in listed.output and "active" in listed.output and secret.group(1) not in listed.output
    assert runner.invoke(app, ["token", "revoke", token_id.group(1)]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["token", "list"]).output
    assert runner.invoke(app, ["token", "create"]).exit_code == 2  # neither --org nor --operator
