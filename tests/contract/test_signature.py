"""XAdES signatures: what the hub signs verifies, and every wrapping/tampering trick is refused.

The attack corpus is one table (signxml's habit): a name, how to turn a validly signed envelope
into the attack, and the code the hub must answer with.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.verifier import VerifyResult, XMLVerifier
from signxml.xades.xades import XAdESSignatureConfiguration, XAdESSigner, XAdESVerifier

from hub import ns
from hub.contract import pki
from hub.contract.signature import verify_envelope
from hub.contract.signing import DEFAULT_SIGNED_ID, sign_envelope
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError
from testkit.pki import OTHER_ORG, expired_identity, org_identity
from tests.servers import require

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HUB_SHARED_DIR", REPO.parent / "shared"))
GOST_SAMPLE = SHARED / "gis-samples" / "hcsclientapi_debt-requests_importDSRResponses_request_signed_2.xml"

DS = {"ds": ns.DS, "xades": ns.XADES}
SIG = f"{{{ns.DS}}}Signature"
FIAS_GUID = "c3f7a2d0-1111-2222-3333-444455556666"

ENVELOPE = f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="{ns.SOAP_ENV}" xmlns:base="{ns.BASE}" xmlns:hm="{ns.HOUSE_MANAGEMENT}">
  <soapenv:Header>
    <base:RequestHeader>
      <base:Date>2026-11-22T10:00:00.000+03:00</base:Date>
      <base:MessageGUID>5b0f1a52-3c1e-4b7a-9d1e-2f8f6c9b1a01</base:MessageGUID>
      <base:orgPPAGUID>6d3e7b1a-8c2f-4e5d-9a0b-1c2d3e4f5a6b</base:orgPPAGUID>
    </base:RequestHeader>
  </soapenv:Header>
  <soapenv:Body>
    <hm:exportHouseRequest base:version="15.10.0.0">
      <hm:FIASHouseGuid>{FIAS_GUID}</hm:FIASHouseGuid>
    </hm:exportHouseRequest>
  </soapenv:Body>
</soapenv:Envelope>
""".encode()

#: Shaped like a real HCA request (gis-samples/hcsclientapi_*): default namespaces, unused
#: xsi/xsd declarations on Body – what inclusive c14n of SignedInfo must cope with.
GIS_SHAPED_ENVELOPE = "".join(
    [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<s:Envelope xmlns:s="{ns.SOAP_ENV}"><s:Header>',
        f'<h:RequestHeader xmlns="{ns.BASE}" xmlns:h="{ns.BASE}">',
        "<Date>2026-11-22T10:00:00.4548165+03:00</Date>",
        "<MessageGUID>26be3685-fcf2-4e34-8dcd-63194c463e9c</MessageGUID>",
        "<orgPPAGUID>3a16bc99-3016-42cd-b088-52106be6fa99</orgPPAGUID>",
        "</h:RequestHeader></s:Header>",
        '<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
        '<exportHouseRequest Id="signed-data-container" p5:version="15.10.0.0" ',
        f'xmlns:p5="{ns.BASE}" xmlns="{ns.HOUSE_MANAGEMENT}">',
        f"<FIASHouseGuid>{FIAS_GUID}</FIASHouseGuid></exportHouseRequest>",
        "</s:Body></s:Envelope>",
    ]
).encode()


def code_of(data: bytes) -> str:
    with pytest.raises(HubError) as info:
        verify_envelope(parse_xml(data))
    return info.value.code


def body_element(root: etree._Element) -> etree._Element:
    body = root.find(f"{{{ns.SOAP_ENV}}}Body")
    assert body is not None
    return body[0]


def find(root: etree._Element, path: str) -> etree._Element:
    node = root.find(path, {**DS, "hm": ns.HOUSE_MANAGEMENT, "base": ns.BASE, "soapenv": ns.SOAP_ENV})
    assert node is not None, path
    return node


def signed(kind: pki.KeyKind = "rsa") -> bytes:
    return _signed_cache(kind)


_CACHE: dict[str, bytes] = {}


