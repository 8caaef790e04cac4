"""The committed request samples: valid under the real XSD, sendable, and regenerated identically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from hub.client import ClientConfig, HubClient
from hub.contract.registry import registry
from testkit.elements import BASE, HM, guid, sub
from tests.real_contract import assert_valid_under_real_xsd

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "requests"
#: sample file → operation, as the registry declares them (``Operation.sample``)
OPERATIONS = {op.sample: op.name for op in registry().operations if op.sample}
#: sample file → the WSDL of its operation's service
WSDLS = {op.sample: str(REPO / "wsdl" / op.service.wsdl_file) for op in registry().operations if op.sample}


def test_every_sample_is_there() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.xml")) == sorted(OPERATIONS)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_sample_is_valid_under_the_real_xsd(name: str, real_contract: Path) -> None:
    assert_valid_under_real_xsd(etree.parse(str(SAMPLES / name)).getroot(), real_contract)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_sample_is_the_input_of_its_operation(name: str) -> None:
    client = HubClient(ClientConfig(org_ppaguid="1d7a2c5e-8f4b-4c3d-9e2a-0000000d0e01", wsdl=WSDLS[name]))
    info = client.contract.operation(OPERATIONS[name])
    client.contract.check_payload(info, etree.parse(str(SAMPLES / name)).getroot())


def test_make_samples_regenerates_the_committed_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "samples" / "make_samples.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    for name in OPERATIONS:
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


def test_accounts_can_be_placed_by_premises_guids_from_a_house_result(tmp_path: Path, real_contract: Path) -> None:
    sys.path.insert(0, str(REPO / "samples"))
    try:
        import make_samples  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "samples"))
    from tests.contract import instances

    result = instances.get_state_import_result(successes=0, failures=0)
    import_result = result.find(f"{{{HM}}}ImportResult")
    assert import_result is not None
    for number in range(1, make_samples.APARTMENTS + 1):
        common = sub(import_result, HM, "CommonResult")
        sub(common, BASE, "GUID", guid(f"premises-guid:{number}"))
        sub(common, BASE, "TransportGUID", make_samples.premises_transport_guid(number))
        sub(common, BASE, "UniqueNumber", f"N{number}")
        sub(common, BASE, "UpdateDate", "2026-11-22T12:00:00.000+03:00")
    saved = tmp_path / "house-result.xml"
    saved.write_bytes(etree.tostring(result))
    assert make_samples.main(["--out", str(tmp_path), "--premises-from", str(saved)]) == 0
    accounts = etree.parse(str(tmp_path / "import-account.xml")).getroot()
    assert_valid_under_real_xsd(accounts, real_contract)
    guids = [e.text for e in accounts.iter(f"{{{HM}}}PremisesGUID")]
    assert guids == [guid(f"premises-guid:{n}") for n in (1, 2, 3)]
