"""The administrator's CLI: organizations, certificates, the hub key, the demo."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from lxml import etree
from typer.testing import CliRunner

from hub.cli import cli_app
from hub.config import load_settings
from hub.contract import pki, signature
from hub.services.identity import PasswordCache
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import SqlDirectory
from testkit.answers import ack_guids, body_child
from testkit.messages import BASE, HM_PATH, export_house_body, get_state, signed
from testkit.pki import expired_identity, org_identity, session_ca

app = cli_app()

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "data"))
    for name in ("HUB_DATABASE_URL", "HUB_BROKER_URL", "HUB_SIGNING_KEY", "HUB_SIGNING_CERT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def _directory(data_dir: Path) -> SqlDirectory:
    return SqlDirectory(Store(make_engine(load_settings({}, data_dir=data_dir).effective_database_url)))


def _org_add(*extra: str) -> tuple[str, str]:
    roles = () if "--role" in extra else ("--role", "УО")
    inn = str(uuid.uuid4().int)[:10]  # the same ОГРН+ИНН+КПП twice is refused
    result = runner.invoke(
        app, ["org", "add", "--name", "ООО «УК»", "--ogrn", "1027700000001", "--inn", inn, *roles, *extra]
    )
    assert result.exit_code == 0, result.output
    ppaguid = re.search(r"orgPPAGUID: (\S+)", result.output)
    password = re.search(r"HTTP Basic password: (\S+)", result.output)
    assert ppaguid and password
    return ppaguid.group(1), password.group(1)


def test_db_upgrade_is_idempotent(data_dir: Path) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "database at revision" in result.output


def test_org_add_prints_ppaguid_and_a_generated_password_that_works(data_dir: Path) -> None:
    ppaguid, password = _org_add("--role", "УО", "--kpp", "770001001")
    uuid.UUID(ppaguid)
    directory = _directory(data_dir)
    org = directory.organization_by_ppaguid(ppaguid)
    assert org is not None and org.roles == ("УО",)
    stored = directory.password_hash(org.id)
    assert stored is not None and password not in stored
    assert PasswordCache().check(password, stored)
    assert not PasswordCache().check(password + "x", stored)


def test_org_add_refuses_bad_input(data_dir: Path) -> None:
    bad_role = runner.invoke(
        app, ["org", "add", "--name", "X", "--ogrn", "1027700000001", "--inn", "7700000001", "--role", "ХЗ"]
    )
    assert bad_role.exit_code != 0
    bad_ogrn = runner.invoke(app, ["org", "add", "--name", "X", "--ogrn", "12", "--inn", "7700000001"])
    assert bad_ogrn.exit_code != 0


def test_cert_add_and_revoke(data_dir: Path, tmp_path: Path) -> None:
    ppaguid, _ = _org_add("--password", "p")
    identity = org_identity()
    pem = tmp_path / "org.pem"
    pem.write_bytes(identity.certificate_pem)
    added = runner.invoke(app, ["cert", "add", str(pem), "--org", ppaguid])
    assert added.exit_code == 0, added.output
    fingerprint = pki.fingerprint(identity.certificate)
    assert fingerprint in added.output
    directory = _directory(data_dir)
    cert = directory.certificate(fingerprint)
    org = directory.organization_by_ppaguid(ppaguid)
    assert cert is not None and org is not None and cert.organization_id == org.id and cert.revoked_at is None

    revoked = runner.invoke(app, ["cert", "revoke", fingerprint])
    assert revoked.exit_code == 0
    cert = directory.certificate(fingerprint)
    assert cert is not None and cert.revoked_at is not None
    assert runner.invoke(app, ["cert", "revoke", fingerprint]).exit_code != 0  # already revoked


def test_cert_add_refuses_keys_and_dates_no_signature_could_pass(data_dir: Path, tmp_path: Path) -> None:
    ppaguid, _ = _org_add("--password", "p")
    now = dt.datetime.now(dt.UTC)
    weak = pki.issue_certificate(session_ca(), common_name="RSA-1024", rsa_key_size=1024)
    expired = expired_identity()
    future = pki.issue_certificate(
        session_ca(), common_name="later", not_before=now + dt.timedelta(days=2), not_after=now + dt.timedelta(days=30)
    )
    outputs = {}
    for name, identity in (("weak", weak), ("expired", expired), ("future", future)):
        pem = tmp_path / f"{name}.pem"
        pem.write_bytes(identity.certificate_pem)
        outputs[name] = runner.invoke(app, ["cert", "add", str(pem), "--org", ppaguid])
    assert outputs["weak"].exit_code == 2 and "1024" in outputs["weak"].output, outputs["weak"].output
    assert outputs["expired"].exit_code == 2 and "expired" in outputs["expired"].output
    assert outputs["future"].exit_code == 0 and "warning" in outputs["future"].output
    directory = _directory(data_dir)
    assert directory.certificate(pki.fingerprint(weak.certificate)) is None
    assert directory.certificate(pki.fingerprint(expired.certificate)) is None
    assert directory.certificate(pki.fingerprint(future.certificate)) is not None


def test_cert_add_registers_a_gost_certificate(data_dir: Path, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    from hub.contract.gost.issuing import create_ca, issue_certificate

    ppaguid, _ = _org_add("--password", "p")
    identity = issue_certificate(create_ca("УЦ ГОСТ (cli)"), common_name="Подписант ГОСТ")
    pem = tmp_path / "gost.pem"
    pem.write_bytes(identity.certificate.certificate.public_bytes(Encoding.PEM))
    added = runner.invoke(app, ["cert", "add", str(pem), "--org", ppaguid])
    assert added.exit_code == 0, added.output
    assert identity.fingerprint in added.output
    assert _directory(data_dir).certificate(identity.fingerprint) is not None


def test_operator_certificate_lists_its_organizations(data_dir: Path, tmp_path: Path) -> None:
    first, _ = _org_add()
    second, _ = _org_add()
    identity = org_identity("Оператор ИС (cli)")
    pem = tmp_path / "op.pem"
    pem.write_bytes(identity.certificate_pem)
    result = runner.invoke(app, ["cert", "add", str(pem), "--org", first, "--org", second, "--operator"])
    assert result.exit_code == 0, result.output
    cert = _directory(data_dir).certificate(pki.fingerprint(identity.certificate))
    assert cert is not None and cert.is_operator and cert.organization_id is None and len(cert.operator_for) == 2
    single = runner.invoke(app, ["cert", "add", str(pem), "--org", first, "--org", second])
    assert single.exit_code != 0  # a non-operator certificate belongs to exactly one organization


def test_hub_key_is_created_once_by_the_hub_and_only_read_by_cert_hub(data_dir: Path) -> None:
    from hub.composition import build_hub

    none_yet = runner.invoke(app, ["cert", "hub"])
    assert none_yet.exit_code == 2 and "INT900104" in none_yet.output and "HUB_SIGNING_KEY" in none_yet.output
    assert not (data_dir / "hub-signing.key").exists(), "a read-only command created a key"
    hub = build_hub(load_settings(data_dir=data_dir))  # what hub serve / hub demo do at first start
    served = hub.identity.certificate_pem.decode()
    hub.close()
    first = runner.invoke(app, ["cert", "hub"])
    second = runner.invoke(app, ["cert", "hub"])
    assert first.exit_code == 0 and first.output == served == second.output
    assert (data_dir / "hub-signing.key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("processes", [None, 1], ids=["default-processes", "one-process"])
def test_demo_starts_and_answers_a_signed_request(processes: int | None, tmp_path: Path) -> None:
    """`hub demo` on a free port: the demo organization's committed key signs a request that works."""
    from hub.config import default_processes
    from hub.demo import DEMO_ORG_PPAGUID, DEMO_PASSWORD, DEMO_PKI
    from tests.e2e.harness import free_port, server_processes

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "hub"),
            *("demo", "--port", str(port), "--data-dir", str(tmp_path / "demo")),
            *(["--processes", str(processes)] if processes else []),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "hub demo did not start"
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.2)
        index = httpx.get(base + "/").text
        assert "HomeManagementAsync" in index and "?wsdl" in index
        expected = processes or default_processes()  # the default: 2 on Linux with 2+ cores
        if sys.platform.startswith("linux"):
            assert len(server_processes(proc.pid)) == (expected if expected > 1 else 0)  # one: no children
        identity = pki.SigningIdentity.from_pem_files(DEMO_PKI / "demo-org.key", DEMO_PKI / "demo-org.pem")
        request = signed(export_house_body(), identity, DEMO_ORG_PPAGUID)
        ack = httpx.post(base + HM_PATH, content=request, headers={"Content-Type": "text/xml"})
        assert ack.status_code == 200, ack.text
        hub_guid, _ = ack_guids(ack.content)
        state = "1"
        deadline = time.monotonic() + 30
        while state != "3" and time.monotonic() < deadline:
            answer = httpx.post(
                base + HM_PATH, content=get_state(hub_guid, DEMO_ORG_PPAGUID), auth=(DEMO_ORG_PPAGUID, DEMO_PASSWORD)
            )
            state = body_child(answer.content).findtext(f"{{{BASE}}}RequestState") or ""
            time.sleep(0.1)
        assert state == "3"
        result = body_child(answer.content)
        assert result.findtext(f"{{{BASE}}}ErrorMessage/{{{BASE}}}ErrorCode") == "INT002012"  # a random house
        # The sample house was loaded at start, through the same pipeline.
        from hub.demo import demo_house_guid

        ack = httpx.post(
            base + HM_PATH, content=signed(export_house_body(demo_house_guid()), identity, DEMO_ORG_PPAGUID)
        )
        hub_guid, _ = ack_guids(ack.content)
        deadline = time.monotonic() + 30
        while True:
            answer = httpx.post(
                base + HM_PATH, content=get_state(hub_guid, DEMO_ORG_PPAGUID), auth=(DEMO_ORG_PPAGUID, DEMO_PASSWORD)
            )
            result = body_child(answer.content)
            if result.findtext(f"{{{BASE}}}RequestState") == "3" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        exported = result.find("{http://dom.gosuslugi.ru/schema/integration/house-management/}exportHouseResult")
        assert exported is not None, etree.tostring(result)[:500]
        hub_cert = httpx.get(base + "/hub/certificate.pem").content
        assert hub_cert == (DEMO_PKI / "hub.pem").read_bytes()
        verified = signature.verify_envelope(etree.fromstring(answer.content))
        assert verified.fingerprint == pki.fingerprint(pki.load_certificate(hub_cert))
    finally:
        os.killpg(proc.pid, 15)
        output = proc.communicate(timeout=20)[0].decode()
    assert "zhkh-hub demo" in output and f"http://127.0.0.1:{port}" in output and DEMO_ORG_PPAGUID in output
    assert "sample data: importHouseUOData import-house-uo.xml processed" in output
    assert "sample data: importAccountData import-account.xml processed" in output
    assert (f"{expected} processes" in output) == (expected > 1)