def _signed_cache(kind: pki.KeyKind) -> bytes:
    if kind not in _CACHE:
        _CACHE[kind] = sign_envelope(ENVELOPE, org_identity(kind=kind))
    return _CACHE[kind]


def signed_by_signxml() -> bytes:
    if "signxml" not in _CACHE:
        _CACHE["signxml"] = signxml_sign(org_identity())
    return _CACHE["signxml"]


#: The two layouts the attack corpus runs against: ours (GIS's response layout) and signxml's.
LAYOUTS: dict[str, Callable[[], bytes]] = {"hub": signed, "signxml": signed_by_signxml}


class LegacySigner(XAdESSigner):
    """signxml refuses SHA-1 unless told otherwise (its documented way: override this check)."""

    def check_deprecated_methods(self) -> None:
        pass


def signxml_sign(
    identity: pki.SigningIdentity,
    *,
    reference_uri: str = f"#{DEFAULT_SIGNED_ID}",
    method: SignatureMethod = SignatureMethod.RSA_SHA256,
    digest: DigestAlgorithm = DigestAlgorithm.SHA256,
    extra_header_id: str | None = None,
) -> bytes:
    """signxml's own XAdES layout (three references), with any signxml parameters (weak/odd cases)."""
    root = parse_xml(ENVELOPE)
    element = body_element(root)
    element.set("Id", DEFAULT_SIGNED_ID)
    if extra_header_id:
        header = find(root, "soapenv:Header/base:RequestHeader")
        header.set("Id", extra_header_id)
    element.insert(0, etree.Element(SIG, {"Id": "placeholder"}, nsmap={"ds": ns.DS}))
    root = parse_xml(etree.tostring(root))
    signer = LegacySigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=method,
        digest_algorithm=digest,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    result = signer.sign(
        root,
        key=identity.private_key,
        cert=[identity.certificate],
        reference_uri=reference_uri,
        always_add_key_value=False,
    )
    return bytes(etree.tostring(result, xml_declaration=True, encoding="UTF-8"))


