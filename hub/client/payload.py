"""Turning what a user has into the Body element the client signs.

Accepted, so that files people already have work as they are:

* the Body element alone (``<hm:exportHouseRequest base:version="…">…``), as in
  ``samples/requests/`` — ``Id="signed-data-container"`` is added when missing (GIS signs the
  element with that Id);
* a whole SOAP envelope (for example a message captured from another client): its Body
  element is used and its header is replaced by a fresh one, since MessageGUID and Date must
  be new for every message (GIS-FACTS §5, EXP001000);
* an element already signed: its ``ds:Signature`` is dropped and the element is signed again
  with the client's identity (the old signature would not cover the new header anyway).

Bytes are parsed with the hub's one safe parser (no DTD, no entities, no network).
"""

from __future__ import annotations

import copy

from lxml import etree

from hub import ns
from hub.client.errors import PayloadError
from hub.contract.signing import DEFAULT_SIGNED_ID
from hub.contract.xmlparse import parse_xml
from hub.contract.xmltree import remove_keeping_tail
from hub.errors import HubError

_ENVELOPE = ns.qname(ns.SOAP_ENV, "Envelope")
_BODY = ns.qname(ns.SOAP_ENV, "Body")
_SIGNATURE = ns.qname(ns.DS, "Signature")


def body_element(payload: bytes | etree._Element, *, signed_id: str = DEFAULT_SIGNED_ID) -> etree._Element:
    """A fresh, unsigned copy of the Body element of ``payload``, carrying an ``Id``."""
    if isinstance(payload, bytes | bytearray):
        try:
            root = parse_xml(bytes(payload))
        except HubError as exc:
            raise PayloadError(f"the payload is not well-formed XML: {exc.message}") from exc
    else:
        root = payload
    element = _unwrap(root)
    element = copy.deepcopy(element)
    for signature in element.findall(_SIGNATURE):
        remove_keeping_tail(signature)
    if not element.get("Id"):
        element.set("Id", signed_id)
    return element


def _unwrap(root: etree._Element) -> etree._Element:
    if root.tag != _ENVELOPE:
        return root
    body = root.find(_BODY)
    children = [] if body is None else [c for c in body if isinstance(c.tag, str)]
    if len(children) != 1:
        raise PayloadError(f"the envelope's Body must hold exactly one element, found {len(children)}")
    return children[0]
