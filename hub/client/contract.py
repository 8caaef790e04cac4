"""The hub's published contract, read with zeep: operations, SOAPActions, headers, Acks, Faults.

zeep loads ``<service>?wsdl`` (and the XSDs it imports) from the hub itself, so the client
checks an operation name, its SOAPAction and the payload's root element against what the hub
actually serves, renders the ``RequestHeader`` in the XSD's element order, builds a Body from a
dict when asked to, and reads Acks and Faults with zeep's own binding code.

Why zeep does not *send*: the signed bytes must be exactly the bytes on the wire. zeep's
transport serializes its own envelope after its plugins run, and its WSSE ``Signature`` plugin
writes a plain XML-DSig in the header, while GIS (and the hub) want an enveloped XAdES-BES
signature as the first child of the Body element (GIS-FACTS §3). So the envelope is built with
lxml, signed by ``hub.contract.signing.sign_envelope`` and POSTed with httpx; zeep only
describes and decodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport

from hub import ns
from hub.client.errors import HubFault, PayloadError, ResponseError, TransportError
from hub.client.results import Ack

_FAULT_DETAIL = ns.qname(ns.BASE, "Fault")


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """One operation as the served WSDL describes it."""

    name: str
    soap_action: str
    input_element: str  # Clark notation of the Body element
    output_element: str
    header_element: str | None  # Clark notation of the soap:header element (RequestHeader …)


class ServiceContract:
    """One service's WSDL, loaded once by zeep (its XSDs come from ``?xsd=`` on the same hub)."""

    def __init__(self, wsdl: str, *, timeout: float = 30.0) -> None:
        # forbid_external would also refuse the xs:import of the XSDs served beside the WSDL;
        # DTDs and entities stay forbidden, so nothing but schema locations is fetched.
        settings = zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=False)
        try:
            transport = Transport(timeout=timeout, operation_timeout=timeout)  # type: ignore[no-untyped-call]
            self._client = zeep.Client(wsdl, transport=transport, settings=settings)  # type: ignore[no-untyped-call]
        except Exception as exc:  # requests' exceptions too, without importing requests for them
            if any(cls.__name__ == "ConnectionError" for cls in type(exc).__mro__):
                url = wsdl.split("?", 1)[0]
                raise TransportError(f"Хаб недоступен по адресу {url}: нет соединения") from exc
            raise ResponseError(f"cannot load the service contract from {wsdl}: {exc}") from exc
        self._binding = self._client.service._binding
        self.wsdl = wsdl

    @property
    def operation_names(self) -> tuple[str, ...]:
        return tuple(self._binding._operations)

    def operation(self, name: str) -> OperationInfo:
        """The operation called ``name`` (``urn:name`` accepted), or ``PayloadError``."""
        clean = name.strip().strip('"').removeprefix("urn:")
        op = self._binding._operations.get(clean)
        if op is None:
            raise PayloadError(f"operation {name!r} is not served here; available: {', '.join(self.operation_names)}")
        header = op.input.header
        header_elements = [el.qname for _, el in header.type.elements] if header is not None else []
        return OperationInfo(
            name=clean,
            soap_action=op.soapaction or f"urn:{clean}",
            input_element=str(op.input.body.qname),
            output_element=str(op.output.body.qname),
            header_element=str(header_elements[0]) if header_elements else None,
        )

    def check_payload(self, operation: OperationInfo, element: etree._Element) -> None:
        """The payload's root element must be the operation's input element."""
        if element.tag != operation.input_element:
            raise PayloadError(
                f"{operation.name} takes {_pretty(operation.input_element)}, the payload is {_pretty(str(element.tag))}"
            )

    def build_element(self, qname: str, values: Mapping[str, Any]) -> etree._Element:
        """An element of the contract rendered by zeep from a dict (``version=…`` for base:version)."""
        try:
            xsd_element = self._client.get_element(qname)  # type: ignore[no-untyped-call]
            holder = etree.Element("holder")
            xsd_element.render(holder, xsd_element(**values))
        except (zeep.exceptions.Error, TypeError, ValueError) as exc:
            raise PayloadError(f"cannot build {_pretty(qname)} from the given values: {exc}") from exc
        return holder[0]

    def request_header(
        self,
        operation: OperationInfo,
        *,
        message_guid: str,
        org_ppaguid: str | None,
        is_operator_signature: bool,
        date: dt.datetime,
    ) -> etree._Element:
        """The operation's soap:header element, in the XSD's order (Date, MessageGUID, orgPPAGUID, …)."""
        if operation.header_element is None:
            raise PayloadError(f"{operation.name} declares no SOAP header")
        values: dict[str, Any] = {"Date": date, "MessageGUID": message_guid}
        if operation.header_element == ns.qname(ns.BASE, "RequestHeader"):
            values["orgPPAGUID"] = org_ppaguid
            if is_operator_signature:
                values["IsOperatorSignature"] = True
        return self.build_element(operation.header_element, values)

    def read_ack(self, operation: OperationInfo, envelope: etree._Element) -> Ack:
        """The Ack of a 200 answer, deserialized by zeep against the operation's output message."""
        try:
            reply = self._binding.get(operation.name).process_reply(envelope)
        except (zeep.exceptions.Error, AttributeError, TypeError, ValueError) as exc:
            raise ResponseError(f"{operation.name}: the answer is not an AckRequest: {exc}") from exc
        body = reply.body if hasattr(reply, "body") and hasattr(reply, "header") else reply
        ack = getattr(body, "Ack", None) or getattr(getattr(body, "AckRequest", None), "Ack", None)
        if ack is None or not ack.MessageGUID:
            raise ResponseError(f"{operation.name}: the answer has no Ack/MessageGUID")
        return Ack(str(ack.MessageGUID).lower(), str(ack.RequesterMessageGUID or "").lower())

    def fault(self, operation: OperationInfo, envelope: etree._Element, status: int) -> HubFault:
        """The SOAP Fault in ``envelope`` as a ``HubFault`` (zeep reads the Fault, we read base:Fault)."""
        try:
            self._binding.process_error(envelope, self._binding.get(operation.name))
        except zeep.exceptions.Fault as fault:
            return _translate_fault(fault, status)
        raise ResponseError(f"HTTP {status} without a SOAP Fault")  # pragma: no cover - zeep always raises


def _translate_fault(fault: zeep.exceptions.Fault, status: int) -> HubFault:
    faultstring = str(fault.message or "")
    code = message = None
    detail = fault.detail
    if detail is not None:
        base_fault = detail.find(_FAULT_DETAIL)
        if base_fault is not None:
            code = (base_fault.findtext(ns.qname(ns.BASE, "ErrorCode")) or "").strip() or None
            message = (base_fault.findtext(ns.qname(ns.BASE, "ErrorMessage")) or "").strip() or None
    if code is None:
        head, sep, rest = faultstring.partition(": ")
        code, message = (head, rest) if sep and " " not in head else (str(fault.code or "Fault"), faultstring)
    return HubFault(code, message or faultstring, faultstring=faultstring, status=status)


def _pretty(clark: str) -> str:
    qname = etree.QName(clark)
    prefix = next((p for p, uri in ns.PREFIXES.items() if uri == qname.namespace), None)
    return f"{prefix}:{qname.localname}" if prefix else clark
