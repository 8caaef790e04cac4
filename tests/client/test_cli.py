"""``hub send`` / ``hub state`` as subprocesses against ``hub demo`` (a subprocess too), demo PKI.

Exactly what samples/README.md tells a user to run, checked for exit codes and printed text.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hub import demo
from tests.e2e.harness import HUB_BIN, free_port, spawn, terminate, wait_for

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "requests"
PKI = REPO / "samples" / "demo-pki"


def _mounted() -> bool:
    """True once ``hub.cli`` mounts the client commands (``hub send``); else run the module."""
    from hub import cli

    names = {c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands}
    names |= {
        c.name or (c.callback.__name__ if c.callback else "")
        for group in cli.app.registered_groups
        if group.name is None and group.typer_instance is not None
        for c in group.typer_instance.registered_commands
    }
    return "send" in names


CLIENT = [str(HUB_BIN)] if _mounted() else [sys.executable, "-m", "hub.cli_client"]


@dataclass
class Demo:
    url: str

    def run(self, *args: str, password: str | None = demo.DEMO_PASSWORD) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "HUB_CLIENT_PASSWORD"}
        env["COLUMNS"] = "200"
        if password is not None:
            env["HUB_CLIENT_PASSWORD"] = password
        return subprocess.run(
            [*CLIENT, *args, "--url", self.url],
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )

    def send(self, operation: str, sample: str, *extra: str, **kw: str | None) -> subprocess.CompletedProcess[str]:
        return self.run(
            "send",
            operation,
            str(SAMPLES / sample),
            "--cert",
            str(PKI / "demo-org.pem"),
            "--key",
            str(PKI / "demo-org.key"),
            "--org",
            demo.DEMO_ORG_PPAGUID,
            *extra,
            **kw,
        )


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    port = free_port()
    data_dir = tmp_path_factory.mktemp("demo")
    process = spawn([str(HUB_BIN), "demo", "--port", str(port), "--data-dir", str(data_dir)], {})
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        assert wait_for(up, 30, 0.1), "hub demo did not start"
        yield Demo(url)
    finally:
        terminate(process)


def test_send_waits_and_prints_the_export_of_the_demo_house(demo_hub: Demo) -> None:
    done = demo_hub.send("exportHouseData", "export-house.xml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ack: MessageGUID" in done.stdout
    assert "RequestState: 3" in done.stdout
    assert "exportHouseResult" in done.stdout
    assert "hub signature verified" in done.stdout
    assert demo.DEMO_PASSWORD not in done.stdout + done.stderr


def test_send_waits_and_prints_the_whole_message_error(demo_hub: Demo, tmp_path: Path) -> None:
    unknown = tmp_path / "export-unknown-house.xml"
    unknown.write_bytes((SAMPLES / "export-house.xml").read_bytes().replace(b"00000000f1a5", b"0000000fffff"))
    done = demo_hub.send("exportHouseData", str(unknown))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "ErrorMessage INT002012" in done.stdout


def test_send_without_waiting_then_state(demo_hub: Demo, tmp_path: Path) -> None:
    sent = demo_hub.send("exportHouseData", "export-house.xml", "--no-wait")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    message_guid = sent.stdout.split("MessageGUID", 1)[1].split()[0]
    assert uuid.UUID(message_guid)
    saved = tmp_path / "result.xml"
    state = demo_hub.run(
        "state", message_guid, "--service", "home-management", "--org", demo.DEMO_ORG_PPAGUID, "--wait",
        "--save", str(saved), "--hub-cert", str(PKI / "hub.pem"),
    )  # fmt: skip
    assert state.returncode == 0, state.stdout + state.stderr
    assert f"MessageGUID {message_guid}" in state.stdout and "exportHouseResult" in state.stdout
    assert b"getStateResult" in saved.read_bytes()


def test_state_of_an_unknown_message_exits_1_with_the_fault_code(demo_hub: Demo) -> None:
    done = demo_hub.run("state", str(uuid.uuid4()), "--org", demo.DEMO_ORG_PPAGUID)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Fault INT002013" in done.stdout


def test_a_wrong_password_is_refused_and_never_printed(demo_hub: Demo) -> None:
    secret = "wrong-" + uuid.uuid4().hex
    done = demo_hub.run("state", str(uuid.uuid4()), "--org", demo.DEMO_ORG_PPAGUID, password=secret)
    assert done.returncode == 1
    assert "AUT900009" in done.stdout
    assert secret not in done.stdout + done.stderr


def test_a_payload_of_another_operation_is_refused_before_sending(demo_hub: Demo) -> None:
    done = demo_hub.send("exportHouseData", "export-account.xml")
    assert done.returncode == 3
    assert "exportHouseData takes hm:exportHouseRequest" in done.stderr


def test_the_other_samples_are_accepted(demo_hub: Demo) -> None:
    for operation, sample in (
        ("importHouseUOData", "import-house-uo.xml"),
        ("importAccountData", "import-account.xml"),
        ("exportAccountData", "export-account.xml"),
    ):
        done = demo_hub.send(operation, sample, "--no-wait")
        assert done.returncode == 0, (sample, done.stdout, done.stderr)
        assert "Ack: MessageGUID" in done.stdout


def test_send_without_a_password_sends_nothing_and_says_what_to_set(demo_hub: Demo) -> None:
    done = demo_hub.send("exportHouseData", "export-house.xml", password=None)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Ack:" not in done.stdout and "HUB_CLIENT_PASSWORD" in done.stderr


def test_send_with_a_wrong_password_sends_nothing(demo_hub: Demo) -> None:
    secret = "wrong-" + uuid.uuid4().hex
    done = demo_hub.send("exportHouseData", "export-house.xml", password=secret)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Ack:" not in done.stdout and "AUT900009" in done.stderr and secret not in done.stdout + done.stderr


def test_an_import_whose_objects_failed_exits_5(demo_hub: Demo) -> None:
    """The demo imported the sample house already: every object of it again is INT004132."""
    done = demo_hub.send("importHouseUOData", "import-house-uo.xml")
    assert done.returncode == 5, done.stdout + done.stderr
    assert "INT004132" in done.stdout


def test_an_unreachable_hub_is_said_in_words() -> None:
    done = Demo(f"http://127.0.0.1:{free_port()}").send("exportHouseData", "export-house.xml", "--no-wait")
    assert done.returncode == 3
    assert "Хаб недоступен по адресу" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("count", "word"),
    [(1, "объект"), (4, "объекта"), (5, "объектов"), (11, "объектов"), (21, "объект"), (112, "объектов")],
)
def test_russian_plural_forms(count: int, word: str) -> None:
    from hub.cli_client import plural

    assert plural(count, "объект", "объекта", "объектов") == word


def test_an_operation_the_hub_does_not_serve_is_a_usage_error(demo_hub: Demo) -> None:
    done = demo_hub.send("importNothing", "export-house.xml")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the hub serves no operation 'importNothing'" in done.stderr
    assert "importMeteringDeviceValues" in done.stderr  # the list of what it serves


def test_the_service_of_an_operation_is_found_and_get_state_asks_for_one() -> None:
    from hub.client import PayloadError, service_of

    assert service_of("importMeteringDeviceValues") == "device-metering"
    assert service_of("importAccountData") == "home-management"
    assert service_of("exportDataProviderNsiItem") == "nsi"
    with pytest.raises(PayloadError, match="several services"):
        service_of("getState")


def test_send_finds_the_service_of_the_operation(demo_hub: Demo) -> None:
    """No --service: importPaymentDocumentData goes to BillsAsync. The sample's AccountGuids are
    placeholders the demo hub does not know: every document is refused with its code (exit 5)."""
    done = demo_hub.send("importPaymentDocumentData", "import-payment-document.xml")
    assert done.returncode == 5, done.stdout + done.stderr
    assert "RequestState: 3" in done.stdout and "INT002000" in done.stdout
    exported = demo_hub.send("exportPaymentDocumentData", "export-payment-document.xml")
    assert exported.returncode == 4, exported.stdout + exported.stderr
    assert "ErrorMessage INT002012" in exported.stdout
