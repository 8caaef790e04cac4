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
from hub.domain.outcomes import ObjectOutcome

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


# --- the same ImportResult as text ----------------------------------------------------------
#
# A 100-object ImportResult is ~1,000 elements; building them as lxml elements (one nsmap per
# CommonResult, then cleanup_namespaces and serialization) cost ~3 ms of a message's processing.
# The structure is fixed and every value is text, so it is written directly, escaped as lxml
# would escape it (``&``, ``<``, ``>``; ``\r`` as a character reference so it survives parsing).

#: prefix of the service namespace in a text fragment (declared on the container)
SERVICE_PREFIX = "tns"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def escape(text: str) -> str:
    """Character data for a text fragment."""
    return text.translate(_ESCAPES)


def common_results_text(
    parts: list[str],
    local: str,
    outcomes: Sequence[ObjectOutcome],
    extension: Callable[[Mapping[str, str]], str | None] | None = None,
) -> None:
    """Append one ``tns:{local}`` of ``base:CommonResultType`` per outcome to ``parts`` (text).

    ``CommonResult`` inside an ``ImportResult`` for most services; NsiAsync's getStateResult lists
    its ``ImportResult``s of that type directly.
    """
    tns = SERVICE_PREFIX
    add = parts.append
    for outcome in outcomes:
        add(f"<{tns}:{local}>")
        if outcome.guid:
            add(f"<base:GUID>{escape(outcome.guid)}</base:GUID>")
        add(f"<base:TransportGUID>{escape(outcome.transport_guid)}</base:TransportGUID>")
        if outcome.errors:
            for error in outcome.errors:
                add(
                    f"<base:Error><base:ErrorCode>{escape(error.code)}</base:ErrorCode>"
                    f"<base:Description>{escape(error.description)}</base:Description></base:Error>"
                )
        else:
            if outcome.unique_number:
                add(f"<base:UniqueNumber>{escape(outcome.unique_number)}</base:UniqueNumber>")
            add(f"<base:UpdateDate>{_dt(outcome.update_date or datetime.now(UTC))}</base:UpdateDate>")
            if extension is not None and outcome.extension:
                extra = extension(outcome.extension)
                if extra is not None:
                    add(extra)
        add(f"</{tns}:{local}>")


def import_result_fragment(
    namespace: str,
    version: str | None,
    outcomes: Sequence[ObjectOutcome],
    extension: Callable[[Mapping[str, str]], str | None] | None = None,
) -> bytes:
    """``serialize(container([import_result(…)]))`` written as text.

    ``extension`` returns the operation's extension element as XML text, using
    ``SERVICE_PREFIX`` for the service namespace (declared here) and declaring any other.
    """
    tns = SERVICE_PREFIX
    parts = [
        f'<hub:Result xmlns:hub="{RESULT_NS}" xmlns:base="{ns.BASE}" xmlns:{tns}="{escape(namespace)}">',
        f'<{tns}:ImportResult base:version="{escape(version)}">' if version else f"<{tns}:ImportResult>",
    ]
    common_results_text(parts, "CommonResult", outcomes, extension)
    parts.append(f"</{tns}:ImportResult></hub:Result>")
    return "".join(parts).encode()
