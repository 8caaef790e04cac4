"""``HubClient``: send a signed request, read its state, wait for the result.

The GIS asynchronous pattern (GIS-FACTS §1): a request returns ``AckRequest`` with the
MessageGUID the server assigned; ``getState`` on the same service returns ``RequestState``
1/2/3 and, at 3, the results — signed by the server, which the client checks against the
server's published certificate before believing a single result.

Retries: transient HTTP failures (502/503/504, connection errors, timeouts) are retried a
bounded number of times with the *same signed bytes*. That is safe against the hub, which
answers a resend of the same MessageGUID and content with the original Ack and does no new
work; GIS itself would want a rebuilt message (GIS-FACTS §5, EXP001000), which is what a
caller does by calling ``send`` again. A send refused as overloaded (Fault EXP002001, "try
again": nothing was stored) is retried too, with the same bytes and a longer, doubling pause
(``ClientConfig.overload``).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx
from cryptography import x509
from lxml import etree

from hub import ns
from hub.client.contract import OperationInfo, ServiceContract
from hub.client.errors import (
    ClientError,
    HubFault,
    PayloadError,
    ResponseError,
    ResponseSignatureError,
    TransportError,
    WaitTimeoutError,
)
from hub.client.payload import body_element
from hub.client.results import Ack, StateResult, parse_state
from hub.contract import pki, registry, signature, signing
from hub.contract.xmlparse import parse_xml
from hub.errors import HubError

#: GIS's own getState schedule (GIS-FACTS §6, quoted from the GIS docs): first poll ≥10 s after
#: the Ack, then ≥60 s, ≥300 s, ≥900 s, then every ≥1800 s. Use it against real GIS.
GIS_SCHEDULE: tuple[float, ...] = (10.0, 60.0, 300.0, 900.0, 1800.0)
#: The same shape shortened for a hub, which answers in well under a second.
HUB_SCHEDULE: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)
TRANSIENT_STATUSES = frozenset({502, 503, 504})
#: the Fault a hub (and GIS) answers when it is overloaded; GIS clients send again later
OVERLOADED = "EXP002001"
CERTIFICATE_PATH = "/hub/certificate.pem"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"


@dataclass(frozen=True, kw_only=True)
class Polling:
    """When to ask getState again: ``delays`` in order, then the last one (the cap) forever."""

    delays: tuple[float, ...] = HUB_SCHEDULE
    timeout: float = 120.0

    def delay(self, attempt: int) -> float:
        return self.delays[min(attempt, len(self.delays) - 1)] if self.delays else 1.0


@dataclass(frozen=True, kw_only=True)
class Retries:
    """Bounded retries of transient HTTP failures: ``attempts`` in all, pausing ``backoff[i]``."""

    attempts: int = 3
    backoff: tuple[float, ...] = (0.5, 1.0, 2.0)

    def pause(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff) - 1)] if self.backoff else 0.0


@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """Everything a client needs; secure by default (results verified against the hub's certificate).

    ``service`` is a key or port of ``hub.contract.registry`` (``home-management``
    or ``HomeManagementAsync``). ``password`` is the HTTP Basic password of the organization
    (user = ``org_ppaguid``); ``client_cert_fingerprint`` is sent in ``client_cert_header``
    instead (or as well), as a TLS-terminating proxy in front of the hub does. ``hub_certificate``
    pins the PEM results must be signed with; without it the hub's published certificate is
    fetched once from ``{base_url}/hub/certificate.pem`` (trust on first use per client).
    ``wsdl`` overrides where zeep loads the contract from (default ``{service URL}?wsdl``).
    """

    base_url: str = "http://127.0.0.1:8080"
    org_ppaguid: str
    #: RSA/ECDSA, or GOST R 34.10-2012 (signed in the CryptoPro client layout real GIS clients use)
    identity: pki.AnyIdentity | None = None
    service: str = registry.HOME_MANAGEMENT.key
    password: str | None = field(default=None, repr=False)
    client_cert_fingerprint: str | None = None
    client_cert_header: str = "X-Client-Cert-Fingerprint"
    is_operator_signature: bool = False
    timeout: float = 30.0
    polling: Polling = Polling()
    retries: Retries = Retries()
    #: sends refused with EXP002001: 5 tries, pausing 0.5 s, then doubling to at most 4 s
    overload: Retries = Retries(attempts=5, backoff=(0.5, 1.0, 2.0, 4.0))
    hub_certificate: bytes | None = None
    wsdl: str | None = None

    @property
    def service_info(self) -> registry.Service:
        for service in registry.registry().services:
            if self.service in {service.key, service.port}:
                return service
        known = ", ".join(f"{s.key} ({s.port})" for s in registry.registry().services)
        raise PayloadError(f"unknown service {self.service!r}; known: {known}")

    @property
    def service_url(self) -> str:
        return self.base_url.rstrip("/") + self.service_info.path


def service_of(operation: str) -> str:
    """The key of the one service that serves ``operation`` (``importMeteringDeviceValues`` →
    ``device-metering``), so a user need not know GIS's split of operations into services.

    Operation names are unique across GIS services except ``getState`` (every service has one),
    which asks for the service explicitly.
    """
    keys = sorted({op.service.key for op in registry.registry().operations if op.name == operation})
    if len(keys) == 1:
        return keys[0]
    if keys:
        raise PayloadError(f"{operation} is served by several services ({', '.join(keys)}): name one")
    served = sorted({op.name for op in registry.registry().operations if op.signed})
    raise PayloadError(f"the hub serves no operation {operation!r}; served: {', '.join(served)}")


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A signed request ready to POST: ``body`` is exactly what goes on the wire."""

    operation: OperationInfo
    message_guid: str  # RequestHeader/MessageGUID (becomes Ack/RequesterMessageGUID)
    body: bytes


class HubClient:
    """A client of one service of a hub (or of anything speaking the GIS async interface).

    ``http`` and ``sleep`` are injectable for tests (a tampering transport, a fake clock).
    ``on_overload(fault, pause, next_try, tries)`` is told before each pause of a send refused
    with EXP002001 (``hub send`` prints it).
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_overload: Callable[[HubFault, float, int, int], None] | None = None,
    ) -> None:
        self.config = config
        self._service = config.service_info
        auth = httpx.BasicAuth(config.org_ppaguid, config.password) if config.password is not None else None
        self._http = http or httpx.Client(timeout=config.timeout)
        self._owns_http = http is None
        self._auth = auth
        self._sleep = sleep
        self._on_overload = on_overload
        self._contract: ServiceContract | None = None
        self._hub_certificate: x509.Certificate | None = (
            pki.load_certificate(config.hub_certificate) if config.hub_certificate else None
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- contract ----------------------------------------------------------------------------

    @property
    def contract(self) -> ServiceContract:
        """The service's WSDL, loaded by zeep on first use."""
        if self._contract is None:
            self._contract = ServiceContract(
                self.config.wsdl or f"{self.config.service_url}?wsdl", timeout=self.config.timeout
            )
        return self._contract

    def hub_certificate(self) -> x509.Certificate:
        """The certificate results must be signed with: pinned, or fetched once from the hub."""
        if self._hub_certificate is None:
            url = self.config.base_url.rstrip("/") + CERTIFICATE_PATH
            response = self._request("GET", url)
            if response.status_code != 200:
                raise TransportError(f"GET {url}: HTTP {response.status_code}", status=response.status_code)
            try:
                self._hub_certificate = pki.load_certificate(response.content)
            except ValueError as exc:
                raise ResponseError(f"{url} is not a PEM certificate") from exc
        return self._hub_certificate

    # --- requests ----------------------------------------------------------------------------

    def prepare(self, operation: str, payload: bytes | etree._Element | Mapping[str, Any]) -> PreparedRequest:
        """Build and sign the envelope for ``operation`` around ``payload`` (nothing is sent).

        ``payload`` is the Body element (bytes or an lxml element), a whole envelope (its Body
        element is used, its header replaced), or a dict zeep renders into the operation's
        input element (``{"FIASHouseGuid": …, "version": "15.10.0.0"}``).
        """
        identity = self.config.identity
        if identity is None:
            raise PayloadError("a signing identity (key and certificate) is needed to send")
        info = self.contract.operation(operation)
        if not self._catalogue_operation(info).signed:
            raise PayloadError(f"{info.name} is not a signed request; use state() for getState")
        if isinstance(payload, Mapping):
            element = body_element(self.contract.build_element(info.input_element, payload))
        else:
            element = body_element(payload)
        self.contract.check_payload(info, element)
        message_guid = str(uuid.uuid4())
        envelope = self._envelope(info, message_guid, element)
        try:
            if isinstance(identity, pki.SigningIdentity):
                body = signing.sign_envelope(envelope, identity)
            else:
                from hub.contract.gost.signing import sign_envelope_gost

                body = sign_envelope_gost(envelope, identity, layout="client")
        except (HubError, ValueError) as exc:
            raise PayloadError(f"cannot sign the request: {exc}") from exc
        return PreparedRequest(info, message_guid, body)

    def send(self, operation: str, payload: bytes | etree._Element | Mapping[str, Any]) -> Ack:
        """Sign and send one request; return its Ack (raise ``HubFault`` on a Fault)."""
        return self.send_prepared(self.prepare(operation, payload))

    def send_prepared(self, request: PreparedRequest) -> Ack:
        """Send; a Fault EXP002001 (overloaded) is retried with the same bytes, as ``overload`` says."""
        tries = max(1, self.config.overload.attempts)
        for attempt in range(tries):
            try:
                envelope = self._post(request.operation, request.body)
                break
            except HubFault as fault:
                if fault.code != OVERLOADED or attempt == tries - 1:
                    raise
                pause = self.config.overload.pause(attempt)
                if self._on_overload is not None:
                    self._on_overload(fault, pause, attempt + 2, tries)
                self._sleep(pause)
        ack = self.contract.read_ack(request.operation, envelope)
        if ack.requester_message_guid and ack.requester_message_guid != request.message_guid:
            raise ResponseError(
                f"Ack/RequesterMessageGUID {ack.requester_message_guid} is not ours ({request.message_guid})"
            )
        return ack

    def state(self, message_guid: str) -> StateResult:
        """One getState: the message's state and, when processed, its verified results."""
        info = self.contract.operation("getState")
        body = self.contract.build_element(info.input_element, {"MessageGUID": message_guid.strip().lower()})
        envelope_bytes = self._envelope(info, str(uuid.uuid4()), body)
        raw_holder: list[bytes] = []
        self._post(info, envelope_bytes, raw=raw_holder)
        return self._verified_state(raw_holder[0])

    def wait(
        self,
        message_guid: str,
        *,
        timeout: float | None = None,
        on_state: Callable[[StateResult], None] | None = None,
    ) -> StateResult:
        """Poll getState on the configured schedule until RequestState 3, or raise ``WaitTimeoutError``."""
        limit = self.config.polling.timeout if timeout is None else timeout
        started = time.monotonic()
        last: StateResult | None = None
        attempt = 0
        while True:
            delay = self.config.polling.delay(attempt)
            waited = time.monotonic() - started
            if waited + delay > limit:
                raise WaitTimeoutError(message_guid, waited, last)
            self._sleep(delay)
            attempt += 1
            last = self.state(message_guid)
            if on_state is not None:
                on_state(last)
            if last.done:
                return last

    # --- internals ---------------------------------------------------------------------------

    def _catalogue_operation(self, info: OperationInfo) -> registry.Operation:
        for op in registry.registry().operations_of(self._service):
            if op.name == info.name:
                return op
        raise PayloadError(f"{info.name} is in the WSDL but not in the hub's operation catalogue")

    def _envelope(self, info: OperationInfo, message_guid: str, body: etree._Element) -> bytes:
        header = self.contract.request_header(
            info,
            message_guid=message_guid,
            org_ppaguid=self.config.org_ppaguid,
            is_operator_signature=self.config.is_operator_signature,
            date=dt.datetime.now(dt.UTC).astimezone(),
        )
        root = etree.Element(ns.qname(ns.SOAP_ENV, "Envelope"), nsmap={"soapenv": ns.SOAP_ENV, "base": ns.BASE})
        etree.SubElement(root, ns.qname(ns.SOAP_ENV, "Header")).append(header)
        etree.SubElement(root, ns.qname(ns.SOAP_ENV, "Body")).append(body)
        etree.cleanup_namespaces(root, top_nsmap=_top_nsmap(body))
        return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))

    def _headers(self, soap_action: str | None = None) -> dict[str, str]:
        headers = {"Content-Type": XML_CONTENT_TYPE}
        if soap_action:
            headers["SOAPAction"] = soap_action
        if self.config.client_cert_fingerprint:
            headers[self.config.client_cert_header] = self.config.client_cert_fingerprint
        return headers

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange with bounded retries of transient failures; httpx errors translated here."""
        retries = self.config.retries
        attempts = max(1, retries.attempts)
        for attempt in range(attempts):
            last_try = attempt == attempts - 1
            try:
                response = self._http.request(method, url, auth=self._auth or httpx.USE_CLIENT_DEFAULT, **kwargs)
            except httpx.TransportError as exc:
                if last_try:
                    if isinstance(exc, httpx.ConnectError):
                        raise TransportError(
                            f"Хаб недоступен по адресу {self.config.base_url}: нет соединения", attempts=attempts
                        ) from exc
                    raise TransportError(f"{method} {url}: {type(exc).__name__}: {exc}", attempts=attempts) from exc
            else:
                if response.status_code not in TRANSIENT_STATUSES or last_try:
                    return response
            self._sleep(retries.pause(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(self, info: OperationInfo, body: bytes, *, raw: list[bytes] | None = None) -> etree._Element:
        response = self._request("POST", self.config.service_url, content=body, headers=self._headers(info.soap_action))
        if response.status_code in TRANSIENT_STATUSES:
            raise TransportError(
                f"POST {self.config.service_url}: HTTP {response.status_code}",
                status=response.status_code,
                attempts=self.config.retries.attempts,
            )
        try:
            envelope = parse_xml(response.content)
        except HubError as exc:
            raise ResponseError(f"HTTP {response.status_code}, not XML: {response.text[:200]!r}") from exc
        body_el = envelope.find(ns.qname(ns.SOAP_ENV, "Body"))
        if response.status_code != 200 or (
            body_el is not None and body_el.find(ns.qname(ns.SOAP_ENV, "Fault")) is not None
        ):
            raise self.contract.fault(info, envelope, response.status_code)
        if raw is not None:
            raw.append(response.content)
        return envelope

    def _verified_state(self, raw: bytes) -> StateResult:
        """Verify the getStateResult signature, check the signer is the hub, parse what was signed."""
        envelope = parse_xml(raw)
        try:
            verified = signature.verify_envelope(envelope)
        except HubError as exc:
            raise ResponseSignatureError(
                f"the getStateResult signature does not verify: {exc.message}", code=exc.code
            ) from exc
        expected = pki.fingerprint(self.hub_certificate())
        if verified.fingerprint != expected:
            raise ResponseSignatureError(
                f"getStateResult is signed by certificate {verified.fingerprint}, not by the hub's {expected}"
            )
        return parse_state(verified.element, raw=raw, signer_fingerprint=verified.fingerprint)


def _top_nsmap(body: etree._Element) -> dict[str, str]:
    """Declare the payload's namespaces on the Envelope under readable prefixes (hm, base …)."""
    used = {etree.QName(el).namespace for el in body.iter() if isinstance(el.tag, str)}
    return {p: uri for p, uri in ns.PREFIXES.items() if uri in used and p not in {"ds", "xades"}}


__all__ = [
    "GIS_SCHEDULE",
    "HUB_SCHEDULE",
    "ClientConfig",
    "ClientError",
    "HubClient",
    "Polling",
    "PreparedRequest",
    "Retries",
]
