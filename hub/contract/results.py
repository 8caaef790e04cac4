"""Result fragments the worker stores and getState returns.

A fragment is a ``hub:Result`` container whose children go, in order, into getStateResult
after ``base:MessageGUID`` (``base:ErrorMessage``, ``ImportResult``…, export results). Stored
once, they make every getState of a processed message a lookup, not a recomputation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.services.imports import ObjectOutcome

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


def _dt(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def common_result(
    namespace: str,
    outcome: ObjectOutcome,
    extension: Callable[[Mapping[str, str]], etree._Element | None] | None = None,
) -> etree._Element:
    """One ``CommonResult`` (base:CommonResultType + the operation's extension element)."""
    el = etree.Element(ns.qname(namespace, "CommonResult"), nsmap={"base": ns.BASE})
    if outcome.guid:
        etree.SubElement(el, ns.qname(ns.BASE, "GUID")).text = outcome.guid
    etree.SubElement(el, ns.qname(ns.BASE, "TransportGUID")).text = outcome.transport_guid
    if outcome.errors:
        for error in outcome.errors:
            err = etree.SubElement(el, ns.qname(ns.BASE, "Error"))
            etree.SubElement(err, ns.qname(ns.BASE, "ErrorCode")).text = error.code
            etree.SubElement(err, ns.qname(ns.BASE, "Description")).text = error.description
        return el
    if outcome.unique_number:
        etree.SubElement(el, ns.qname(ns.BASE, "UniqueNumber")).text = outcome.unique_number
    etree.SubElement(el, ns.qname(ns.BASE, "UpdateDate")).text = _dt(outcome.update_date or datetime.now(UTC))
    if extension is not None and outcome.extension:
        extra = extension(outcome.extension)
        if extra is not None:
            el.append(extra)
    return el


def import_result(
    namespace: str,
    version: str | None,
    outcomes: Sequence[ObjectOutcome],
    extension: Callable[[Mapping[str, str]], etree._Element | None] | None = None,
) -> etree._Element:
    """``ImportResult`` of a service namespace with one CommonResult per object."""
    el = etree.Element(ns.qname(namespace, "ImportResult"), nsmap={"base": ns.BASE})
    if version:
        el.set(ns.qname(ns.BASE, "version"), version)
    for outcome in outcomes:
        el.append(common_result(namespace, outcome, extension))
    return el
