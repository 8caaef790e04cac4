"""Signing with GOST R 34.10-2012 in the two layouts GIS traffic has: a client's and GIS's own.

Why: the tests prove the verifier on signatures made here (fresh keys, any content, tampering at
will) beside the few real samples, and the hub's optional GOST signing of its responses and
``hub send`` will use the same code later. The layouts are byte-for-byte those of the real samples
(GIS-FACTS §3):

* ``"client"`` (HCA with CryptoPro, 2022): SignedInfo in inclusive C14N 1.0 – canonicalized where
  it will stand, so it carries the envelope's namespaces –, the data reference with enveloped +
  exclusive c14n transforms and Streebog-256, the SignedProperties reference without transforms and
  with GOST R 34.11-94 under the legacy URI ``…#gostr3411``, no Id on KeyInfo;
* ``"gis"`` (GIS's getStateResult): SignedInfo in exclusive c14n, the SignedProperties reference
  with an exclusive c14n transform and Streebog-256, KeyInfo with an Id.

Everything is digested in the tree that is finally serialized, after the signature sits at its
place (first child of the signed element), so what a verifier canonicalizes after parsing the
output is what was signed here.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Literal

from lxml import etree

from hub import ns
from hub.contract.gost import digests, gost3410
from hub.contract.gost.claim import (
    C14N_10,
    ENVELOPED,
    EXC_C14N,
    GOST2012_256_URI,
    GOST2012_512_URI,
    SIGNED_PROPERTIES_TYPE,
)
from hub.contract.gost.issuing import GostIdentity
from hub.contract.signing import xades_signed_properties
from hub.contract.xmlparse import parse_xml
from hub.contract.xmltree import body_element

Layout = Literal["client", "gis"]
DEFAULT_SIGNED_ID = "signed-data-container"
_SIGNATURE = ns.qname(ns.DS, "Signature")


def sign_envelope_gost(
    envelope: bytes,
    identity: GostIdentity,
    *,
    layout: Layout = "client",
    signed_id: str = DEFAULT_SIGNED_ID,
    signing_time: dt.datetime | None = None,
) -> bytes:
    """Sign the Body's element of a SOAP envelope; the envelope (UTF-8, XML declaration) back.

    The element gets ``Id=signed_id`` unless it has one; ``ds:Signature`` becomes its first child.
    """
    root = parse_xml(envelope)
    element = body_element(root)
    if element.find(_SIGNATURE) is not None:
        raise ValueError("the Body element is already signed")
    element_id = element.get("Id") or signed_id
    element.set("Id", element_id)
    wide = identity.curve.size == 64
    streebog_uri = digests.STREEBOG512_URI if wide else digests.STREEBOG256_URI
    streebog = digests.streebog512 if wide else digests.streebog256
    # Digested before the Signature is inserted: what the enveloped transform gives back.
    data_digest = streebog(_c14n(element, EXC_C14N))

    sig_id = f"xmldsig-{uuid.uuid4()}"
    signature = etree.Element(_SIGNATURE, {"Id": sig_id}, nsmap={"ds": ns.DS})
    signed_info = _ds(signature, "SignedInfo")
    signed_info_c14n = C14N_10 if layout == "client" else EXC_C14N
    _ds(signed_info, "CanonicalizationMethod", Algorithm=signed_info_c14n)
    _ds(signed_info, "SignatureMethod", Algorithm=GOST2012_512_URI if wide else GOST2012_256_URI)
    data = _ds(signed_info, "Reference", Id=f"{sig_id}-ref0", URI=f"#{element_id}")
    transforms = _ds(data, "Transforms")
    _ds(transforms, "Transform", Algorithm=ENVELOPED)
    _ds(transforms, "Transform", Algorithm=EXC_C14N)
    _ds(data, "DigestMethod", Algorithm=streebog_uri)
    _ds(data, "DigestValue", _b64(data_digest))
    props_ref = _ds(signed_info, "Reference", URI=f"#{sig_id}-signedprops", Type=SIGNED_PROPERTIES_TYPE)
    if layout == "gis":
        _ds(_ds(props_ref, "Transforms"), "Transform", Algorithm=EXC_C14N)
    _ds(props_ref, "DigestMethod", Algorithm=digests.GOSTR3411_94_URI if layout == "client" else streebog_uri)
    props_digest = _ds(props_ref, "DigestValue")
    value = _ds(signature, "SignatureValue", Id=f"{sig_id}-sigvalue")
    key_info = _ds(signature, "KeyInfo", **({"Id": f"{sig_id}-keyinfo"} if layout == "gis" else {}))
    certificate = identity.certificate
    _ds(_ds(key_info, "X509Data"), "X509Certificate", _b64(certificate.der))
    properties = _qualifying_properties(signature, sig_id, identity, signing_time or dt.datetime.now(dt.UTC))

    signature.tail = element.text
    element.text = None
    element.insert(0, signature)
    if layout == "client":
        props_digest.text = _b64(digests.gostr3411_94(_c14n(properties, C14N_10)))
    else:
        props_digest.text = _b64(streebog(_c14n(properties, EXC_C14N)))
    signed = gost3410.sign(identity.curve, identity.private_key, streebog(_c14n(signed_info, signed_info_c14n)))
    value.text = _b64(signed)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


def _qualifying_properties(
    signature: etree._Element, sig_id: str, identity: GostIdentity, signing_time: dt.datetime
) -> etree._Element:
    return xades_signed_properties(
        signature,
        sig_id,
        signing_time=signing_time.isoformat(timespec="milliseconds"),
        digest_method=digests.STREEBOG256_URI,
        cert_digest=_b64(digests.streebog256(identity.certificate.der)),
        issuer=identity.certificate.issuer,
        serial=str(identity.certificate.serial_number),
    )


def _c14n(node: etree._Element, method: str) -> bytes:
    return bytes(etree.tostring(node, method="c14n", exclusive=method == EXC_C14N, with_comments=False))


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _ds(parent: etree._Element, local: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, ns.qname(ns.DS, local), attrib)
    node.text = text
    return node


def _xades(parent: etree._Element, local: str, text: str | None = None, **attrib: str) -> etree._Element:
    node = etree.SubElement(parent, ns.qname(ns.XADES, local), attrib)
    node.text = text
    return node