def test_house_bind_and_unbind(data_dir: Path) -> None:
    from sqlalchemy import select

    from hub.areas.houses.tables import houses
    from testkit.seeds import add_house

    first, _ = _org_add()
    second, _ = _org_add()
    directory = _directory(data_dir)
    org_a = directory.organization_by_ppaguid(first)
    org_b = directory.organization_by_ppaguid(second)
    assert org_a is not None and org_b is not None
    with directory.store.writing() as conn:
        house = add_house(conn, org_a.id, premises_count=1, rooms=0)

    def manager() -> int | None:
        with directory.store.reading() as conn:
            return conn.execute(select(houses.c.manager_org_id).where(houses.c.guid == house.fias)).scalar_one()

    bound = runner.invoke(app, ["house", "bind", "--house", house.fias.upper(), "--org", second])
    assert bound.exit_code == 0, bound.output
    assert manager() == org_b.id
    assert runner.invoke(app, ["house", "unbind", "--house", house.fias]).exit_code == 0
    assert manager() is None
    unknown = runner.invoke(app, ["house", "bind", "--house", str(uuid.uuid4()), "--org", second])
    assert unknown.exit_code == 2 and "INT002034" in unknown.output
    from hub.store.audit import SqlAudit

    actions = [e.action for e in SqlAudit(directory.store).events("house", house.fias)]
    assert actions[-2:] == ["house.bind", "house.unbind"]


