"""The hub's responses signed with GOST R 34.10-2012, and ``hub send``'s GOST signing.

The key file format (``hub.contract.gost.keyfile``) round-trips and refuses a key that is not the
certificate's; a GOST-signed getStateResult verifies through the one signature check, names the
hub's certificate and is valid under the real XSD; end to end on both shapes, a client that signs
with GOST gets results the hub signed with GOST, verified against ``/hub/certificate.pem``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.client import ClientConfig, HubClient, Polling
from hub.contract import responses
from hub.contract.gost import keyfile
from hub.contract.gost.issuing import GostIdentity, create_ca, issue_certificate
from hub.contract.signature import verify_envelope
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from tests.e2e.harness import PASSWORD, HubUnderTest, register_certificate, running_hub
from tests.real_contract import errors_under_real_xsd

HM = "http://dom.gosuslugi.ru/schema/integration/house-management/"
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "requests"


@pytest.fixture(scope="module")
def hub_key() -> GostIdentity:
    return issue_certificate(create_ca("УЦ хаба"), common_name="zhkh-hub")


def test_the_key_file_round_trips_and_is_private(hub_key: GostIdentity, tmp_path: Path) -> None:
    key, cert = tmp_path / "hub.key", tmp_path / "hub.pem"
    keyfile.write_identity_files(hub_key, key, cert)
    assert key.stat().st_mode & 0o077 == 0 and keyfile.is_gost_key(key.read_bytes())
    again = keyfile.read_identity_files(key, cert)
    assert (again.private_key, again.fingerprint) == (hub_key.private_key, hub_key.fingerprint)
    other = issue_certificate(create_ca("Другой УЦ"), common_name="не хаб")
    with pytest.raises(ValueError, match="does not belong"):
        keyfile.read_identity(key.read_bytes(), other.certificate_pem)
    assert not keyfile.is_gost_key(b"-----BEGIN PRIVATE KEY-----")


def _result(identity: GostIdentity, *, result: bytes = b"") -> bytes:
    return responses.signed_state_result(
        service_namespace=HM,
        version="11.0.0.1",
        state=3,
        message_guid=str(uuid.uuid4()),
        result=result or None,
        requester_message_guid=str(uuid.uuid4()),
        identity=identity,
    )


def test_a_gost_signed_state_result_verifies_and_is_valid_under_the_real_xsd(
    hub_key: GostIdentity, real_contract: Path
) -> None:
    signed = _result(hub_key)
    verified = verify_envelope(parse_xml(signed))
    assert verified.fingerprint == hub_key.fingerprint
    assert errors_under_real_xsd(verified.element, real_contract) == []
    tampered = signed.replace(b">3</", b">2</")
    assert tampered != signed
    with pytest.raises(HubError) as refused:
        verify_envelope(parse_xml(tampered))
    assert refused.value.code.startswith("AUT9")


@pytest.fixture(scope="module", params=["embedded", "production"])
def gost_hut(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUnderTest]:
    with running_hub(request.param, tmp_path_factory.mktemp(f"gost-{request.param}"), gost_hub_key=True) as running:
        yield running


def test_a_gost_client_gets_gost_signed_results_on_both_shapes(gost_hut: HubUnderTest) -> None:
    org = gost_hut.orgs["a"]
    client_key = issue_certificate(create_ca("УЦ клиента"), common_name="Бухгалтерия УК")
    register_certificate(gost_hut, client_key, org.id)
    config = ClientConfig(
        base_url=gost_hut.base_url,
        org_ppaguid=org.ppaguid,
        identity=client_key,
        password=PASSWORD,
        polling=Polling(delays=(0.05, 0.1, 0.2), timeout=30.0),
    )
    with HubClient(config) as client:
        ack = client.send("exportHouseData", (SAMPLES / "export-house.xml").read_bytes())
        result = client.wait(ack.message_guid)
    hub_certificate = gost_hut.hub.identity
    assert isinstance(hub_certificate, GostIdentity)
    assert result.signer_fingerprint == hub_certificate.fingerprint
    assert result.error is not None and result.error.code == "INT002012"  # the hub has no such house


def test_hub_send_signs_with_a_gost_key_file(gost_hut: HubUnderTest, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    org = gost_hut.orgs["a"]
    client_key = issue_certificate(create_ca("УЦ клиента"), common_name="Расчётный отдел УК")
    register_certificate(gost_hut, client_key, org.id)
    key, cert = tmp_path / "org.key", tmp_path / "org.pem"
    keyfile.write_identity_files(client_key, key, cert)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")} | {"HUB_CLIENT_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli_client", "send", "exportHouseData", str(SAMPLES / "export-house.xml"),
         "--cert", str(cert), "--key", str(key), "--org", org.ppaguid, "--url", gost_hut.base_url],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr  # processed: INT002012, the house is unknown
    assert "hub signature verified" in done.stdout and "INT002012" in done.stdout
