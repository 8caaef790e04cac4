"""Verification of GIS-layout XAdES-BES signatures made with GOST R 34.10-2012.

The layout (GIS-FACTS §3; the real 2022 samples in tests/contract/test_gost.py): ``ds:Signature``
first child of the signed element; a data reference (enveloped + exclusive c14n, Streebog-256);
a SignedProperties reference, which real clients digest with GOST R 34.11-94 over inclusive
C14N 1.0 (no transforms, legacy URI ``…#gostr3411``) and GIS with Streebog over exclusive c14n
(explicit transform); SignedInfo in C14N 1.0 (clients) or exclusive c14n (GIS); the certificate in
``KeyInfo``; SigningTime and CertDigest (Streebog-256 of the DER) in the signed properties.

Why not signxml: it knows no GOST algorithm, and for this layout it re-serializes the document per
reference. Everything here is canonicalized where it stands in the parsed tree – SignedInfo with
the namespaces it inherits from the envelope, which is what a client's inclusive C14N signed – so
the bytes verified are the bytes received; only the data reference works on a copy of the
element, to drop the signature as the enveloped transform says without touching the tree.

Order of work: the certificate's validity, then the SignatureValue over SignedInfo (≈ 4 ms), then
the small references, then the data reference – the one whose cost grows with the message (with
the pure-Python Streebog ≈ 2 s per MB) – so a forged signature costs milliseconds, not seconds.

Errors use the codes of the RSA path (:mod:`hub.contract.signature`): ``AUT900002`` a value does
not match, ``AUT900003`` a reference points elsewhere, ``AUT900005`` the certificate is not valid
at ``now``, ``AUT900008`` an unreadable SigningTime, ``AUT900010`` an algorithm the hub lacks.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from lxml import etree

from hub import ns
from hub.contract.gost import digests, gost3410
from hub.contract.gost.certificate import GostCertificate
from hub.contract.gost.claim import EXC_C14N, SIGNATURE_METHODS, GostClaim, GostReference, Kind, read_claim
from hub.contract.xmltree import body_element, remove_keeping_tail
from hub.errors import E, HubError

_NSMAP = {"ds": ns.DS, "xades": ns.XADES}
_SIGNATURE = ns.qname(ns.DS, "Signature")
_FRACTION = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class VerifiedReference:
    """Which digest over which canonical form matched one reference (what the tests pin)."""

    uri: str
    kind: Kind
    c14n: str
    digest_uri: str


@dataclass(frozen=True)
class GostVerified:
    """What a valid GOST signature proves: this in-tree element was signed with this certificate."""

    element: etree._Element
    certificate: GostCertificate
    signing_time: dt.datetime | None
    #: SHA-256 (hex) of the decoded SignatureValue (replay detection, as the RSA path)
    signature_digest: str
    #: SHA-256 (hex) of the element without its signature, exclusive C14N: "the same content"
    content_digest: str
    references: tuple[VerifiedReference, ...]

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint


def verify_gost_signature(envelope: etree._Element, *, now: dt.datetime | None = None) -> GostVerified:
    """Verify the GOST signature on the Body's element of a SOAP envelope (standalone use and tests).

    Locates the element and its first-child ``ds:Signature`` and nothing more: the hub runs its
    anti-wrapping checks (:func:`hub.contract.signature.inspect_envelope`) and then
    :func:`verify_gost` itself.
    """
    element = body_element(envelope, spec=E.AUT900003)
    signature = next(iter(element), None)
    if signature is None or signature.tag != _SIGNATURE:
        raise HubError(E.AUT900001, "Первый дочерний элемент элемента тела сообщения не ds:Signature")
    return verify_gost(element, signature, now=now)


def verify_gost(element: etree._Element, signature: etree._Element, *, now: dt.datetime | None = None) -> GostVerified:
    """Verify ``signature`` (first child of ``element``); ``now`` for the certificate's validity."""
    return verify_claim(read_claim(element, signature), now=now)


