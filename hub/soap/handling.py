"""The path of one SOAP request, from bytes to Ack / getStateResult / Fault.

Order matters and is the security argument (DESIGN §3): size → safe parse → SOAP frame →
dispatch → header XSD → signature structure and the claimed certificate (cheap) → registry:
certificate registered, valid, bound to the header's orgPPAGUID, Date skew → signature
cryptography (strict, anti-wrapping) → SigningTime in the same clock window → version → XSD of
the signed element in place (the client's line numbers) → inbox commit (one accepted message per
signature value: replays refused) → enqueue → Ack. Nothing is stored until every check has
passed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from hub import ns
from hub.composition import Hub
from hub.contract import operations, responses, signature
from hub.contract.operations import Operation, Service
from hub.contract.xmlparse import ParseLimits, parse_xml
from hub.errors import E, HubError
from hub.services import identity, intake, state
from hub.services.identity import SignerClaims, TransportCredentials
from hub.services.ports import NewInboxEntry, Organization
from hub.soap import envelope

log = logging.getLogger(__name__)

_VERSION = ns.qname(ns.BASE, "version")


@dataclass(frozen=True, slots=True)
class SoapResponse:
    status: int
    body: bytes


def _fault(error: HubError, faultcode: str = "Server") -> SoapResponse:
    return SoapResponse(500, envelope.fault(error, faultcode=faultcode))


def handle(
    hub: Hub,
    service: Service,
    body: bytes,
    *,
    soap_action: str | None,
    credentials: TransportCredentials,
) -> SoapResponse:
    """Answer one POST; never raises."""
    try:
        return _handle(hub, service, body, soap_action=soap_action, credentials=credentials)
    except HubError as exc:
        if exc.spec is E.FMT900007:
            return _fault(exc, "MustUnderstand")
        log.info("refused: %s", exc.code)
        return _fault(exc)
    except Exception:
        log.exception("unexpected failure handling a SOAP request")
        return _fault(HubError(E.EXP001000))


def _handle(
    hub: Hub,
    service: Service,
    body: bytes,
    *,
    soap_action: str | None,
    credentials: TransportCredentials,
) -> SoapResponse:
    limits = ParseLimits(max_bytes=hub.settings.max_body_bytes, max_depth=hub.settings.max_xml_depth)
    root = parse_xml(body, limits=limits)
    request = envelope.read_envelope(root)
    operation = operations.operation_for(service, request.body_child.tag)
    if operation is None:
        raise HubError(E.FMT900006, f"{request.body_child.tag} на {service.path}")
    for action in (soap_action, request.wcf_action):
        if action and action.strip('"') != operation.soap_action:
            raise HubError(E.FMT900006, f"SOAPAction {action} не соответствует {operation.soap_action}")
    if request.header is None:
        raise HubError(E.FMT001300, "Нет заголовка RequestHeader", where="/Envelope/Header")
    hub.schemas.validate(request.header)
    if not operation.signed:
        return _get_state(hub, service, request, credentials)
    return _import_or_export(hub, operation, request, credentials, body)


def _transport_org(hub: Hub, credentials: TransportCredentials) -> Organization | None:
    if not credentials.present:
        return None
    return identity.authenticate_transport(hub.directory, credentials, hub.passwords)


def _import_or_export(
    hub: Hub, operation: Operation, request: envelope.RequestEnvelope, credentials: TransportCredentials, raw: bytes
) -> SoapResponse:
    # The registry first, the cryptography after: an unregistered, revoked or expired key, or a
    # header naming another organization, is refused for the price of the parse alone.
    claim = signature.inspect_envelope(request.root)
    assert request.header is not None
    header = envelope.read_header(request.header)
    now = datetime.now(UTC)
    sender = identity.authenticate_signer(
        hub.directory,
        SignerClaims(
            fingerprint=claim.fingerprint,
            org_ppaguid=header.org_ppaguid,
            is_operator_signature=header.is_operator_signature,
            header_date=header.date,
        ),
        now=now,
        skew_seconds=hub.settings.clock_skew_seconds,
    )
    # A full hub refuses before the costly part too (only the whole-hub bound, which /health
    # shows anyway: the organization's own share is not told to an unverified sender).
    intake.admit(hub.inbox, sender.id, header.message_guid, intake.BacklogLimits(whole=hub.settings.max_backlog))
    verified = signature.verify_claim(claim, now=now)
    identity.check_signing_time(verified.signing_time, now=now, skew_seconds=hub.settings.clock_skew_seconds)
    transport_org = _transport_org(hub, credentials)
    if transport_org is not None and transport_org.id != sender.id:
        raise HubError(E.AUT900007, "Учетные данные соединения принадлежат другой организации")
    element = verified.element
    version = element.get(_VERSION)
    if operation.versions and version not in operation.versions:
        raise HubError(
            E.FMT001300,
            f"Версия {version!r} не поддерживается; поддерживаются: {', '.join(operation.versions)}",
            where=f"строка {element.sourceline}, /{operation.request_element}/@base:version",
        )
    hub.schemas.validate(element)
    ack = intake.accept(
        NewInboxEntry(
            message_guid=intake.new_message_guid(),
            requester_message_guid=header.message_guid,
            sender_id=sender.id,
            service=operation.service.key,
            operation=operation.name,
            version=version or "",
            digest=verified.content_digest,
            raw=raw,
            signed=etree.tostring(element),
            certificate_fingerprint=verified.fingerprint,
            signature_digest=verified.signature_digest,
        ),
        inbox=hub.inbox,
        queue=hub.queue,
        actor=f"org:{sender.ppaguid}",
        limits=intake.BacklogLimits(
            whole=hub.settings.max_backlog, per_organization=hub.settings.effective_max_backlog_per_org
        ),
    )
    return SoapResponse(200, envelope.ack(ack.message_guid, ack.requester_message_guid))


def _get_state(
    hub: Hub, service: Service, request: envelope.RequestEnvelope, credentials: TransportCredentials
) -> SoapResponse:
    hub.schemas.validate(request.body_child)
    assert request.header is not None
    header = envelope.read_header(request.header)
    if hub.settings.transport_auth:
        caller = identity.authenticate_transport(hub.directory, credentials, hub.passwords)
    else:
        # Transport authentication switched off by the operator: trust the header (documented risk).
        org = hub.directory.organization_by_ppaguid(header.org_ppaguid or "")
        if org is None:
            raise HubError(E.AUT011002, where="RequestHeader/orgPPAGUID")
        caller = org
    guid = (request.body_child.findtext(ns.qname(ns.BASE, "MessageGUID")) or "").strip().lower()
    entry = state.lookup(hub.inbox, caller, guid, service.key)
    if entry.response is not None:
        return SoapResponse(200, responses.replace_header_date(entry.response, entry.requester_message_guid))
    pending = (entry.id, int(entry.state))
    if entry.state != 3:
        # The same signed answer as for the last poll in this state, with a fresh unsigned
        # ResultHeader — exactly how a finished request's stored response is replayed. The
        # caller was authenticated and authorized above, on every poll.
        cached = hub.pending_responses.get(pending)
        if cached is not None:
            return SoapResponse(200, responses.replace_header_date(cached, entry.requester_message_guid))
    signed = responses.signed_state_result(
        service_namespace=service.namespace,
        version=service.get_state_result_version,
        state=int(entry.state),
        message_guid=entry.message_guid,
        result=entry.result if entry.state == 3 else None,
        requester_message_guid=entry.requester_message_guid,
        identity=hub.identity,
    )
    if entry.state == 3:
        hub.inbox.store_response(entry.id, signed)
        for earlier in (1, 2):
            hub.pending_responses.pop((entry.id, earlier), None)
    else:
        if len(hub.pending_responses) >= _PENDING_CACHE_SIZE:
            hub.pending_responses.clear()  # crude bound: a poller re-signs once after this
        hub.pending_responses[pending] = signed
    return SoapResponse(200, signed)


_PENDING_CACHE_SIZE = 4096
