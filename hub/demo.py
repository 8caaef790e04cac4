"""The demo: an embedded hub with demo organizations, certificates and data, ready to try.

Uses the committed, clearly test-only demo PKI in ``samples/demo-pki`` (so committed signed
samples verify) and fixed demo identities, registered idempotently on every start.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from hub.composition import Hub
from hub.config import Settings, load_settings
from hub.contract import pki
from hub.contract.operations import SERVICES
from hub.services.identity import hash_password

REPO = Path(__file__).resolve().parent.parent
DEMO_PKI = REPO / "samples" / "demo-pki"

DEMO_ORG_PPAGUID = "1d7a2c5e-8f4b-4c3d-9e2a-0000000d0e01"
DEMO_OTHER_PPAGUID = "1d7a2c5e-8f4b-4c3d-9e2a-0000000d0e02"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo's published test credential

ORGS = (
    (DEMO_ORG_PPAGUID, "ООО «Демо УК»", "1027700000001", "7700000001", "770001001", "demo-org.pem"),
    (DEMO_OTHER_PPAGUID, "ООО «Другая УК»", "1027700000002", "7700000002", "770001001", "demo-other-org.pem"),
)


def settings(data_dir: Path) -> Settings:
    """Embedded settings whose hub signing identity is the demo one."""
    return load_settings(
        data_dir=data_dir,
        signing_key_path=DEMO_PKI / "hub.key",
        signing_cert_path=DEMO_PKI / "hub.pem",
    )


def _register_certificate(hub: Hub, path: Path, org_ids: list[int], operator: bool) -> None:
    certificate = pki.load_certificate(path.read_bytes())
    fingerprint = pki.fingerprint(certificate)
    if hub.directory.certificate(fingerprint) is not None:
        return
    hub.directory.add_certificate(
        fingerprint=fingerprint,
        organization_id=None if operator else org_ids[0],
        is_operator=operator,
        subject=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        pem=certificate.public_bytes(Encoding.PEM).decode(),
        operator_for=org_ids if operator else [],
        actor="demo",
    )


def prepare(hub: Hub) -> list[str]:
    """Register the demo identities (idempotent); return the lines to print."""
    ids = []
    for ppaguid, name, ogrn, inn, kpp, cert_file in ORGS:
        org = hub.directory.organization_by_ppaguid(ppaguid)
        if org is None:
            org = hub.directory.add_organization(
                ppaguid=ppaguid,
                name=name,
                ogrn=ogrn,
                inn=inn,
                kpp=kpp,
                roles=["УО"],
                password_hash=hash_password(DEMO_PASSWORD),
                actor="demo",
            )
        _register_certificate(hub, DEMO_PKI / cert_file, [org.id], operator=False)
        ids.append(org.id)
    _register_certificate(hub, DEMO_PKI / "demo-operator.pem", ids, operator=True)
    lines = ["zhkh-hub demo (embedded: SQLite + in-process worker)", f"  data: {hub.settings.data_dir}"]
    for service in SERVICES:
        lines.append(f"  {service.port}: {{base}}{service.path}   WSDL: {{base}}{service.path}?wsdl")
    lines += [
        "  hub certificate: {base}/hub/certificate.pem",
        f"  demo organization: orgPPAGUID {DEMO_ORG_PPAGUID}, HTTP Basic password {DEMO_PASSWORD}",
        f"  demo signing key/cert: {DEMO_PKI}/demo-org.key, demo-org.pem (test-only)",
        "  services index: {base}/",
    ]
    return lines