def test_production_refuses_an_outdated_schema_and_db_upgrade_fixes_it(tmp_path: Path) -> None:
    from tests.servers import postgres_database

    with postgres_database(migrated=False) as url:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("HUB_")},
            "HUB_DATA_DIR": str(tmp_path / "data"),
            "HUB_DATABASE_URL": url,
            "HUB_BROKER_URL": os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:1/0"),
        }
        hub_bin = str(Path(sys.executable).parent / "hub")
        refused = subprocess.run([hub_bin, "org", "list"], env=env, capture_output=True, text=True, check=False)
        assert refused.returncode == 3 and "hub db upgrade" in refused.stderr
        upgraded = subprocess.run([hub_bin, "db", "upgrade"], env=env, capture_output=True, text=True, check=False)
        assert upgraded.returncode == 0, upgraded.stderr
        listed = subprocess.run([hub_bin, "org", "list"], env=env, capture_output=True, text=True, check=False)
        assert listed.returncode == 0, listed.stderr


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of a (typer-vendored) click group, depth first (``()`` is the root)."""
    found = [path]
    if isinstance(commands := getattr(group, "commands", None), dict):
        for name, command in commands.items():
            found += _commands(command, (*path, name))
    return found


def test_help_of_every_command_shows_no_type_placeholder_for_flags() -> None:
    """typer 0.29 printed ``<bool>`` beside every flag (even ``--help``); 0.28 is pinned for that."""
    import typer.main

    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 10
    for path in commands:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "160"})
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, path
        assert "--help" in result.output
