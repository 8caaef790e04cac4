"""The path of one SOAP request, from bytes to Ack / getStateResult / Fault.

Order matters and is the security argument (DESIGN §3): size → safe parse → SOAP frame →
dispatch (registry) → header XSD and kind → signature structure and the claimed certificate
(cheap) → certificate registered, valid, bound to the header's orgPPAGUID, Date skew → the whole
hub's admission bound → signature cryptography (strict, anti-wrapping) → SigningTime in the same
clock window → the one intake (``hub.services.intake``: caller, version, limits, XSD of the signed
element in place with the client's line numbers, admission, dedup, replay, commit, enqueue) → Ack.
This module keeps only the envelope, signature and header work; nothing is stored until every
check has passed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from hub import ns
from hub.contract import signature
from hub.contract.payload import Payload
from hub.contract.registry import HeaderKind, Operation, Registry, Service
from hub.contract.schemas import Schemas
from hub.contract.xmlparse import ParseLimits, parse_xml
from hub.domain.systems import SYSTEM_SERVICES
from hub.errors import E, HubError
from hub.metrics import Metrics
from hub.services.identity import Authenticator, SignerClaims, TransportCredentials
from hub.services.intake import Intake, Provenance, Source, Submission
from hub.services.outages import Outage
from hub.services.state import StateQuery
from hub.soap import envelope

log = logging.getLogger(__name__)
_SIGNATURE = ns.qname(ns.DS, "Signature")


@dataclass(frozen=True, slots=True)
class SoapPorts:
    """What the SOAP endpoint uses: nothing else of the hub."""

    registry: Registry
    schemas: Schemas
    authenticator: Authenticator
    intake: Intake
    states: StateQuery
    parse_limits: ParseLimits
    #: which failures mean "the store is away for now" (``hub.store.db.is_transient``)
    transient: Callable[[BaseException], bool] = lambda _exc: False
    database: Outage = field(default_factory=lambda: Outage("database"))
    metrics: Metrics | None = None
    #: ``HUB_UNSIGNED_COMMON``, read per request: unsigned requests to the common services
    unsigned_common: Callable[[], bool] = lambda: False


@dataclass(frozen=True, slots=True)
class SoapResponse:
    status: int
    body: bytes
    #: for the metrics: the operation dispatched to ("" before dispatch) and OK or the Fault's code
    operation: str = ""
    code: str = "OK"


def _fault(error: HubError, operation: str, faultcode: str = "Server") -> SoapResponse:
    return SoapResponse(500, envelope.fault(error, faultcode=faultcode), operation, error.code)


def handle(
    ports: SoapPorts,
    service: Service,
    body: bytes,
    *,
    soap_action: str | None,
    credentials: TransportCredentials,
) -> SoapResponse:
    """Answer one POST; never raises."""
    dispatched: list[str] = []
    try:
        response = _handle(ports, service, body, soap_action=soap_action, credentials=credentials, seen=dispatched)
    except HubError as exc:
        operation = dispatched[0] if dispatched else ""
        if exc.spec is E.FMT900007:
            return _fault(exc, operation, "MustUnderstand")
        log.info("refused: %s", exc.code)
        return _fault(exc, operation)
    except Exception as exc:
        operation = dispatched[0] if dispatched else ""
        if ports.transient(exc):
            # One line per outage (hub.services.outages), none per request; the client retries.
            ports.database.failed(exc)
            error = HubError(E.EXP002001, "Хранилище хаба временно недоступно, повторите запрос позже")
            return _fault(error, operation)
        log.exception("unexpected failure handling a SOAP request")
        return _fault(HubError(E.EXP001000), operation)
    ports.database.ok()
    return replace(response, operation=dispatched[0] if dispatched else "")


def _handle(
    ports: SoapPorts,
    service: Service,
    body: bytes,
    *,
    soap_action: str | None,
    credentials: TransportCredentials,
    seen: list[str],
) -> SoapResponse:
    root = parse_xml(body, limits=ports.parse_limits)
    request = envelope.read_envelope(root)
    operation = ports.registry.operation_for(service, request.body_child.tag)
    if operation is None:
        raise HubError(E.FMT900006, f"{request.body_child.tag} на {service.path}")
    seen.append(operation.name)
    for action in (soap_action, request.wcf_action):
        if action and action.strip('"') != operation.soap_action:
            raise HubError(E.FMT900006, f"SOAPAction {action} не соответствует {operation.soap_action}")
    accepted = " или ".join(operation.accepted_headers)
    if request.header is None:
        raise HubError(E.FMT001300, f"Нет заголовка {accepted}", where="/Envelope/Header")
    ports.schemas.validate(request.header)
    if request.header.tag not in {ns.qname(ns.BASE, kind) for kind in operation.accepted_headers}:
        raise HubError(
            E.FMT001300, f"Операция {operation.name} принимает заголовок {accepted}", where="/Envelope/Header"
        )
    if not operation.signed:
        return _get_state(ports, operation, service, request, credentials)
    if service.key in SYSTEM_SERVICES and ports.unsigned_common() and next(request.root.iter(_SIGNATURE), None) is None:
        return _unsigned_common(ports, operation, request, credentials, body)
    return _import_or_export(ports, operation, request, credentials, body)


def _unsigned_common(
    ports: SoapPorts,
    operation: Operation,
    request: envelope.RequestEnvelope,
    credentials: TransportCredentials,
    raw: bytes,
) -> SoapResponse:
    """An unsigned request to NsiCommonAsync/OrgRegistryCommonAsync, where the operator allows it
    (``HUB_UNSIGNED_COMMON``): the sender is whoever authenticated the connection, never anyone
    the header names, so its getState needs that same credential."""
    assert request.header is not None
    header = envelope.read_header(request.header)
    sender = ports.authenticator.transport(credentials)
    if sender is None:
        raise HubError(
            E.AUT900001,
            "Неподписанный запрос принимается только от аутентифицированного соединения "
            "(HTTP Basic или сертификат клиента)",
        )
    if header.org_ppaguid and header.org_ppaguid.strip().lower() != sender.ppaguid:
        raise HubError(
            E.AUT900007,
            "orgPPAGUID не принадлежит владельцу учетных данных соединения",
            where="RequestHeader/orgPPAGUID",
        )
    ports.intake.admit(sender, header.message_guid)
    ack = ports.intake.submit(
        Submission(
            operation=operation,
            payload=Payload.unsigned(request.body_child),
            sender=sender,
            requester_message_guid=header.message_guid,
            provenance=Provenance(
                source=Source.SOAP,
                raw=raw,
                authenticated_by="client-certificate" if credentials.certificate_fingerprint else "http-basic",
            ),
        )
    )
    return SoapResponse(200, envelope.ack(ack.message_guid, ack.requester_message_guid))


def _import_or_export(
    ports: SoapPorts,
    operation: Operation,
    request: envelope.RequestEnvelope,
    credentials: TransportCredentials,
    raw: bytes,
) -> SoapResponse:
    # The registry first, the cryptography after: an unregistered, revoked or expired key, or a
    # header naming another organization, is refused for the price of the parse alone.
    claim = signature.inspect_envelope(request.root)
    assert request.header is not None
    header = envelope.read_header(request.header)
    now = datetime.now(UTC)
    sender = ports.authenticator.signer(
        SignerClaims(
            fingerprint=claim.fingerprint,
            org_ppaguid=header.org_ppaguid,
            is_operator_signature=header.is_operator_signature,
            header_date=header.date,
            # an ISRequestHeader names no organization: the certificate's owner sends
            by_certificate_owner=request.header.tag == ns.qname(ns.BASE, HeaderKind.IS_REQUEST),
        ),
        now=now,
    )
    ports.intake.admit(sender, header.message_guid)  # a full hub refuses before the costly part
    verified = signature.verify_claim(claim, now=now)
    ports.authenticator.signing_time(verified.signing_time, now=now)
    transport_org = ports.authenticator.transport(credentials)
    if transport_org is not None and transport_org.id != sender.id:
        raise HubError(E.AUT900007, "Учетные данные соединения принадлежат другой организации")
    ack = ports.intake.submit(
        Submission(
            operation=operation,
            payload=Payload.signed(verified),
            sender=sender,
            requester_message_guid=header.message_guid,
            provenance=Provenance(
                source=Source.SOAP,
                raw=raw,
                authenticated_by="signature",
                certificate_fingerprint=verified.fingerprint,
                signature_digest=verified.signature_digest,
            ),
        )
    )
    return SoapResponse(200, envelope.ack(ack.message_guid, ack.requester_message_guid))


def _get_state(
    ports: SoapPorts,
    operation: Operation,
    service: Service,
    request: envelope.RequestEnvelope,
    credentials: TransportCredentials,
) -> SoapResponse:
    """getState, or getRequestsState (many MessageGUIDs at once): unsigned, the same caller check."""
    ports.schemas.validate(request.body_child)
    assert request.header is not None
    header = envelope.read_header(request.header)
    caller = ports.authenticator.state_caller(credentials, header.org_ppaguid)
    if operation.name == "getRequestsState":
        guids = [(e.text or "").strip() for e in request.body_child.iterfind(ns.qname(ns.BASE, "MessageGUIDList"))]
        answer = ports.states.requests_state(caller, guids, service, header.message_guid or str(uuid.uuid4()))
        return SoapResponse(200, answer)
    guid = (request.body_child.findtext(ns.qname(ns.BASE, "MessageGUID")) or "").strip()
    return SoapResponse(200, ports.states.answer(caller, guid, service))
