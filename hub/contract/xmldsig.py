"""The cryptographic part of an RSA/ECDSA check: signxml, strictly configured, and the proof.

signxml alone accepts a signature moved elsewhere in the tree (DESIGN §9): after it verifies, the
proof compares what it says was signed with the in-tree element, and only that element is used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
)
from signxml.exceptions import InvalidCertificate, SignXMLException
from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier
from signxml.xades.xades import XAdESSignatureConfiguration, XAdESVerifier

from hub import ns
from hub.contract.xmltree import exc_c14n, without_signature
from hub.errors import E, HubError

_NSMAP = {"ds": ns.DS, "xades": ns.XADES}

_DIGESTS = {d.value: d for d in (DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512)}
_FRACTION = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class Reference:
    """One ds:Reference of a signature, as the structural check read it."""

    uri: str
    transforms: tuple[str, ...]
    kind: str  # "data" | "properties" | "keyinfo"


def run_signxml(
    element: etree._Element,
    certificate: x509.Certificate,
    method: SignatureMethod,
    references: Sequence[Reference],
    c14n: CanonicalizationMethod,
    now: dt.datetime | None,
) -> list[VerifyResult]:
    """signxml on the Body element alone, configured for exactly what the checks above allowed.

    References without transforms (SignedProperties, KeyInfo) are digested with the SignedInfo
    method when that is inclusive (signxml's signer does so), else with C14N 1.0 (the XML-DSig
    default, GIS requests); signxml's own default, C14N 1.1, matches neither (DESIGN §9).
    """
    default_c14n = (
        c14n
        if c14n is not CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
        else CanonicalizationMethod.CANONICAL_XML_1_0
    )
    xades = any(ref.kind == "properties" for ref in references)
    settings: dict[str, Any] = {
        "require_x509": True,
        "location": "./",
        "expect_references": len(references),
        "signature_methods": frozenset({method}),
        "digest_algorithms": frozenset(_DIGESTS.values()),
        "verification_time": now,
        "default_reference_c14n_method": default_c14n,
    }
    try:
        if xades:
            results: VerifyResult | list[VerifyResult] = XAdESVerifier().verify(
                element, x509_cert=certificate, expect_config=XAdESSignatureConfiguration(**settings)
            )
        else:
            results = XMLVerifier().verify(
                element, x509_cert=certificate, expect_config=SignatureConfiguration(**settings)
            )
    except InvalidCertificate as exc:
        raise HubError(E.AUT900005, validity_detail(certificate, now)) from exc
    except (SignXMLException, ValueError, etree.LxmlError) as exc:
        text = str(exc)
        if "Ambiguous reference" in text:
            raise HubError(E.AUT900003, text) from exc
        raise HubError(E.AUT900002, translate(text)) from exc
    return results if isinstance(results, list) else [results]


def validity_detail(certificate: x509.Certificate, now: dt.datetime | None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    return (
        f"Сертификат действителен с {certificate.not_valid_before_utc:%Y-%m-%d %H:%M} "
        f"по {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC, проверка на {moment:%Y-%m-%d %H:%M}"
    )


def translate(text: str) -> str:
    if text.startswith("Digest mismatch"):
        return f"Подписанные данные изменены после подписания ({text})"
    if text.startswith("Signature verification failed"):
        return "Значение подписи не соответствует SignedInfo и сертификату"
    return f"Подпись не прошла проверку: {text}"


def prove_signed_is_in_tree(element: etree._Element, signature: etree._Element, result: VerifyResult) -> bytes:
    """The in-tree element without its signature equals what was signed: its exclusive C14N."""
    in_tree = exc_c14n(without_signature(element, signature))
    if result.signed_xml is None or exc_c14n(result.signed_xml) != in_tree:
        raise HubError(E.AUT900003, "Подписанные данные не совпадают с элементом тела сообщения")
    return in_tree


def signing_time_of(results: Sequence[VerifyResult]) -> dt.datetime | None:
    for result in results:
        if result.signed_xml is None:
            continue
        node = result.signed_xml.find(".//xades:SignedSignatureProperties/xades:SigningTime", _NSMAP)
        if node is not None and node.text:
            try:
                moment = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", node.text.strip()))
            except ValueError as exc:
                # Signed, so not forged – but a time the hub cannot read cannot be held to the
                # clock window that refuses replays of old messages.
                raise HubError(E.AUT900008, f"xades:SigningTime {node.text.strip()!r} не читается") from exc
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return None