# --- round trip ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_signed_envelope_verifies_and_returns_the_in_tree_element(kind: pki.KeyKind) -> None:
    identity = org_identity(kind=kind)
    data = signed(kind)
    root = parse_xml(data)

    verified = verify_envelope(root)

    assert verified.element is body_element(root)
    assert verified.element.get("Id") == DEFAULT_SIGNED_ID
    assert verified.element[0].tag == SIG
    assert verified.certificate == identity.certificate
    assert verified.fingerprint == pki.fingerprint(identity.certificate) == identity.fingerprint
    assert verified.signing_time is not None
    assert abs(verified.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    # sourceline is the client's line: the Body element is on line 11 of what was sent.
    lines = data.decode().splitlines()
    element_line = verified.element.sourceline
    assert isinstance(element_line, int)
    assert "exportHouseRequest" in lines[element_line - 1]
    guid = find(verified.element, "hm:FIASHouseGuid")
    assert guid.text == FIAS_GUID
    assert isinstance(guid.sourceline, int)
    assert "FIASHouseGuid" in lines[guid.sourceline - 1]


def test_signature_is_first_child_and_keeps_an_existing_id() -> None:
    envelope = ENVELOPE.replace(b'base:version="15.10.0.0"', b'base:version="15.10.0.0" Id="foo"')
    root = parse_xml(sign_envelope(envelope, org_identity()))
    element = body_element(root)
    assert element.get("Id") == "foo"
    assert element[0].tag == SIG
    assert verify_envelope(root).element is element


@pytest.mark.parametrize("kind", ["rsa", "ec"])
@pytest.mark.parametrize("envelope", [GIS_SHAPED_ENVELOPE, ENVELOPE], ids=["gis-shaped", "prefixed"])
def test_signxml_own_xades_verifier_accepts_what_we_sign(kind: pki.KeyKind, envelope: bytes) -> None:
    """The signer is ours; the proof is signxml's: its XAdES verifier (signed properties and the
    SigningCertificate digest included) accepts the bytes, and so does ours."""
    identity = org_identity(kind=kind)
    data = sign_envelope(envelope, identity)

    results = XAdESVerifier().verify(
        data, x509_cert=identity.certificate, expect_config=XAdESSignatureConfiguration(expect_references=2)
    )

    assert isinstance(results, list)
    assert len(results) == 2
    signed_xml = results[0].signed_xml
    assert signed_xml is not None
    assert find(signed_xml, ".//hm:FIASHouseGuid").text == FIAS_GUID
    assert verify_envelope(parse_xml(data)).fingerprint == identity.fingerprint


def test_what_we_sign_has_the_gis_response_layout() -> None:
    """GIS-FACTS §3: SignedInfo and both references in exclusive C14N, KeyInfo with an Id,
    SigningCertificate with the certificate's SHA-256 digest, issuer and decimal serial."""
    identity = org_identity()
    signature = find(parse_xml(signed()), ".//ds:Signature")
    signed_info = find(signature, "ds:SignedInfo")
    assert find(signed_info, "ds:CanonicalizationMethod").get("Algorithm") == EXC_C14N
    data_ref, props_ref = signed_info.findall("ds:Reference", DS)
    assert data_ref.get("URI") == f"#{DEFAULT_SIGNED_ID}"
    assert [t.get("Algorithm") for t in data_ref.iterfind("ds:Transforms/ds:Transform", DS)] == [ENVELOPED, EXC_C14N]
    assert props_ref.get("Type") == SIGNED_PROPERTIES
    assert [t.get("Algorithm") for t in props_ref.iterfind("ds:Transforms/ds:Transform", DS)] == [EXC_C14N]
    props_id = (props_ref.get("URI") or "#")[1:]
    assert find(signature, ".//xades:SignedProperties").get("Id") == props_id
    assert find(signature, "ds:KeyInfo").get("Id")
    cert = find(signature, ".//xades:SigningCertificate/xades:Cert")
    der = identity.certificate.public_bytes(Encoding.DER)
    assert find(cert, "xades:CertDigest/ds:DigestValue").text == _b64_sha256(der)
    assert find(cert, "xades:IssuerSerial/ds:X509SerialNumber").text == str(identity.certificate.serial_number)
    assert find(cert, "xades:IssuerSerial/ds:X509IssuerName").text == identity.certificate.issuer.rfc4514_string()


def test_signing_an_already_signed_element_is_refused() -> None:
    with pytest.raises(ValueError, match="already signed"):
        sign_envelope(signed(), org_identity())


def test_expired_certificate_is_refused() -> None:
    data = sign_envelope(ENVELOPE, expired_identity())
    assert code_of(data) == "AUT900005"


def test_verification_time_can_be_given() -> None:
    identity = expired_identity()
    data = sign_envelope(ENVELOPE, identity)
    then = identity.certificate.not_valid_before_utc + dt.timedelta(days=1)
    assert verify_envelope(parse_xml(data), now=then).certificate == identity.certificate


# --- attack corpus --------------------------------------------------------------------------------

Mutation = Callable[[etree._Element], None]


def _tamper_text(root: etree._Element) -> None:
    find(root, ".//hm:FIASHouseGuid").text = "00000000-0000-0000-0000-000000000000"


def _tamper_attribute(root: etree._Element) -> None:
    body_element(root).set(f"{{{ns.BASE}}}version", "11.0.0.1")


def _move_to_header(root: etree._Element) -> None:
    """Signed element into the Header; a forged, unsigned request in the Body."""
    element = body_element(root)
    body = element.getparent()
    assert body is not None
    find(root, "soapenv:Header").append(element)
    forged = etree.SubElement(body, f"{{{ns.HOUSE_MANAGEMENT}}}exportHouseRequest")
    etree.SubElement(forged, f"{{{ns.HOUSE_MANAGEMENT}}}FIASHouseGuid").text = "forged"


def _move_to_header_forged_keeps_id(root: etree._Element) -> None:
    _move_to_header(root)
    body_element(root).set("Id", DEFAULT_SIGNED_ID)


def _nest_in_forged(root: etree._Element) -> None:
    """A forged Body element (with its own Id) that carries the signed element inside it."""
    element = body_element(root)
    body = element.getparent()
    assert body is not None
    forged = etree.Element(f"{{{ns.HOUSE_MANAGEMENT}}}exportHouseRequest", {"Id": "forged"})
    etree.SubElement(forged, f"{{{ns.HOUSE_MANAGEMENT}}}FIASHouseGuid").text = "forged"
    body.replace(element, forged)
    forged.append(element)


def _duplicate_id(root: etree._Element) -> None:
    find(root, "soapenv:Header/base:RequestHeader").set("Id", DEFAULT_SIGNED_ID)


def _duplicate_id_other_namespace(root: etree._Element) -> None:
    wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    find(root, "soapenv:Header/base:RequestHeader").set(f"{{{wsu}}}Id", DEFAULT_SIGNED_ID)


def _second_signature(root: etree._Element) -> None:
    find(root, "soapenv:Header").append(copy.deepcopy(find(root, ".//ds:Signature")))


def _signature_not_first(root: etree._Element) -> None:
    element = body_element(root)
    element.append(element[0])


def _signature_in_header_only(root: etree._Element) -> None:
    find(root, "soapenv:Header").append(find(root, ".//ds:Signature"))


def _comment_in_value(root: etree._Element) -> None:
    guid = find(root, ".//hm:FIASHouseGuid")
    value = guid.text or ""
    guid.text = value[:9]
    comment = etree.Comment("x")
    comment.tail = value[9:]
    guid.append(comment)


def _remove_certificate(root: etree._Element) -> None:
    data = find(root, ".//ds:KeyInfo/ds:X509Data")
    parent = data.getparent()
    assert parent is not None
    parent.remove(data)


def _substitute_certificate(root: etree._Element) -> None:
    other = org_identity(OTHER_ORG)
    node = find(root, ".//ds:X509Certificate")
    node.text = base64.b64encode(other.certificate.public_bytes(Encoding.DER)).decode()


def _tamper_signing_time(root: etree._Element) -> None:
    find(root, ".//xades:SigningTime").text = "2001-01-01T00:00:00Z"


ATTACKS: dict[str, tuple[Mutation, str]] = {
    "tampered-text": (_tamper_text, "AUT900002"),
    "tampered-attribute": (_tamper_attribute, "AUT900002"),
    "tampered-signing-time": (_tamper_signing_time, "AUT900002"),
    "moved-into-header-forged-body": (_move_to_header, "AUT900003"),
    "moved-into-header-forged-body-same-id": (_move_to_header_forged_keeps_id, "AUT900003"),
    "nested-inside-forged-body-element": (_nest_in_forged, "AUT900003"),
    "duplicate-id-in-header": (_duplicate_id, "AUT900003"),
    "duplicate-id-other-namespace": (_duplicate_id_other_namespace, "AUT900003"),
    "second-signature": (_second_signature, "AUT900003"),
    "signature-not-first-child": (_signature_not_first, "AUT900003"),
    "signature-in-header-only": (_signature_in_header_only, "AUT900003"),
    "comment-inside-signed-value": (_comment_in_value, "AUT900003"),
    "certificate-removed": (_remove_certificate, "AUT900002"),
    "certificate-substituted": (_substitute_certificate, "AUT900002"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_refused_with_its_code(name: str, layout: str) -> None:
    mutate, code = ATTACKS[name]
    root = parse_xml(LAYOUTS[layout]())
    mutate(root)
    assert code_of(etree.tostring(root)) == code


def test_unsigned_envelope_is_refused() -> None:
    assert code_of(ENVELOPE) == "AUT900001"


def test_reference_to_another_id_is_refused() -> None:
    """A valid signature over the Header (Id="hdr"), placed in the Body element: not the Body signed."""
    data = signxml_sign(org_identity(), reference_uri="#hdr", extra_header_id="hdr")
    assert code_of(data) == "AUT900003"


def test_rsa_1024_is_refused_as_unsupported_algorithm() -> None:
    data = sign_envelope(ENVELOPE, org_identity(rsa_key_size=1024))
    assert code_of(data) == "AUT900010"


def test_sha1_signature_method_is_refused() -> None:
    data = signxml_sign(org_identity(), method=SignatureMethod.RSA_SHA1, digest=DigestAlgorithm.SHA1)
    assert code_of(data) == "AUT900010"


def test_sha1_digest_is_refused() -> None:
    data = signxml_sign(org_identity(), digest=DigestAlgorithm.SHA1)
    assert code_of(data) == "AUT900010"


def test_a_real_gost_request_verifies_through_the_one_signature_check() -> None:
    require(
        GOST_SAMPLE.is_file(),
        f"the real GIS samples are not at {SHARED} (../shared is only in the workspace)",
    )
    root = parse_xml(GOST_SAMPLE.read_bytes())
    signing_time = root.findtext(".//xades:SigningTime", namespaces=DS)
    assert signing_time
    then = dt.datetime.fromisoformat(signing_time)
    verified = verify_envelope(root, now=then)
    assert verified.signing_time == then
    assert verified.fingerprint == pki.fingerprint(verified.certificate)
    with pytest.raises(HubError) as info:  # its certificate has expired since 2022
        verify_envelope(parse_xml(GOST_SAMPLE.read_bytes()))
    assert info.value.code == "AUT900005"


def test_comment_injection_is_not_a_digest_mismatch_but_is_refused() -> None:
    """Why the comment rule exists: c14n without comments drops them, so the digest still matches,
    and lxml's ``.text`` then stops at the comment – the hub would read a value nobody signed."""
    identity = org_identity()
    root = parse_xml(signed())
    _comment_in_value(root)
    data = etree.tostring(root)

    results = XMLVerifier().verify(
        data,
        x509_cert=identity.certificate,
        expect_config=XAdESSignatureConfiguration(expect_references=2),
    )
    assert isinstance(results, list)
    signed_xml = results[0].signed_xml
    assert signed_xml is not None
    signed_value = find(signed_xml, ".//hm:FIASHouseGuid").text
    assert signed_value == FIAS_GUID  # what was signed
    assert find(parse_xml(data), ".//hm:FIASHouseGuid").text == FIAS_GUID[:9]  # what .text says

    with pytest.raises(HubError) as info:
        verify_envelope(parse_xml(data))
    assert info.value.code == "AUT900003"
    assert "комментарии внутри подписанного элемента запрещены" in info.value.message


def test_processing_instruction_inside_signed_element_is_refused() -> None:
    root = parse_xml(signed())
    find(root, ".//hm:FIASHouseGuid").append(etree.ProcessingInstruction("x", "y"))
    assert code_of(etree.tostring(root)) == "AUT900003"


# --- the GIS layout ---------------------------------------------------------------------------------

C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SIGNED_PROPERTIES = "http://uri.etsi.org/01903#SignedProperties"


def _ds(parent: etree._Element, local: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns.DS}}}{local}", attrib)
    node.text = text
    return node


def _xades(parent: etree._Element, local: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns.XADES}}}{local}", attrib)
    node.text = text
    return node


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def gis_sign(
    envelope: bytes,
    identity: pki.SigningIdentity,
    *,
    signed_info_c14n: str = C14N_10,
    properties_transform: str | None = None,
) -> bytes:
    """Sign the way GIS and its client (HCA XadesSignedXmlHelper) do, without signxml.

    Two references: the element (enveloped + exc-c14n), the SignedProperties (no transforms, so
    C14N 1.0; GIS's own responses add an exc-c14n transform); SignedInfo in C14N 1.0.
    """
    root = parse_xml(envelope)
    element = body_element(root)
    element_id = element.get("Id") or DEFAULT_SIGNED_ID
    element.set("Id", element_id)
    sig_id = f"xmldsig-{uuid.uuid4()}"
    cert = identity.certificate

    signature = etree.Element(f"{{{ns.DS}}}Signature", {"Id": sig_id}, nsmap={"ds": ns.DS})
    signed_info = _ds(signature, "SignedInfo")
    _ds(signed_info, "CanonicalizationMethod", Algorithm=signed_info_c14n)
    _ds(signed_info, "SignatureMethod", Algorithm=RSA_SHA256)
    data_ref = _ds(signed_info, "Reference", Id=f"{sig_id}-ref0", URI=f"#{element_id}")
    transforms = _ds(data_ref, "Transforms")
    _ds(transforms, "Transform", Algorithm=ENVELOPED)
    _ds(transforms, "Transform", Algorithm=EXC_C14N)
    _ds(data_ref, "DigestMethod", Algorithm=SHA256)
    _ds(data_ref, "DigestValue")
    props_ref = _ds(signed_info, "Reference", URI=f"#{sig_id}-signedprops", Type=SIGNED_PROPERTIES)
    if properties_transform:
        _ds(_ds(props_ref, "Transforms"), "Transform", Algorithm=properties_transform)
    _ds(props_ref, "DigestMethod", Algorithm=SHA256)
    _ds(props_ref, "DigestValue")
    _ds(signature, "SignatureValue", Id=f"{sig_id}-sigvalue")
    key_info = _ds(signature, "KeyInfo")
    der = cert.public_bytes(Encoding.DER)
    _ds(_ds(key_info, "X509Data"), "X509Certificate", base64.b64encode(der).decode())
    obj = _ds(signature, "Object")
    qualifying = etree.SubElement(
        obj, f"{{{ns.XADES}}}QualifyingProperties", {"Target": f"#{sig_id}"}, nsmap={"xades": ns.XADES}
    )
    props = _xades(qualifying, "SignedProperties", Id=f"{sig_id}-signedprops")
    ssp = _xades(props, "SignedSignatureProperties")
    _xades(ssp, "SigningTime", "2026-11-22T10:00:00.4548165+03:00")
    cert_node = _xades(_xades(ssp, "SigningCertificate"), "Cert")
    digest = _xades(cert_node, "CertDigest")
    _ds(digest, "DigestMethod", Algorithm=SHA256)
    _ds(digest, "DigestValue", base64.b64encode(cert.fingerprint(hashes.SHA256())).decode())
    issuer_serial = _xades(cert_node, "IssuerSerial")
    _ds(issuer_serial, "X509IssuerName", cert.issuer.rfc4514_string())
    _ds(issuer_serial, "X509SerialNumber", str(cert.serial_number))

    signature.tail = element.text
    element.text = None
    element.insert(0, signature)
    # What a client sends is bytes: digest in the tree the server will parse.
    root = parse_xml(etree.tostring(root))
    element = body_element(root)
    signature = element[0]

    without_signature = copy.deepcopy(element)
    without_signature.text = (without_signature.text or "") + (without_signature[0].tail or "")
    without_signature.remove(without_signature[0])
    data_c14n = etree.tostring(without_signature, method="c14n", exclusive=True)
    find(signature, "ds:SignedInfo/ds:Reference[1]/ds:DigestValue").text = _b64_sha256(data_c14n)

    props = find(signature, ".//xades:SignedProperties")
    props_c14n = etree.tostring(props, method="c14n", exclusive=properties_transform == EXC_C14N)
    find(signature, "ds:SignedInfo/ds:Reference[2]/ds:DigestValue").text = _b64_sha256(props_c14n)

    signed_info = find(signature, "ds:SignedInfo")
    signed_info_bytes = etree.tostring(signed_info, method="c14n", exclusive=signed_info_c14n == EXC_C14N)
    key = identity.private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    value = key.sign(signed_info_bytes, padding.PKCS1v15(), hashes.SHA256())
    find(signature, "ds:SignatureValue").text = base64.b64encode(value).decode()
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


