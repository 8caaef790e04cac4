"""What a hub (or GIS) answers, as plain frozen records: Ack, the state of a message, its results.

``parse_state`` reads only the *verified* ``getStateResult`` element (the one
``hub.contract.signature.verify_envelope`` proved signed), never the raw response tree: a
signature-wrapping answer cannot smuggle results past the check (DESIGN §9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from lxml import etree

from hub import ns
from hub.client.errors import ResponseError

_B = ns.BASE
_NOT_RESULTS = frozenset(
    {
        ns.qname(_B, "RequestState"),
        ns.qname(_B, "MessageGUID"),
        ns.qname(_B, "ErrorMessage"),
        ns.qname(ns.DS, "Signature"),
    }
)


class RequestState(IntEnum):
    """``base:RequestState``: GIS's three states of an asynchronous message."""

    RECEIVED = 1
    IN_PROGRESS = 2
    PROCESSED = 3

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    RequestState.RECEIVED: "получен / received",
    RequestState.IN_PROGRESS: "в обработке / in progress",
    RequestState.PROCESSED: "обработан / processed",
}


@dataclass(frozen=True, slots=True)
class Ack:
    """``base:AckRequest/Ack``: the hub's MessageGUID (for getState) and the client's own."""

    message_guid: str
    requester_message_guid: str


@dataclass(frozen=True, slots=True)
class ResultError:
    """``base:ErrorMessage`` or ``CommonResult/Error``: a coded error with its description."""

    code: str
    description: str
    stack_trace: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectResult:
    """One ``CommonResult``: an object created/changed (GUID, UniqueNumber) or refused (errors).

    ``extension`` is the operation-specific part (``ImportHouseUO``, ``ImportAccount`` …) as
    elements of the verified tree.
    """

    guid: str | None
    transport_guid: str | None
    unique_number: str | None
    update_date: str | None
    errors: tuple[ResultError, ...] = ()
    extension: tuple[etree._Element, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class StateResult:
    """A verified ``getStateResult``.

    ``error`` is the whole-message ``ErrorMessage`` (directly, or inside ``ImportResult``);
    ``objects`` the per-object ``CommonResult``\\s; ``exports`` the export result elements
    (``exportHouseResult`` …); ``raw`` the HTTP body exactly as received; ``element`` the
    verified signed element; ``signer_fingerprint`` the SHA-256 of the signing certificate.
    """

    request_state: RequestState
    message_guid: str
    raw: bytes
    element: etree._Element
    signer_fingerprint: str
    error: ResultError | None = None
    objects: tuple[ObjectResult, ...] = ()
    exports: tuple[etree._Element, ...] = field(default=())

    @property
    def done(self) -> bool:
        return self.request_state is RequestState.PROCESSED

    @property
    def ok(self) -> bool:
        """Processed without a whole-message error (objects may still carry their own errors)."""
        return self.done and self.error is None

    @property
    def failed_objects(self) -> tuple[ObjectResult, ...]:
        return tuple(o for o in self.objects if not o.ok)


def _text(parent: etree._Element, namespace: str, local: str) -> str | None:
    value = parent.findtext(ns.qname(namespace, local))
    return value.strip() if value is not None else None


def _error(element: etree._Element) -> ResultError:
    return ResultError(
        code=_text(element, _B, "ErrorCode") or "",
        description=_text(element, _B, "Description") or "",
        stack_trace=_text(element, _B, "StackTrace"),
    )


_COMMON_FIELDS = frozenset(
    ns.qname(_B, name) for name in ("GUID", "TransportGUID", "UniqueNumber", "UpdateDate", "Error")
)


def _object(common: etree._Element) -> ObjectResult:
    return ObjectResult(
        guid=_text(common, _B, "GUID"),
        transport_guid=_text(common, _B, "TransportGUID"),
        unique_number=_text(common, _B, "UniqueNumber"),
        update_date=_text(common, _B, "UpdateDate"),
        errors=tuple(_error(e) for e in common.iterfind(ns.qname(_B, "Error"))),
        extension=tuple(c for c in common if isinstance(c.tag, str) and c.tag not in _COMMON_FIELDS),
    )


def parse_state(element: etree._Element, *, raw: bytes, signer_fingerprint: str) -> StateResult:
    """Read a verified ``getStateResult`` element (any GIS service: results are found by local name)."""
    if etree.QName(element).localname != "getStateResult":
        raise ResponseError(f"expected getStateResult, got {element.tag}")
    state_text = _text(element, _B, "RequestState") or ""
    try:
        state = RequestState(int(state_text))
    except ValueError as exc:
        raise ResponseError(f"RequestState {state_text!r} is not 1, 2 or 3") from exc
    error: ResultError | None = None
    objects: list[ObjectResult] = []
    exports: list[etree._Element] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == ns.qname(_B, "ErrorMessage"):
            error = _error(child)
        elif etree.QName(child).localname == "ImportResult":
            if child.find(ns.qname(_B, "TransportGUID")) is not None:
                # device metering, bills, NSI: each ImportResult IS one base:CommonResultType
                objects.append(_object(child))
                continue
            nested = child.find(ns.qname(_B, "ErrorMessage"))
            if nested is not None:
                error = _error(nested)
            objects.extend(_object(c) for c in child if etree.QName(c).localname == "CommonResult")
        elif child.tag not in _NOT_RESULTS:
            exports.append(child)
    return StateResult(
        request_state=state,
        message_guid=_text(element, _B, "MessageGUID") or "",
        raw=raw,
        element=element,
        signer_fingerprint=signer_fingerprint,
        error=error,
        objects=tuple(objects),
        exports=tuple(exports),
    )
