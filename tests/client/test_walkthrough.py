"""samples/README.md's "replay the whole flow" walkthrough, run as written (bash, every command
must exit 0) against the demo started by the command it gives — only the port is chosen here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx

from tests.e2e.harness import free_port, terminate, wait_for

REPO = Path(__file__).resolve().parents[2]
README = REPO / "samples" / "README.md"


def _blocks() -> tuple[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("To replay the whole flow yourself") :]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    assert len(blocks) >= 2, "the walkthrough lost its demo command or its flow"
    return blocks[0].strip(), blocks[1]


def test_the_samples_walkthrough_runs_as_written(tmp_path: Path) -> None:
    demo_command, flow = _blocks()
    assert demo_command.startswith(".venv/bin/hub demo") and "--no-sample-data" in demo_command
    work = tmp_path / "work"
    shutil.copytree(REPO / "samples", work / "samples")  # make_samples.py rewrites a sample: not the repo's
    (work / ".venv").symlink_to(REPO / ".venv")
    (work / "testkit").symlink_to(REPO / "testkit")  # make_samples.py builds readings with the test kit
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    demo = subprocess.Popen(
        [*demo_command.split(), "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _up(url), 40, 0.1), "hub demo did not start"
        done = subprocess.run(
            ["bash", "-e", "-c", flow],
            cwd=work,
            env={**env, "HUB_URL": url, "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        terminate(demo)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.count("RequestState: 3") == 13
    assert "успешно / ok: 3, с ошибками / failed: 0" in done.stdout  # the three accounts
    # the two devices, then their three readings (heat; electricity T1 and T2 are one value)
    assert done.stdout.count("успешно / ok: 2, с ошибками / failed: 0") >= 2, done.stdout[-3000:]
    assert "exportMeteringDeviceHistoryResult" in done.stdout
    assert "exportPaymentDocResult" in done.stdout  # the documents placed just before
    assert "PremisesGUID" in (work / "samples" / "requests" / "import-account.xml").read_text(encoding="utf-8")
    assert "MeteringDeviceRootGUID" in (work / "samples" / "requests" / "import-metering-device-values.xml").read_text(
        encoding="utf-8"
    )
    assert (work / "house-result.xml").exists() and (work / "hub-data" / "flow").is_dir()


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