GIS_VARIANTS: dict[str, dict[str, str]] = {
    "hca-request": {"signed_info_c14n": C14N_10},
    "gis-response": {"signed_info_c14n": EXC_C14N, "properties_transform": EXC_C14N},
}


@pytest.mark.parametrize("variant", sorted(GIS_VARIANTS))
@pytest.mark.parametrize("envelope", [GIS_SHAPED_ENVELOPE, ENVELOPE], ids=["gis-shaped", "prefixed"])
def test_gis_layout_is_accepted(variant: str, envelope: bytes) -> None:
    identity = org_identity()
    root = parse_xml(gis_sign(envelope, identity, **GIS_VARIANTS[variant]))

    verified = verify_envelope(root)

    assert verified.element is body_element(root)
    assert verified.fingerprint == identity.fingerprint
    assert verified.signing_time == dt.datetime(2026, 11, 22, 10, 0, 0, 454816, dt.timezone(dt.timedelta(hours=3)))


@pytest.mark.parametrize(
    "mutate",
    [_tamper_text, _tamper_attribute, _tamper_signing_time],
    ids=["text", "attribute", "signing-time"],
)
def test_gis_layout_tampered_is_refused(mutate: Mutation) -> None:
    root = parse_xml(gis_sign(GIS_SHAPED_ENVELOPE, org_identity()))
    mutate(root)
    assert code_of(etree.tostring(root)) == "AUT900002"