def verify_claim(claim: GostClaim, *, now: dt.datetime | None = None) -> GostVerified:
    """The cryptographic part, cheapest checks first; a catalogued ``HubError`` on any failure."""
    certificate = claim.certificate
    _check_validity(certificate, now or dt.datetime.now(dt.UTC))
    digest = digests.DIGESTS[SIGNATURE_METHODS[claim.method][0]](_c14n(claim.signed_info, claim.c14n))
    if not gost3410.verify(certificate.curve, certificate.public_key, digest, claim.signature_value):
        raise HubError(E.AUT900002, "Значение подписи не соответствует SignedInfo и сертификату")
    properties = None
    for reference in claim.references:
        if reference.kind != "data":
            _check_digest(reference, _c14n(reference.target, reference.c14n))
        if reference.kind == "properties":
            properties = reference.target
    if properties is not None:
        _check_signing_certificate(properties, certificate)
    data = next(r for r in claim.references if r.kind == "data")
    octets = _without_signature(claim.element, claim.signature, data.c14n)
    _check_digest(data, octets)
    content = octets if data.c14n == EXC_C14N else _without_signature(claim.element, claim.signature, EXC_C14N)
    return GostVerified(
        element=claim.element,
        certificate=certificate,
        signing_time=_signing_time(properties),
        signature_digest=claim.signature_digest,
        content_digest=hashlib.sha256(content).hexdigest(),
        references=tuple(VerifiedReference(r.uri, r.kind, r.c14n, r.digest_uri) for r in claim.references),
    )


def _check_digest(reference: GostReference, octets: bytes) -> None:
    if digests.DIGESTS[reference.digest_uri](octets) != reference.digest_value:
        raise HubError(E.AUT900002, f"Подписанные данные изменены после подписания (ссылка {reference.uri})")


def _c14n(node: etree._Element, method: str) -> bytes:
    """The node where it stands in the tree: inclusive C14N 1.0 renders every namespace in scope."""
    return bytes(etree.tostring(node, method="c14n", exclusive=method == EXC_C14N, with_comments=False))


def _without_signature(element: etree._Element, signature: etree._Element, method: str) -> bytes:
    """The enveloped transform, then ``method``: on a copy (lxml copies the namespaces in scope)."""
    clone = copy.deepcopy(element)
    remove_keeping_tail(clone[element.index(signature)])
    return _c14n(clone, method)


def _check_validity(certificate: GostCertificate, moment: dt.datetime) -> None:
    if not certificate.valid_at(moment):
        raise HubError(
            E.AUT900005,
            f"Сертификат действителен с {certificate.not_valid_before:%Y-%m-%d %H:%M} "
            f"по {certificate.not_valid_after:%Y-%m-%d %H:%M} UTC, проверка на {moment:%Y-%m-%d %H:%M}",
        )


def _check_signing_certificate(properties: etree._Element, certificate: GostCertificate) -> None:
    """XAdES-BES binds the certificate by CertDigest (and IssuerSerial): the KeyInfo one must match."""
    cert = properties.find("xades:SignedSignatureProperties/xades:SigningCertificate/xades:Cert", _NSMAP)
    if cert is None:
        raise HubError(E.AUT900002, "В xades:SignedProperties нет xades:SigningCertificate/xades:Cert")
    method = cert.find("xades:CertDigest/ds:DigestMethod", _NSMAP)
    value = cert.find("xades:CertDigest/ds:DigestValue", _NSMAP)
    algorithm = method.get("Algorithm") if method is not None else None
    digest = digests.DIGESTS.get(algorithm or "")
    if digest is None or algorithm == digests.GOSTR3411_94_URI:
        raise HubError(E.AUT900010, f"Алгоритм xades:CertDigest {algorithm!r} не поддерживается")
    expected = "".join((value.text or "").split()) if value is not None else ""
    if base64.b64encode(digest(certificate.der)).decode("ascii") != expected:
        raise HubError(E.AUT900002, "Сертификат в ds:KeyInfo не совпадает с xades:CertDigest")
    serial = cert.findtext("xades:IssuerSerial/ds:X509SerialNumber", namespaces=_NSMAP)
    if serial is not None and serial.strip() != str(certificate.serial_number):
        raise HubError(E.AUT900002, "Серийный номер в xades:IssuerSerial не совпадает с сертификатом")


def _signing_time(properties: etree._Element | None) -> dt.datetime | None:
    if properties is None:
        return None
    text = properties.findtext("xades:SignedSignatureProperties/xades:SigningTime", namespaces=_NSMAP)
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", text.strip()))
    except ValueError as exc:
        raise HubError(E.AUT900008, f"xades:SigningTime {text.strip()!r} не читается") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
