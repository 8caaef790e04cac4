"""Small tree helpers of the signed-XML code: the Body's element, C14N, removing a signature.

Shared by the signature check (RSA/ECDSA and GOST), the signer, the client and the payload.
"""

from __future__ import annotations

import copy

from lxml import etree

from hub import ns
from hub.errors import E, ErrorSpec, HubError

_BODY = ns.qname(ns.SOAP_ENV, "Body")


def body_element(envelope: etree._Element, *, spec: ErrorSpec = E.FMT900005) -> etree._Element:
    body = envelope.find(_BODY)
    if body is None:
        raise HubError(E.FMT900005, "Нет элемента soapenv:Body")
    children = [child for child in body if isinstance(child.tag, str)]
    if len(children) != 1:
        raise HubError(
            spec,
            f"В soapenv:Body {len(children)} элементов, должен быть ровно один",
        )
    return children[0]


def remove_keeping_tail(node: etree._Element) -> None:
    """Remove ``node`` from its parent but keep the text after it, as the enveloped-signature
    transform does (lxml's ``remove`` takes the tail along)."""
    parent = node.getparent()
    assert parent is not None
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def without_signature(element: etree._Element, signature: etree._Element) -> etree._Element:
    """A copy of ``element`` without its ds:Signature, its tail kept."""
    clone = copy.deepcopy(element)
    remove_keeping_tail(clone[list(element).index(signature)])
    return clone


def exc_c14n(element: etree._Element) -> bytes:
    """Exclusive C14N without comments: what both the proof here and :mod:`hub.contract.signing` digest."""
    return bytes(etree.tostring(element, method="c14n", exclusive=True, with_comments=False))
