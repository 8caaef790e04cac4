"""What a GOST-signed element's ``ds:Signature`` claims, read without any cryptography.

Why split from :mod:`.verify`: the hub looks the signer's certificate up in its registry before
paying for verification (:class:`hub.contract.signature.SignatureClaim` has the same reason: an
unknown key must cost no more than the parse). Reading a claim canonicalizes nothing and hashes
nothing but the SignatureValue's SHA-256; it refuses algorithms and transforms the hub does not
implement (``AUT900010``), references to anything but this element and this signature's own
properties (``AUT900003``), and unreadable values (``AUT900002``).

What this module does not check, because :func:`hub.contract.signature.inspect_envelope` does it
for every signature (GOST or not) before: that the element is the Body's only child, that its Id
is unique in the envelope, that the signature is its first child and the only one, and that the
element has no comments or processing instructions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Final, Literal

from lxml import etree

from hub import ns
from hub.contract.gost import digests
from hub.contract.gost.certificate import GostCertificate, read_certificate
from hub.errors import E, HubError

C14N_10: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC_C14N: Final = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED: Final = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNED_PROPERTIES_TYPE: Final = "http://uri.etsi.org/01903#SignedProperties"
GOST2012_256_URI: Final = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256"
GOST2012_512_URI: Final = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-512"

#: Signature method URI → the digest of SignedInfo and the key size (bytes) it needs.
SIGNATURE_METHODS: Final[dict[str, tuple[str, int]]] = {
    GOST2012_256_URI: (digests.STREEBOG256_URI, 32),
    "http://www.w3.org/2001/04/xmldsig-more#gostr34102012-gostr34112012-256": (digests.STREEBOG256_URI, 32),
    GOST2012_512_URI: (digests.STREEBOG512_URI, 64),
    "http://www.w3.org/2001/04/xmldsig-more#gostr34102012-gostr34112012-512": (digests.STREEBOG512_URI, 64),
}
_C14N_METHODS: Final = frozenset({C14N_10, EXC_C14N})
_NSMAP: Final = {"ds": ns.DS, "xades": ns.XADES}

Kind = Literal["data", "properties", "keyinfo"]


def is_gost_signature(signature: etree._Element) -> bool:
    """Whether ``ds:Signature`` names a GOST signature method: the hub's switch between verifiers."""
    node = signature.find("ds:SignedInfo/ds:SignatureMethod", _NSMAP)
    algorithm = (node.get("Algorithm") or "") if node is not None else ""
    return "gost" in algorithm.lower()


@dataclass(frozen=True)
class GostReference:
    """One ``ds:Reference``: where it points, how the target becomes octets, which digest it claims."""

    uri: str
    kind: Kind
    target: etree._Element
    #: the canonicalization the reference implies: its c14n transform, or C14N 1.0 without one
    c14n: str
    digest_uri: str
    digest_value: bytes


@dataclass(frozen=True)
class GostClaim:
    """The element, its signature and what the signature claims; no value checked yet."""

    element: etree._Element
    signature: etree._Element
    signed_info: etree._Element
    c14n: str
    method: str
    certificate: GostCertificate
    references: tuple[GostReference, ...]
    signature_value: bytes
    #: SHA-256 (hex) of the decoded SignatureValue, as :class:`hub.contract.signature.SignatureClaim`
    signature_digest: str


def read_claim(element: etree._Element, signature: etree._Element) -> GostClaim:
    """The claim of ``signature`` (a child of ``element``), or a catalogued ``HubError``."""
    signed_info = _child(signature, "ds:SignedInfo")
    c14n = _algorithm(signed_info, "ds:CanonicalizationMethod")
    if c14n not in _C14N_METHODS or len(_child(signed_info, "ds:CanonicalizationMethod")):
        raise HubError(E.AUT900010, f"Метод канонизации SignedInfo {c14n!r} не поддерживается")
    method = _algorithm(signed_info, "ds:SignatureMethod")
    if method not in SIGNATURE_METHODS:
        raise HubError(E.AUT900010, f"Алгоритм подписи {method!r} не поддерживается")
    certificate = _certificate(signature)
    if certificate.curve.size != SIGNATURE_METHODS[method][1]:
        raise HubError(E.AUT900002, f"Ключ сертификата не соответствует алгоритму подписи {method}")
    value = _base64(_child(signature, "ds:SignatureValue"), "ds:SignatureValue")
    return GostClaim(
        element=element,
        signature=signature,
        signed_info=signed_info,
        c14n=c14n,
        method=method,
        certificate=certificate,
        references=_references(element, signature, signed_info),
        signature_value=value,
        signature_digest=hashlib.sha256(value).hexdigest(),
    )