def test_gis_layout_moved_into_header_is_refused() -> None:
    root = parse_xml(gis_sign(ENVELOPE, org_identity()))
    _move_to_header_forged_keeps_id(root)
    assert code_of(etree.tostring(root)) == "AUT900003"


# --- pki helpers -------------------------------------------------------------------------------------


def test_identity_from_pem_files_is_cached_and_reloaded_on_change(tmp_path: Path) -> None:
    identity = org_identity()
    key_path, cert_path = tmp_path / "a.key", tmp_path / "a.pem"
    pki.write_pem_files(identity, key_path, cert_path)

    first = pki.SigningIdentity.from_pem_files(key_path, cert_path)
    assert first.certificate == identity.certificate
    assert pki.SigningIdentity.from_pem_files(key_path, cert_path) is first

    other = org_identity(OTHER_ORG)
    pki.write_pem_files(other, key_path, cert_path)
    os.utime(key_path, ns=(1, 1))
    os.utime(cert_path, ns=(2, 2))
    assert pki.SigningIdentity.from_pem_files(key_path, cert_path).certificate == other.certificate


def test_fingerprint_is_sha256_of_der() -> None:
    cert = org_identity().certificate
    der = cert.public_bytes(Encoding.DER)
    assert pki.fingerprint(cert) == hashlib.sha256(der).hexdigest()
    assert pki.load_certificate(der) == pki.load_certificate(org_identity().certificate_pem) == cert


