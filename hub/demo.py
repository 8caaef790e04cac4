"""The demo: an embedded hub with demo organizations, certificates and data, ready to try.

Uses the committed, clearly test-only demo PKI in ``samples/demo-pki`` (so committed signed
samples verify) and fixed demo identities, registered idempotently on every start.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from hub import ns
from hub.composition import Hub
from hub.config import Settings, load_settings
from hub.contract import pki, signing
from hub.contract.registry import resolve
from hub.contract.xmlparse import parse_xml
from hub.domain.messages import RequestState
from hub.services.identity import TransportCredentials, hash_password
from hub.soap import handling
from hub.soap.app import soap_ports

REPO = Path(__file__).resolve().parent.parent
DEMO_PKI = REPO / "samples" / "demo-pki"

DEMO_ORG_PPAGUID = "1d7a2c5e-8f4b-4c3d-9e2a-0000000d0e01"
DEMO_OTHER_PPAGUID = "1d7a2c5e-8f4b-4c3d-9e2a-0000000d0e02"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo's published test credential
SAMPLES = REPO / "samples" / "requests"
#: Sample data loaded on first start, in order, through the same pipeline clients use.
#: the demo's story, in order (the accounts live in the house); each file is its operation's
#: registered sample
SAMPLE_IMPORTS = ("importHouseUOData", "importAccountData")

ORGS = (
    (DEMO_ORG_PPAGUID, "ООО «Демо УК»", "1027700000001", "7700000001", "770001001", "demo-org.pem"),
    (DEMO_OTHER_PPAGUID, "ООО «Другая УК»", "1027700000002", "7700000002", "770001001", "demo-other-org.pem"),
)


def environment(data_dir: Path) -> dict[str, str]:
    """The ``HUB_*`` variables of the demo: its data dir and the demo hub signing identity.

    As variables, because the processes ``hub demo`` serves with read their settings from the
    environment (``hub.serving``), like those of ``hub serve``.
    """
    return {
        "HUB_DATA_DIR": str(data_dir.resolve()),
        "HUB_SIGNING_KEY": str(DEMO_PKI / "hub.key"),
        "HUB_SIGNING_CERT": str(DEMO_PKI / "hub.pem"),
    }


def settings(data_dir: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Embedded settings whose hub signing identity is the demo one (other ``HUB_*`` variables
    of ``environ``, default the process's, still apply)."""
    return load_settings({**(os.environ if environ is None else environ), **environment(data_dir)})


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
    for service in hub.registry.services:
        lines.append(f"  {service.port}: {{base}}{service.path}   WSDL: {{base}}{service.path}?wsdl")
    lines += [
        "  hub certificate: {base}/hub/certificate.pem",
        f"  demo organization: orgPPAGUID {DEMO_ORG_PPAGUID}, HTTP Basic password {DEMO_PASSWORD}",
        f"  demo signing key/cert: {DEMO_PKI}/demo-org.key, demo-org.pem (test-only)",
        "  services index: {base}/",
        f"  admin commands on this data: hub org list --data-dir {hub.settings.data_dir}"
        f" (or HUB_DATA_DIR={hub.settings.data_dir})",
    ]
    return lines


def _signed_request(body_file: Path, identity: pki.SigningIdentity) -> bytes:
    """The sample's Body element in a fresh envelope, signed by the demo organization."""
    envelope = etree.Element(ns.qname(ns.SOAP_ENV, "Envelope"), nsmap={"soapenv": ns.SOAP_ENV, "base": ns.BASE})
    header = etree.SubElement(envelope, ns.qname(ns.SOAP_ENV, "Header"))
    request_header = etree.SubElement(header, ns.qname(ns.BASE, "RequestHeader"))
    etree.SubElement(request_header, ns.qname(ns.BASE, "Date")).text = datetime.now(UTC).isoformat()
    etree.SubElement(request_header, ns.qname(ns.BASE, "MessageGUID")).text = str(uuid.uuid4())
    etree.SubElement(request_header, ns.qname(ns.BASE, "orgPPAGUID")).text = DEMO_ORG_PPAGUID
    body = etree.SubElement(envelope, ns.qname(ns.SOAP_ENV, "Body"))
    body.append(parse_xml(body_file.read_bytes()))
    return signing.sign_envelope(etree.tostring(envelope), identity)


def demo_house_guid() -> str:
    request = parse_xml((SAMPLES / "export-house.xml").read_bytes())
    return (request.findtext(ns.qname(ns.HOUSE_MANAGEMENT, "FIASHouseGuid")) or "").strip().lower()


def load_sample_data(hub: Hub, *, timeout: float = 60.0) -> list[str]:
    """On first start: import the sample house and accounts as the demo organization would.

    Needs a running worker (``hub demo`` starts it first). Idempotent: skipped when the demo
    house is already in the registry.
    """
    with hub.store.reading() as conn:
        housing = resolve(hub.registry.provided()["housing"])  # the houses area's lookup port
        if housing(conn).find(demo_house_guid()) is not None:
            return ["  sample data: already loaded"]
    identity = pki.SigningIdentity.from_pem_files(DEMO_PKI / "demo-org.key", DEMO_PKI / "demo-org.pem")
    lines = []
    ports = soap_ports(hub)
    for name in SAMPLE_IMPORTS:
        operation = hub.registry.operation(name)
        assert operation is not None and operation.sample is not None, name
        file_name = operation.sample
        answer = handling.handle(
            ports,
            operation.service,
            _signed_request(SAMPLES / file_name, identity),
            soap_action=operation.soap_action,
            credentials=TransportCredentials(),
        )
        if answer.status != 200:
            raise RuntimeError(f"demo sample {file_name} was refused: {answer.body[:500]!r}")
        guid = parse_xml(answer.body).findtext(f".//{{{ns.BASE}}}Ack/{{{ns.BASE}}}MessageGUID") or ""
        deadline = time.monotonic() + timeout
        while (entry := hub.inbox.find(guid)) is None or entry.state != RequestState.PROCESSED:
            if time.monotonic() > deadline:
                raise RuntimeError(f"demo sample {file_name} was not processed in {timeout} s")
            time.sleep(0.05)
        lines.append(f"  sample data: {name} {file_name} processed (MessageGUID {guid})")
    return lines