def _references(
    element: etree._Element, signature: etree._Element, signed_info: etree._Element
) -> tuple[GostReference, ...]:
    element_id = element.get("Id")
    key_info = signature.find("ds:KeyInfo", _NSMAP)
    properties = {
        node.get("Id"): node
        for node in signature.iterfind("ds:Object/xades:QualifyingProperties/xades:SignedProperties", _NSMAP)
        if node.get("Id")
    }
    result: list[GostReference] = []
    for node in signed_info.iterfind("ds:Reference", _NSMAP):
        uri = node.get("URI") or ""
        target_id = uri[1:] if uri.startswith("#") else None
        transforms = [t.get("Algorithm") or "" for t in node.iterfind("ds:Transforms/ds:Transform", _NSMAP)]
        digest_uri = _algorithm(node, "ds:DigestMethod")
        if digest_uri not in digests.DIGESTS:
            raise HubError(E.AUT900010, f"Алгоритм хэширования {digest_uri!r} не поддерживается")
        kind: Kind
        if target_id and target_id == element_id:
            kind, target = "data", element
            if transforms[:1] != [ENVELOPED]:
                raise HubError(E.AUT900003, f"Ссылка {uri} без преобразования enveloped-signature")
            transforms = transforms[1:]
        elif target_id in properties and node.get("Type") == SIGNED_PROPERTIES_TYPE:
            kind, target = "properties", properties[target_id]
        elif key_info is not None and target_id and target_id == key_info.get("Id"):
            kind, target = "keyinfo", key_info
        else:
            raise HubError(
                E.AUT900003, f"Ссылка URI={uri!r} указывает не на элемент тела сообщения и не на свойства подписи"
            )
        if len(transforms) > 1 or any(t not in _C14N_METHODS for t in transforms):
            raise HubError(E.AUT900010, f"Преобразования {transforms!r} ссылки {uri} не поддерживаются")
        if digest_uri == digests.GOSTR3411_94_URI and kind != "properties":
            raise HubError(E.AUT900010, f"ГОСТ Р 34.11-94 допускается только для xades:SignedProperties ({uri})")
        digest_value = _base64(_child(node, "ds:DigestValue"), "ds:DigestValue")
        result.append(
            GostReference(uri, kind, target, transforms[0] if transforms else C14N_10, digest_uri, digest_value)
        )
    kinds = [reference.kind for reference in result]
    if kinds.count("data") != 1:
        raise HubError(
            E.AUT900003, f"На элемент #{element_id} должна указывать ровно одна ссылка, найдено {kinds.count('data')}"
        )
    if kinds.count("properties") > 1 or kinds.count("keyinfo") > 1:
        raise HubError(E.AUT900003, "Повторяющиеся ссылки на свойства подписи")
    return tuple(result)


def _certificate(signature: etree._Element) -> GostCertificate:
    nodes = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NSMAP)
    if len(nodes) != 1:
        raise HubError(E.AUT900002, "В подписи должен быть один сертификат (ds:KeyInfo/ds:X509Data/ds:X509Certificate)")
    encoded = _base64(nodes[0], "ds:X509Certificate")
    try:
        return read_certificate(encoded)
    except ValueError as exc:
        raise HubError(
            E.AUT900002, "Сертификат в ds:X509Certificate не читается или его ключ не ГОСТ Р 34.10-2012"
        ) from exc


def _child(parent: etree._Element, path: str) -> etree._Element:
    node = parent.find(path, _NSMAP)
    if node is None:
        raise HubError(E.AUT900002, f"Нет элемента {path} в {etree.QName(parent).localname}")
    return node


def _algorithm(parent: etree._Element, path: str) -> str:
    algorithm = _child(parent, path).get("Algorithm")
    if not algorithm:
        raise HubError(E.AUT900002, f"Нет атрибута Algorithm у {path}")
    return algorithm


def _base64(node: etree._Element, name: str) -> bytes:
    text = "".join((node.text or "").split())
    try:
        value = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise HubError(E.AUT900002, f"Значение {name} не читается") from exc
    if not value:
        raise HubError(E.AUT900002, f"Пустое значение {name}")
    return value
