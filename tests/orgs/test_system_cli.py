"""``hub cert add --system``, ``hub system link`` and ``hub system list`` as an operator uses them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import cli_app
from hub.composition import open_store
from hub.config import load_settings
from hub.services.identity import PasswordCache
from hub.store.directory import SqlDirectory
from testkit.pki import org_identity
from tests.test_cli_admin import data_dir  # noqa: F401 (the fixture: HUB_DATA_DIR in a tmp dir)

runner = CliRunner()
app = cli_app()


def _pem(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.pem"
    path.write_bytes(org_identity(name).certificate_pem)
    return path


@pytest.mark.usefixtures("data_dir")
def test_a_system_certificate_its_credential_and_its_links(tmp_path: Path) -> None:
    org = runner.invoke(
        app,
        ["org", "add", "--name", "ООО «УК»", "--ogrn", "1027700000001", "--inn", "7700000001", "--role", "УО"],
    )
    ppaguid = re.search(r"orgPPAGUID: (\S+)", org.output)
    assert ppaguid is not None

    first = runner.invoke(app, ["cert", "add", "--system", "ИС Расчёты", str(_pem(tmp_path, "ИС Расчёты 1"))])
    assert first.exit_code == 0, first.output
    user = re.search(r"HTTP Basic user: (\S+)", first.output)
    password = re.search(r"HTTP Basic password: (\S+)", first.output)
    assert user is not None and password is not None
    second = runner.invoke(app, ["cert", "add", "--system", "ИС Расчёты", str(_pem(tmp_path, "ИС Расчёты 2"))])
    assert second.exit_code == 0 and f"HTTP Basic user: {user.group(1)}" in second.output
    assert "unchanged" in second.output  # the credential is printed once, on registration

    # only the hash is stored, and it checks
    store = open_store(load_settings())
    try:
        directory = SqlDirectory(store)
        system = directory.organization_by_ppaguid(user.group(1))
        assert system is not None and system.roles == ("ИС",)
        stored = directory.password_hash(system.id)
        assert stored is not None and password.group(1) not in stored
        assert PasswordCache().check(password.group(1), stored)
    finally:
        store.engine.dispose()

    mixed = runner.invoke(app, ["cert", "add", "--system", "X", "--org", ppaguid.group(1), str(_pem(tmp_path, "x"))])
    assert mixed.exit_code == 2

    linked = runner.invoke(app, ["system", "link", "--system", "ИС Расчёты", "--org", ppaguid.group(1)])
    assert linked.exit_code == 0 and "linked" in linked.output, linked.output
    unknown = runner.invoke(app, ["system", "link", "--system", "Нет такой", "--org", ppaguid.group(1)])
    assert unknown.exit_code == 2 and unknown.output.startswith("AUT011002")
    listed = runner.invoke(app, ["system", "list"])
    assert user.group(1) in listed.output and ppaguid.group(1) in listed.output
    assert user.group(1) not in runner.invoke(app, ["org", "list"]).output  # a system is not an organization
    ended = runner.invoke(app, ["system", "link", "--system", "ИС Расчёты", "--org", ppaguid.group(1), "--end"])
    assert ended.exit_code == 0 and "(ended)" in runner.invoke(app, ["system", "list"]).output


def test_unsigned_common_requests_are_off_unless_configured() -> None:
    assert load_settings({}).unsigned_common is False
    assert load_settings({"HUB_UNSIGNED_COMMON": "1"}).unsigned_common is True
    assert load_settings({"HUB_UNSIGNED_COMMON": "off"}).unsigned_common is False
