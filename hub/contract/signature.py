"""Strict verification of XAdES-BES enveloped signatures on the SOAP Body's element.

GIS signs the Body's only child (the ``…Request``/``…Result`` element, ``Id="signed-data-container"``)
with an enveloped XAdES-BES signature whose ``ds:Signature`` is that element's FIRST child
(GIS-FACTS §3). :func:`verify_envelope` accepts that, the layout :mod:`hub.contract.signing`
writes (GIS's response layout) and signxml's own XAdES layout; signxml does the cryptographic
verification.

Why the strict checks around signxml (DESIGN §9): signxml proves that *some* element with the
referenced Id was signed, not that it is the one the hub is about to process. Left alone it
accepts a signed element moved into the Header next to a forged Body element, or nested inside
a forged Body element (signature wrapping), and a comment inside a signed value (comments are not
canonicalized, so the digest still matches) changes what lxml's ``.text`` returns. So, before
signxml runs: the Body has exactly one element, that element has an ``Id`` unique in the whole
envelope, there is exactly one ``ds:Signature`` in the envelope and it is that element's first
child, and the element contains no comments or processing instructions; every reference points
at the element itself, or at this signature's own ``xades:SignedProperties``/``ds:KeyInfo``; the
algorithms and the key are strong enough. After signxml: the canonical form of the in-tree
element (signature removed) equals what signxml says was signed. Downstream code receives the
in-tree element (its ``sourceline`` values are the client's lines), proven identical to what was
signed.

Accepted layouts:

* signxml's XAdES (what its ``XAdESSigner`` writes): three references – the element
  (enveloped + C14N 1.0 transforms), the SignedProperties and the KeyInfo (no transforms,
  digested with the SignedInfo canonicalization, inclusive C14N 1.0);
* GIS / HCA: two references – the element (enveloped + exclusive c14n transforms) and the
  SignedProperties (no transforms, so C14N 1.0 as XML-DSig prescribes, or an explicit exc-c14n
  transform as GIS's own responses and :mod:`hub.contract.signing` have); SignedInfo in C14N 1.0
  or exc-c14n;
* plain XML-DSig with the single element reference (no XAdES properties, ``signing_time`` None).

Algorithms: RSA (≥ 2048 bits) or ECDSA (P-256, P-384, P-521) with SHA-256/384/512; SHA-1,
short RSA keys, DSA and HMAC give ``AUT900010``. GOST R 34.10-2012 (every real GIS client) is
recognised by :func:`hub.contract.gost.is_gost_signature` after the structural checks and
verified by :mod:`hub.contract.gost` (signxml cannot); GOST R 34.10-2001 gives ``AUT900010``.
The certificate is taken from
``KeyInfo/X509Data``; it is not checked against a CA here – the hub checks it against its
registry of organizations' certificates, by :func:`hub.contract.pki.fingerprint`.

Measured (2-core machine, Python 3.11.7, signxml 5.2.0, signxml layout with 3 references; median):
a 14 KiB request (16 KiB signed) verifies in ≈ 3.6 ms (RSA-2048) / 3.8 ms (P-256); a 1 MiB one
verifies in ≈ 110–130 ms (parse not included: ≈ 8 ms).
signxml takes ~2/3 of the verify time (it re-serializes and re-parses the document once per
reference); the in-tree proof (copy + two exclusive c14n) ~1/4; the structural checks ~3 %.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)

from hub import ns
from hub.contract import pki
from hub.contract.xmldsig import Reference, prove_signed_is_in_tree, run_signxml, signing_time_of
from hub.contract.xmltree import body_element
from hub.errors import E, HubError

if TYPE_CHECKING:
    from hub.contract.gost import GostClaim

_SIGNATURE = ns.qname(ns.DS, "Signature")
_BODY = ns.qname(ns.SOAP_ENV, "Body")
_ENVELOPE = ns.qname(ns.SOAP_ENV, "Envelope")
_NSMAP = {"ds": ns.DS, "xades": ns.XADES}
_SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
_ENVELOPED = SignatureConstructionMethod.enveloped.value

_C14N_METHODS = frozenset(
    {
        CanonicalizationMethod.CANONICAL_XML_1_0,
        CanonicalizationMethod.CANONICAL_XML_1_1,
        CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    }
)
_C14N_URIS = frozenset(m.value for m in _C14N_METHODS)
_RSA_METHODS = frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512})
_ECDSA_METHODS = frozenset({SignatureMethod.ECDSA_SHA256, SignatureMethod.ECDSA_SHA384, SignatureMethod.ECDSA_SHA512})
_SIGNATURE_METHODS = {m.value: m for m in _RSA_METHODS | _ECDSA_METHODS}
_DIGESTS = {d.value: d for d in (DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512)}
_GOST_DETAIL = "из алгоритмов ГОСТ поддерживается только ГОСТ Р 34.10-2012 с ГОСТ Р 34.11-2012"

_DER = Encoding.DER


@dataclass(frozen=True)
class VerifiedBody:
    """What a valid signature proves: this in-tree element was signed with this certificate."""

    element: etree._Element
    certificate: x509.Certificate
    fingerprint: str
    signing_time: dt.datetime | None
    #: SHA-256 (hex) of the element without its signature, exclusive C14N, no comments: "the same
    #: content" for duplicate detection — a client that re-signs the same payload (new
    #: SigningTime, new SignatureValue) sends the same content. Computed by the proof below.
    content_digest: str = ""
    #: SHA-256 (hex) of the decoded SignatureValue (see :class:`SignatureClaim`)
    signature_digest: str = ""


# --- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureClaim:
    """What a signed envelope claims, found by cheap structural checks alone (no canonicalization,
    no digest, no public-key operation): the signed element, its signature, the certificate that
    claims to have signed it.

    The hub looks the certificate up in its registry BEFORE paying for verification
    (:func:`verify_claim`): an unknown key must cost no more than the parse (a 15 MB request
    signed by an unregistered key was verified completely before this split: 4.25 s each).
    """

    element: etree._Element
    signature: etree._Element
    certificate: x509.Certificate
    fingerprint: str
    method: SignatureMethod | None  # None: a GOST signature (``gost`` says the rest)
    c14n: CanonicalizationMethod | None
    references: tuple[Reference, ...]
    #: SHA-256 (hex) of the decoded SignatureValue: one accepted message per signature value, so a
    #: captured message resent under a new (unsigned) MessageGUID is recognised as a replay
    signature_digest: str
    #: GOST R 34.10-2012 (every real GIS client): verified by :mod:`hub.contract.gost`, which
    #: signxml cannot do, behind the same structural checks
    gost: GostClaim | None = None


def verify_envelope(envelope: etree._Element, *, now: dt.datetime | None = None) -> VerifiedBody:
    """Verify the signature of the Body's element, or raise a catalogued ``HubError``.

    ``now`` is the time the certificate must be valid at (default: the current time).
    """
    return verify_claim(inspect_envelope(envelope), now=now)


def inspect_envelope(envelope: etree._Element) -> SignatureClaim:
    """The structural checks and the claimed signer, or a catalogued ``HubError``; cheap."""
    if envelope.tag != _ENVELOPE or envelope.find(_BODY) is None:
        raise HubError(E.FMT900005, "Нет элемента soapenv:Body")
    signatures = list(envelope.iter(_SIGNATURE))
    if not signatures:
        raise HubError(E.AUT900001, "В сообщении нет элемента ds:Signature")
    element = body_element(envelope, spec=E.AUT900003)
    element_id = element.get("Id")
    if not element_id:
        raise HubError(E.AUT900003, f"У элемента {_local(element)} в теле сообщения нет атрибута Id")
    _require_unique_id(envelope, element_id)
    if len(signatures) > 1:
        raise HubError(E.AUT900003, f"В сообщении {len(signatures)} элемента ds:Signature, допустим один")
    signature = signatures[0]
    if signature.getparent() is not element:
        raise HubError(E.AUT900003, f"Элемент ds:Signature должен быть первым дочерним элементом {_local(element)}")
    for node in element.iter(etree.Comment, etree.ProcessingInstruction):
        raise HubError(
            E.AUT900003,
            "комментарии внутри подписанного элемента запрещены",
            where=f"строка {node.sourceline}" if node.sourceline else None,
        )
    if next(element.iterchildren()) is not signature:
        raise HubError(E.AUT900003, f"Элемент ds:Signature должен быть первым дочерним элементом {_local(element)}")

    signed_info = signature.find("ds:SignedInfo", _NSMAP)
    if signed_info is None:
        raise HubError(E.AUT900002, "В ds:Signature нет элемента ds:SignedInfo")
    from hub.contract import gost  # here: hub.contract.gost reuses this module's helpers

    if gost.is_gost_signature(signature):
        claim = gost.read_claim(element, signature)
        return SignatureClaim(
            element=element,
            signature=signature,
            certificate=claim.certificate.certificate,
            fingerprint=claim.certificate.fingerprint,
            method=None,
            c14n=None,
            references=(),
            signature_digest=claim.signature_digest,
            gost=claim,
        )
    c14n_uri = _algorithm(signed_info, "ds:CanonicalizationMethod")
    method_uri = _algorithm(signed_info, "ds:SignatureMethod")
    method = _signature_method(method_uri)
    if c14n_uri not in _C14N_URIS:
        raise HubError(E.AUT900010, f"Метод канонизации SignedInfo {c14n_uri!r} не поддерживается")
    references = _references(envelope, signature, signed_info, element_id)
    certificate = _certificate(signature)
    _check_key(certificate, method)
    return SignatureClaim(
        element=element,
        signature=signature,
        certificate=certificate,
        fingerprint=_fingerprint(certificate.public_bytes(_DER)),
        method=method,
        c14n=CanonicalizationMethod(c14n_uri),
        references=tuple(references),
        signature_digest=_signature_value_digest(signature),
    )


def verify_claim(claim: SignatureClaim, *, now: dt.datetime | None = None) -> VerifiedBody:
    """The cryptographic part: signxml, then the proof that what was signed is the in-tree element
    (GOST: :func:`hub.contract.gost.verify_claim`, which canonicalizes the in-tree element itself)."""
    if claim.gost is not None:
        from hub.contract import gost

        verified = gost.verify_claim(claim.gost, now=now)
        return VerifiedBody(
            element=verified.element,
            certificate=claim.certificate,
            fingerprint=claim.fingerprint,
            signing_time=verified.signing_time,
            content_digest=verified.content_digest,
            signature_digest=verified.signature_digest,
        )
    assert claim.method is not None and claim.c14n is not None
    results = run_signxml(claim.element, claim.certificate, claim.method, claim.references, claim.c14n, now)
    data_index = next(i for i, ref in enumerate(claim.references) if ref.kind == "data")
    canonical = prove_signed_is_in_tree(claim.element, claim.signature, results[data_index])
    return VerifiedBody(
        element=claim.element,
        certificate=claim.certificate,
        fingerprint=claim.fingerprint,
        signing_time=signing_time_of(results),
        content_digest=hashlib.sha256(canonical).hexdigest(),
        signature_digest=claim.signature_digest,
    )


def _signature_value_digest(signature: etree._Element) -> str:
    node = signature.find("ds:SignatureValue", _NSMAP)
    text = "".join((node.text or "").split()) if node is not None else ""
    if not text:
        raise HubError(E.AUT900002, "В ds:Signature нет значения ds:SignatureValue")
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise HubError(E.AUT900002, "Значение ds:SignatureValue не читается") from exc
    return hashlib.sha256(value).hexdigest()


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _require_unique_id(envelope: etree._Element, value: str) -> None:
    """Any attribute named Id/ID/id, in any namespace, with this value: exactly one in the envelope."""
    count = int(
        float(
            envelope.xpath(  # type: ignore[arg-type]
                "count(//@*[(local-name()='Id' or local-name()='ID' or local-name()='id') and .=$v])", v=value
            )
        )
    )
    if count != 1:
        raise HubError(E.AUT900003, f"Идентификатор {value!r} встречается в сообщении {count} раз(а)")


def _algorithm(parent: etree._Element, path: str) -> str:
    node = parent.find(path, _NSMAP)
    algorithm = node.get("Algorithm") if node is not None else None
    if not algorithm:
        raise HubError(E.AUT900002, f"Нет атрибута Algorithm у {path}")
    return algorithm


def _unsupported(what: str, uri: str) -> HubError:
    if "gost" in uri.lower():
        return HubError(E.AUT900010, f"{what} {uri}: {_GOST_DETAIL}")
    return HubError(E.AUT900010, f"{what} {uri!r} не поддерживается (допустимы RSA ≥ 2048 бит, ECDSA, SHA-256+)")


def _signature_method(uri: str) -> SignatureMethod:
    method = _SIGNATURE_METHODS.get(uri)
    if method is None:
        raise _unsupported("Алгоритм подписи", uri)
    return method


def _references(
    envelope: etree._Element, signature: etree._Element, signed_info: etree._Element, element_id: str
) -> list[Reference]:
    """Classify every reference; refuse any that points elsewhere than this element and signature."""
    key_info = signature.find("ds:KeyInfo", _NSMAP)
    key_info_id = key_info.get("Id") if key_info is not None else None
    properties_ids = {
        node.get("Id")
        for node in signature.iterfind("ds:Object/xades:QualifyingProperties/xades:SignedProperties", _NSMAP)
    }
    result: list[Reference] = []
    for node in signed_info.iterfind("ds:Reference", _NSMAP):
        digest_uri = _algorithm(node, "ds:DigestMethod")
        if digest_uri not in _DIGESTS:
            raise _unsupported("Алгоритм хэширования", digest_uri)
        transforms = tuple(t.get("Algorithm") or "" for t in node.iterfind("ds:Transforms/ds:Transform", _NSMAP))
        for transform in transforms:
            if transform != _ENVELOPED and transform not in _C14N_URIS:
                raise HubError(E.AUT900010, f"Преобразование {transform!r} не поддерживается")
        uri = node.get("URI") or ""
        target = uri[1:] if uri.startswith("#") else None
        if target == element_id:
            kind = "data"
            if _ENVELOPED not in transforms:
                raise HubError(E.AUT900003, f"Ссылка {uri} без преобразования enveloped-signature")
        elif target and target in properties_ids and node.get("Type") == _SIGNED_PROPERTIES_TYPE:
            kind = "properties"
        elif target and target == key_info_id:
            kind = "keyinfo"
        else:
            raise HubError(
                E.AUT900003,
                f"Ссылка URI={uri!r} указывает не на элемент тела сообщения и не на свойства подписи",
            )
        if kind != "data":
            assert target is not None
            _require_unique_id(envelope, target)
        result.append(Reference(uri, transforms, kind))
    kinds = [ref.kind for ref in result]
    if kinds.count("data") != 1:
        raise HubError(
            E.AUT900003,
            f"На элемент #{element_id} должна указывать ровно одна ссылка, найдено {kinds.count('data')}",
        )
    if kinds.count("properties") > 1 or kinds.count("keyinfo") > 1:
        raise HubError(E.AUT900003, "Повторяющиеся ссылки на свойства подписи")
    return result


def _certificate(signature: etree._Element) -> x509.Certificate:
    node = signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NSMAP)
    if node is None or not (node.text or "").strip():
        raise HubError(E.AUT900002, "В подписи нет сертификата (ds:KeyInfo/ds:X509Data/ds:X509Certificate)")
    try:
        der = base64.b64decode("".join((node.text or "").split()), validate=True)
        return _load_der(der)
    except (binascii.Error, ValueError) as exc:
        raise HubError(E.AUT900002, "Сертификат в ds:X509Certificate не читается") from exc


@functools.lru_cache(maxsize=256)
def _load_der(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(der)


@functools.lru_cache(maxsize=256)
def _fingerprint(der: bytes) -> str:
    return pki.fingerprint(_load_der(der))


@functools.lru_cache(maxsize=256)
def _key_check(der: bytes) -> tuple[str, str | None]:
    """(key kind, why it is too weak or None), cached per certificate DER."""
    certificate = _load_der(der)
    return pki.key_profile(certificate)[0], pki.key_weakness(certificate)


def _check_key(certificate: x509.Certificate, method: SignatureMethod) -> None:
    kind, weakness = _key_check(certificate.public_bytes(_DER))
    if weakness is not None:
        raise HubError(E.AUT900010, weakness)
    if kind == "rsa" and method not in _RSA_METHODS:
        raise HubError(E.AUT900002, f"Ключ RSA не соответствует алгоритму подписи {method.value}")
    if kind == "ec" and method not in _ECDSA_METHODS:
        raise HubError(E.AUT900002, f"Ключ ECDSA не соответствует алгоритму подписи {method.value}")
