"""GOST XAdES-BES signatures in GIS's layout: the real 2022 messages verify, tampering is refused.

The real samples (../shared/gis-samples, via the ``gis_samples`` fixture): two importDSRResponses
requests signed by a client (HCA with CryptoPro, GOST 2012-256) and the getStateResult GIS signed
in reply. Which digest and which canonical form verify each of their references is pinned below:
that is the fact the verifier rests on (issue 21).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
from pathlib import Path

import pytest
from lxml import etree

from hub import ns
from hub.contract.gost import digests, gost3410, issuing
from hub.contract.gost.claim import C14N_10, EXC_C14N, is_gost_signature
from hub.contract.gost.issuing import GostIdentity
from hub.contract.gost.signing import Layout, sign_envelope_gost
from hub.contract.gost.verify import verify_gost, verify_gost_signature
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from testkit.messages import envelope, export_house_body, header_xml

REQUEST_2 = "hcsclientapi_debt-requests_importDSRResponses_request_signed_2.xml"
REQUEST_V13 = "hcsclientapi_debt-requests_importDSRResponses_request_signed_v13.1.1.6.xml"
GIS_RESPONSE = "hcsclientapi_debt-requests_getState_response_signed-by-GIS_importResult-state3.xml"
#: the certificates were valid then (the client's until 2022-12-27, GIS's test one until 2022-07-26)
WHEN = dt.datetime(2022, 7, 20, 12, 0, tzinfo=dt.UTC)
STREEBOG = digests.STREEBOG256_URI
GOST94 = digests.GOSTR3411_94_URI
ORG = "6d3e7b1a-8c2f-4e5d-9a0b-1c2d3e4f5a6b"

#: sample → (kind, canonicalization, digest) of each reference, in SignedInfo order
PINNED = {
    REQUEST_2: [("data", EXC_C14N, STREEBOG), ("properties", C14N_10, GOST94)],
    REQUEST_V13: [("data", EXC_C14N, STREEBOG), ("properties", C14N_10, GOST94)],
    GIS_RESPONSE: [("data", EXC_C14N, STREEBOG), ("properties", EXC_C14N, STREEBOG)],
}
#: one character of signed data changed, per sample
DATA_EDITS = {
    REQUEST_2: ("<actionType>Send<", "<actionType>Sent<"),
    REQUEST_V13: ("<actionType>Send<", "<actionType>Sent<"),
    GIS_RESPONSE: ("<ns4:RequestState>3<", "<ns4:RequestState>2<"),
}
SAMPLES = sorted(PINNED)


def _read(gis_samples: Path, name: str) -> bytes:
    return (gis_samples / name).read_bytes()


def _code(data: bytes, *, now: dt.datetime | None = WHEN) -> str:
    with pytest.raises(HubError) as caught:
        verify_gost_signature(parse_xml(data), now=now)
    return caught.value.spec.code


def _replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) >= 1, old
    return data.replace(old, new, 1)


def _certificate_text(data: bytes) -> bytes:
    match = re.search(rb"<ds:X509Certificate>([^<]+)</ds:X509Certificate>", data)
    assert match
    return match.group(1)


# --- the real samples ---------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("name", SAMPLES)
def test_real_sample_verifies_with_the_pinned_digest_per_reference(gis_samples: Path, name: str) -> None:
    root = parse_xml(_read(gis_samples, name))
    verified = verify_gost_signature(root, now=WHEN)
    assert [(r.kind, r.c14n, r.digest_uri) for r in verified.references] == PINNED[name]
    assert verified.element is root.find(f"{{{ns.SOAP_ENV}}}Body")[0]
    assert verified.signing_time is not None and verified.signing_time.year == 2022
    assert verified.certificate.fingerprint == verified.fingerprint
    assert len(verified.signature_digest) == 64 and len(verified.content_digest) == 64


@pytest.mark.shared
def test_client_properties_reference_is_gost_94_over_inclusive_c14n_and_nothing_else(gis_samples: Path) -> None:
    """The legacy ``…#gostr3411`` URI really is GOST R 34.11-94 (CryptoPro) over C14N 1.0: neither
    Streebog nor exclusive c14n matches, so the verifier's choice is not a lucky default."""
    root = parse_xml(_read(gis_samples, REQUEST_2))
    nsmap = {"ds": ns.DS, "xades": ns.XADES}
    properties = root.find(".//xades:SignedProperties", nsmap)
    reference = root.find(".//ds:Reference[@Type='http://uri.etsi.org/01903#SignedProperties']", nsmap)
    assert properties is not None and reference is not None
    expected = base64.b64decode(reference.findtext("ds:DigestValue", namespaces=nsmap) or "")
    forms = {
        method: etree.tostring(properties, method="c14n", exclusive=method == EXC_C14N)
        for method in (C14N_10, EXC_C14N)
    }
    matches = {
        (method, name)
        for method, octets in forms.items()
        for name, digest in (("gost94", digests.gostr3411_94), ("streebog", digests.streebog256))
        if digest(octets) == expected
    }
    assert matches == {(C14N_10, "gost94")}