def test_signed_data_differing_from_the_in_tree_element_is_refused() -> None:
    """The last line of defence: what signxml reports as signed must be the Body element itself."""
    from hub.contract.xmldsig import prove_signed_is_in_tree

    root = parse_xml(signed())
    element = body_element(root)
    forged = parse_xml(b'<hm:exportHouseRequest xmlns:hm="' + ns.HOUSE_MANAGEMENT.encode() + b'" Id="x"/>')
    result = VerifyResult(b"", forged, element[0], b"")
    with pytest.raises(HubError) as info:
        prove_signed_is_in_tree(element, element[0], result)
    assert info.value.code == "AUT900003"


def test_content_digest_ignores_the_signature_and_sees_every_value() -> None:
    """Duplicate detection: a re-signed payload keeps its digest; any changed value changes it."""
    identity = org_identity()
    first = verify_envelope(parse_xml(sign_envelope(ENVELOPE, identity)))
    again = verify_envelope(parse_xml(sign_envelope(ENVELOPE, identity)))
    assert first.content_digest == again.content_digest
    unsigned = copy.deepcopy(first.element)
    signature = unsigned[0]
    assert signature.tag == SIG
    # The enveloped transform keeps the Signature's tail: it becomes the element's text.
    unsigned.text = (unsigned.text or "") + (signature.tail or "")
    unsigned.remove(signature)
    expected = hashlib.sha256(etree.tostring(unsigned, method="c14n", exclusive=True)).hexdigest()
    assert first.content_digest == expected
    changed = verify_envelope(
        parse_xml(sign_envelope(ENVELOPE.replace(FIAS_GUID.encode(), str(uuid.uuid4()).encode()), identity))
    )
    assert changed.content_digest != first.content_digest
