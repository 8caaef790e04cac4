"""Result fragments the worker stores and getState returns.

A fragment is a ``hub:Result`` container whose children go, in order, into getStateResult
after ``base:MessageGUID`` (``base:ErrorMessage``, ``ImportResult``…, export results). Stored
once, they make every getState of a processed message a lookup, not a recomputation.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from hub import ns

RESULT_NS = "urn:zhkh-hub:result"
RESULT_TAG = ns.qname(RESULT_NS, "Result")


def container(children: Iterable[etree._Element] = ()) -> etree._Element:
    root = etree.Element(RESULT_TAG, nsmap={"hub": RESULT_NS, "base": ns.BASE})
    root.extend(children)
    return root


def serialize(root: etree._Element) -> bytes:
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="UTF-8")


def error_message(code: str, description: str) -> etree._Element:
    """``base:ErrorMessage``: a whole-message failure (INT002012 for an empty export…)."""
    el = etree.Element(ns.qname(ns.BASE, "ErrorMessage"), nsmap={"base": ns.BASE})
    etree.SubElement(el, ns.qname(ns.BASE, "ErrorCode")).text = code
    etree.SubElement(el, ns.qname(ns.BASE, "Description")).text = description
    return el


def failure_fragment(code: str, description: str) -> bytes:
    return serialize(container([error_message(code, description)]))