@pytest.mark.shared
@pytest.mark.parametrize("name", SAMPLES)
def test_real_sample_certificate_digest_is_streebog_of_the_der(gis_samples: Path, name: str) -> None:
    verified = verify_gost_signature(parse_xml(_read(gis_samples, name)), now=WHEN)
    data = _read(gis_samples, name)
    cert_digest = re.search(rb"<xades:CertDigest>.*?<ds:DigestValue>([^<]+)<", data, re.S)
    assert cert_digest
    assert base64.b64decode(cert_digest.group(1)) == digests.streebog256(verified.certificate.der)


@pytest.mark.shared
@pytest.mark.parametrize("name", SAMPLES)
def test_one_changed_character_of_signed_data_is_refused(gis_samples: Path, name: str) -> None:
    old, new = DATA_EDITS[name]
    assert _code(_replace_once(_read(gis_samples, name), old.encode(), new.encode())) == "AUT900002"


@pytest.mark.shared
@pytest.mark.parametrize("name", SAMPLES)
def test_changed_signing_time_is_refused(gis_samples: Path, name: str) -> None:
    assert _code(_replace_once(_read(gis_samples, name), b"SigningTime>2022-", b"SigningTime>2021-")) == "AUT900002"


@pytest.mark.shared
@pytest.mark.parametrize("name", SAMPLES)
def test_changed_signature_value_is_refused(gis_samples: Path, name: str) -> None:
    data = _read(gis_samples, name)
    match = re.search(rb"<ds:SignatureValue[^>]*>(.)", data)
    assert match
    replacement = b"A" if match.group(1) != b"A" else b"B"
    tampered = data[: match.start(1)] + replacement + data[match.end(1) :]
    assert _code(tampered) == "AUT900002"


@pytest.mark.shared
@pytest.mark.parametrize("name", SAMPLES)
def test_swapped_certificate_is_refused(gis_samples: Path, name: str) -> None:
    data = _read(gis_samples, name)
    other = _read(gis_samples, GIS_RESPONSE if name != GIS_RESPONSE else REQUEST_2)
    tampered = data.replace(_certificate_text(data), _certificate_text(other))
    assert _code(tampered) == "AUT900002"


@pytest.mark.shared
def test_real_sample_with_an_expired_certificate_is_refused_today(gis_samples: Path) -> None:
    assert _code(_read(gis_samples, GIS_RESPONSE), now=None) == "AUT900005"


@pytest.mark.shared
def test_a_client_request_verifies_only_as_parsed_not_after_a_namespace_cleanup(gis_samples: Path) -> None:
    """Why the verifier canonicalizes the tree as parsed: the client's inclusive C14N of SignedInfo
    carries every namespace in scope – the Body's unused ``xsi``/``xsd`` too – so a tree tidied by
    ``cleanup_namespaces`` (as signxml-style signing prepares one) no longer verifies."""
    root = parse_xml(_read(gis_samples, REQUEST_2))
    etree.cleanup_namespaces(root)
    with pytest.raises(HubError) as caught:
        verify_gost_signature(root, now=WHEN)
    assert caught.value.spec.code == "AUT900002"


# --- round trips with the test CA ----------------------------------------------------------------


@functools.cache
def _identity(name: str = "client", curve: str = "A") -> GostIdentity:
    ca = _ca()
    if curve == "512":
        return issuing.issue_certificate(
            ca, common_name=name, curve=gost3410.TC26_512_A, curve_oid="1.2.643.7.1.2.1.2.1"
        )
    return issuing.issue_certificate(ca, common_name=name, organization="ООО «Тест ГОСТ»")


@functools.cache
def _ca() -> GostIdentity:
    return issuing.create_ca("Тестовый УЦ ГОСТ (pytest)")


def _request() -> bytes:
    return envelope(export_house_body(), header_xml(ORG))


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("client", [("data", EXC_C14N, STREEBOG), ("properties", C14N_10, GOST94)]),
        ("gis", [("data", EXC_C14N, STREEBOG), ("properties", EXC_C14N, STREEBOG)]),
    ],
)
def test_round_trip_in_each_layout(layout: Layout, expected: list[tuple[str, str, str]]) -> None:
    identity = _identity()
    moment = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    signed = sign_envelope_gost(_request(), identity, layout=layout, signing_time=moment)
    root = parse_xml(signed)
    verified = verify_gost_signature(root)
    assert [(r.kind, r.c14n, r.digest_uri) for r in verified.references] == expected
    assert verified.fingerprint == identity.fingerprint
    assert verified.signing_time == moment
    signature = root.find(f".//{{{ns.DS}}}Signature")
    assert signature is not None and is_gost_signature(signature)
    method = "REC-xml-c14n-20010315" if layout == "client" else "xml-exc-c14n#"
    assert method.encode() in signed.split(b"<ds:SignatureMethod")[0]


