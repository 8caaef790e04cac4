"""The canonical payload: the request element as the XSD defines it, whatever its source.

A signed SOAP message gives it after the signature check (its digest is the one the proof
computed); a REST JSON body or an Excel row batch is turned into the same element first and
wrapped with :meth:`Payload.unsigned`. Intake checks and stores only this, so every source is
validated, deduplicated and processed the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree

from hub import ns
from hub.contract.signature import VerifiedBody
from hub.contract.xmltree import exc_c14n

_VERSION = ns.qname(ns.BASE, "version")
_SIGNATURE = ns.qname(ns.DS, "Signature")


@dataclass(frozen=True, slots=True)
class Payload:
    """One request element and the digest that says "the same content" for duplicate detection."""

    element: etree._Element
    #: SHA-256 (hex) of the element without any ds:Signature, exclusive C14N, no comments
    digest: str

    @classmethod
    def signed(cls, verified: VerifiedBody) -> Payload:
        """The element a signature check proved, with the digest that proof computed."""
        return cls(verified.element, verified.content_digest)

    @classmethod
    def unsigned(cls, element: etree._Element) -> Payload:
        """An element built by the hub from another source (no signature to leave out)."""
        if element.find(_SIGNATURE) is not None:
            raise ValueError("a signed element goes through Payload.signed")
        return cls(element, hashlib.sha256(exc_c14n(element)).hexdigest())

    @property
    def qname(self) -> str:
        return str(self.element.tag)

    @property
    def version(self) -> str | None:
        """``base:version`` of the element, as sent."""
        return self.element.get(_VERSION)

    @property
    def line(self) -> int:
        """The element's line in the sender's document (0 when built in memory)."""
        line = self.element.sourceline
        return line if isinstance(line, int) else 0

    def count(self, child_qname: str) -> int:
        """How many direct children named ``child_qname`` (Clark notation) it has."""
        return sum(1 for _ in self.element.iterchildren(child_qname))

    def serialized(self) -> bytes:
        """The element as the worker will read it back."""
        return etree.tostring(self.element)
