"""README's "Production, step by step", run as written against the CI's PostgreSQL and Redis:
the setup block, then `hub serve` and `hub worker` as it starts them, then a signed message from
`hub send` processed and its result verified with the hub's published certificate."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text

from testkit.pki import org_identity
from tests.e2e.harness import free_port, terminate, wait_for
from tests.servers import require

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "requests"


def _blocks() -> tuple[str, list[list[str]]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Production, step by step") :]
    section = section[: section.index("\n## ", 5)]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    assert len(blocks) == 3, "the walkthrough's install, setup and start blocks"
    starts = [shlex.split(line) for line in blocks[2].splitlines() if line.strip()]
    return blocks[1], starts


@pytest.fixture
def servers() -> Iterator[dict[str, str]]:
    """PGHOST/PGPORT/REDIS_PORT of the test servers; the walkthrough's role and database dropped around."""
    pg, redis = os.environ.get("HUB_TEST_POSTGRES_URL", ""), os.environ.get("HUB_TEST_REDIS_URL", "")
    require(bool(pg and redis), "HUB_TEST_POSTGRES_URL and HUB_TEST_REDIS_URL are not set (.ci/run sets them)")
    url = make_url(pg)
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")

    def clean() -> None:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS hub WITH (FORCE)"))
            conn.execute(text("DROP ROLE IF EXISTS hub"))

    redis_port = str(make_url(redis).port)
    # the walkthrough turns Redis's append-only file on: keep it in a temporary directory and
    # turn it off again, so the test server (and the clone it runs in) stay as they were
    redis_dir = tempfile.mkdtemp(prefix="hub-walkthrough-redis-")
    before = subprocess.run(
        ["redis-cli", "-p", redis_port, "CONFIG", "GET", "dir"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    subprocess.run(["redis-cli", "-p", redis_port, "CONFIG", "SET", "dir", redis_dir], capture_output=True, check=True)
    clean()
    try:
        yield {
            "PGHOST": url.host or "127.0.0.1",
            "PGPORT": str(url.port or 5432),
            "REDIS_PORT": redis_port,
        }
    finally:
        clean()
        admin.dispose()
        for setting in (["appendonly", "no"], ["dir", before]):
            subprocess.run(["redis-cli", "-p", redis_port, "CONFIG", "SET", *setting], capture_output=True, check=False)
        shutil.rmtree(redis_dir, ignore_errors=True)


def test_the_production_walkthrough_runs_as_written(servers: dict[str, str], tmp_path: Path) -> None:
    setup, starts = _blocks()
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "PG"))} | servers
    done = subprocess.run(
        ["bash", "-e", "-c", setup + "\nenv > walkthrough.env\n"],
        cwd=tmp_path, env=base_env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    exported = dict(
        line.split("=", 1) for line in (tmp_path / "walkthrough.env").read_text().splitlines() if "=" in line
    )
    env = base_env | {k: v for k, v in exported.items() if k.startswith("HUB_")}
    assert Path(tmp_path / env["HUB_SIGNING_KEY"]).exists() or Path(env["HUB_SIGNING_KEY"]).exists()
    password = re.search(r"HTTP Basic password: (\S+)", done.stdout)
    ppaguid = re.search(r"orgPPAGUID: (\S+)", done.stdout)
    assert password and ppaguid, done.stdout

    identity = org_identity()
    (tmp_path / "org.pem").write_bytes(identity.certificate_pem)
    (tmp_path / "org.key").write_bytes(identity.private_key_pem)
    hub = str(tmp_path / ".venv" / "bin" / "hub")
    added = subprocess.run(
        [hub, "cert", "add", "org.pem", "--org", ppaguid[1]], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr

    port = str(free_port())
    processes = []
    for written in starts:
        argv = [port if a == "8080" else a for a in written]
        processes.append(
            subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _up(url), 40, 0.2), "hub serve did not start"
        sent = subprocess.run(
            [hub, "send", "exportHouseData", str(SAMPLES / "export-house.xml"), "--cert", "org.pem", "--key",
             "org.key", "--org", ppaguid[1], "--url", url, "--timeout", "60"],
            cwd=tmp_path, env=env | {"HUB_CLIENT_PASSWORD": password[1]}, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
    finally:
        for process in processes:
            terminate(process)
    # processed by the worker, signed with the walkthrough's key, verified by hub send: the house
    # is unknown to this fresh hub, so GIS's answer is INT002012 (exit code 4)
    assert sent.returncode == 4, sent.stdout + sent.stderr
    assert "RequestState: 3" in sent.stdout and "INT002012" in sent.stdout
    assert not (tmp_path / "hub-data").exists(), "a production process created a data directory"


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