def test_round_trip_with_a_512_bit_key() -> None:
    signed = sign_envelope_gost(_request(), _identity("wide", "512"), layout="gis")
    verified = verify_gost_signature(parse_xml(signed))
    assert {r.digest_uri for r in verified.references} == {digests.STREEBOG512_URI}


def test_content_digest_ignores_the_signature_so_a_re_signed_payload_has_the_same_one() -> None:
    body = export_house_body("c3f7a2d0-1111-2222-3333-444455556666")
    first = verify_gost_signature(
        parse_xml(sign_envelope_gost(envelope(body, header_xml(ORG)), _identity(), layout="client"))
    )
    second = verify_gost_signature(
        parse_xml(sign_envelope_gost(envelope(body, header_xml(ORG)), _identity(), layout="gis"))
    )
    assert first.content_digest == second.content_digest
    assert first.signature_digest != second.signature_digest


def _signed(layout: Layout = "client") -> bytes:
    return sign_envelope_gost(_request(), _identity(), layout=layout)


def test_verify_gost_takes_the_element_and_signature_the_structural_checks_located() -> None:
    """The hub's entry: :func:`hub.contract.signature.inspect_envelope` locates, this verifies."""
    root = parse_xml(_signed("gis"))
    body = root.find(f"{{{ns.SOAP_ENV}}}Body")
    assert body is not None
    element = body[0]
    verified = verify_gost(element, element[0])
    assert verified.element is element
    assert verified.certificate.subject == "O=ООО «Тест ГОСТ»,CN=client"


def test_tampered_round_trip_data_is_refused() -> None:
    assert _code(_signed().replace(b"15.10.0.0", b"15.10.0.1"), now=None) == "AUT900002"


def test_a_certificate_swapped_with_a_signature_remade_by_its_key_fails_the_cert_digest() -> None:
    """The attacker re-signs SignedInfo with their own key and certificate; the signed properties
    still name the victim's certificate (CertDigest), so XAdES-BES refuses it."""
    victim, attacker = _identity(), _identity("attacker")
    root = parse_xml(_signed())
    nsmap = {"ds": ns.DS}
    signature = root.find(".//ds:Signature", nsmap)
    assert signature is not None
    certificate = signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", nsmap)
    assert certificate is not None
    certificate.text = base64.b64encode(attacker.certificate.der).decode()
    signed_info = signature.find("ds:SignedInfo", nsmap)
    value = signature.find("ds:SignatureValue", nsmap)
    assert signed_info is not None and value is not None
    digest = digests.streebog256(etree.tostring(signed_info, method="c14n"))
    value.text = base64.b64encode(gost3410.sign(attacker.curve, attacker.private_key, digest)).decode()
    with pytest.raises(HubError) as caught:
        verify_gost_signature(root)
    assert caught.value.spec.code == "AUT900002"
    assert "CertDigest" in caught.value.detail
    assert victim.fingerprint != attacker.fingerprint


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (
            b"cpxmlsec:algorithms:gostr34102012-gostr34112012-256",
            b"http://www.w3.org/2001/04/xmldsig-more#gostr34102001-gostr3411",
            "AUT900010",
        ),
        (
            b'DigestMethod Algorithm="urn:ietf',
            b'DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1" x="',
            "AUT900010",
        ),
        (b'URI="#signed-data-container"', b'URI="#elsewhere"', "AUT900003"),
        (b'<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>', b"", "AUT900003"),
        (b"<ds:X509Data>", b"<ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate>", "AUT900002"),
    ],
    ids=["gost-2001-method", "sha1-digest", "reference-elsewhere", "no-enveloped-transform", "two-certificates"],
)
def test_unsupported_or_misdirected_signatures_are_refused(old: bytes, new: bytes, code: str) -> None:
    assert _code(_replace_once(_signed(), old, new), now=None) == code


def test_gost_94_is_accepted_for_signed_properties_only() -> None:
    signed = _signed()
    data_digest_method = b'<ds:DigestMethod Algorithm="urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256"/>'
    tampered = _replace_once(signed, data_digest_method, f'<ds:DigestMethod Algorithm="{GOST94}"/>'.encode())
    with pytest.raises(HubError) as caught:
        verify_gost_signature(parse_xml(tampered))
    assert caught.value.spec.code == "AUT900010"
    assert "34.11-94" in caught.value.detail


def test_the_signature_value_is_checked_before_the_data_is_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forged signature costs one SignedInfo check, not a hash of the whole message."""
    tampered = _signed().replace(b"15.10.0.0", b"15.10.0.1")
    match = re.search(rb"<ds:SignatureValue[^>]*>(.)", tampered)
    assert match
    tampered = tampered[: match.start(1)] + (b"A" if match.group(1) != b"A" else b"B") + tampered[match.end(1) :]
    import hub.contract.gost.verify as verify_module

    def fail(*args: object) -> bytes:
        raise AssertionError("the data reference was canonicalized before the signature was checked")

    monkeypatch.setattr(verify_module, "_without_signature", fail)
    assert _code(tampered, now=None) == "AUT900002"
