"""The production shape as an operator sets it up: one signing key for every process, nothing
created that is not needed, a missing setting said in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.composition import build_hub
from hub.config import load_settings
from hub.store import migrate
from hub.store.db import make_engine
from tests.e2e.harness import postgres_database

HUB = str(Path(sys.executable).parent / "hub")


def _env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("HUB_")}, **extra}


@pytest.mark.parametrize("command", [["worker"], ["serve", "--processes", "1", "--port", "1"]])
def test_production_without_a_signing_key_refuses_to_start_in_one_line(command: list[str], tmp_path: Path) -> None:
    with postgres_database() as url:
        env = _env(HUB_DATABASE_URL=url, HUB_BROKER_URL=os.environ.get("HUB_TEST_REDIS_URL", ""))
        done = subprocess.run(
            [HUB, *command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
        )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "HUB_SIGNING_KEY" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == [], "a refused start created files"


def test_a_configured_production_hub_creates_no_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = subprocess.run(
        [HUB, "cert", "new-hub-key", str(tmp_path / "keys")], env=_env(), capture_output=True, text=True, check=True
    )
    settings_lines = dict(line.split("=", 1) for line in keys.stdout.split())
    assert set(settings_lines) == {"HUB_SIGNING_KEY", "HUB_SIGNING_CERT"}
    again = subprocess.run(
        [HUB, "cert", "new-hub-key", str(tmp_path / "keys")], env=_env(), capture_output=True, text=True, check=True
    )
    assert again.stdout == keys.stdout  # kept, not replaced
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with postgres_database() as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        env = {"HUB_DATABASE_URL": url, "HUB_BROKER_URL": os.environ.get("HUB_TEST_REDIS_URL", ""), **settings_lines}
        hub = build_hub(load_settings(env))
        try:
            assert hub.identity.certificate_pem == Path(settings_lines["HUB_SIGNING_CERT"]).read_bytes()
        finally:
            hub.close()
    assert list(work.iterdir()) == [], "the production hub created files in its working directory"
