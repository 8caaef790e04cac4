"""The ASGI application: SOAP endpoints at GIS paths, ``?wsdl``/``?xsd=``, the hub certificate.

One Starlette app that will also carry REST. Request bodies are read with the size limit
enforced while streaming; the synchronous pipeline (lxml, signxml, the database) runs in the
thread pool so the event loop never blocks.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from ipaddress import ip_address

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from hub.composition import Hub, build_hub, readiness
from hub.config import Settings, load_settings
from hub.contract.registry import Service, registry
from hub.contract.xmlparse import ParseLimits
from hub.errors import E, HubError
from hub.services.identity import TransportCredentials
from hub.soap import envelope, handling, wsdl
from hub.soap.inflight import InflightBudget, give_back_memory
from hub.store.db import is_transient

log = logging.getLogger(__name__)
XML = "text/xml; charset=utf-8"
CERT_PATH = "/hub/certificate.pem"


class _TooLargeError(Exception):
    """Raised when a request body exceeds the configured limit while streaming."""


class _OverBudgetError(Exception):
    """Raised when a request body does not fit the process's in-flight budget."""


async def _read_body(request: Request, limit: int, budget: InflightBudget, held: list[int]) -> bytes:
    """The body, reserving its size in ``budget`` as it arrives (``held`` accumulates what was
    reserved, for the caller to release whatever happens): by Content-Length before reading
    anything, else chunk by chunk."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        if int(declared) > limit:
            raise _TooLargeError
        if not budget.reserve(int(declared)):
            raise _OverBudgetError
        held.append(int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLargeError
        if size > sum(held):
            extra = size - sum(held)
            if not budget.reserve(extra):
                raise _OverBudgetError
            held.append(extra)
        chunks.append(chunk)
    return b"".join(chunks)


def _handle_and_give_back(
    ports: handling.SoapPorts,
    service: Service,
    body: bytes,
    *,
    soap_action: str | None,
    credentials: TransportCredentials,
) -> handling.SoapResponse:
    try:
        answer = handling.handle(ports, service, body, soap_action=soap_action, credentials=credentials)
    finally:
        give_back_memory(len(body))
    if ports.metrics is not None:
        ports.metrics.answered(service.key, answer.operation or "-", answer.code)
    return answer


def soap_ports(hub: Hub) -> handling.SoapPorts:
    """The SOAP endpoint's narrow view of the hub."""
    return handling.SoapPorts(
        registry=hub.registry,
        schemas=hub.schemas,
        authenticator=hub.authenticator,
        intake=hub.intake,
        states=hub.states,
        parse_limits=ParseLimits(max_bytes=hub.settings.max_body_bytes, max_depth=hub.settings.max_xml_depth),
        transient=is_transient,
        database=hub.database_outage,
        metrics=hub.metrics,
        unsigned_common=lambda: hub.settings.unsigned_common,
    )


def _from_trusted_proxy(request: Request, hub: Hub) -> bool:
    """True when the TCP peer is one of the configured TLS-terminating proxies.

    The peer is the socket's address: uvicorn runs with ``proxy_headers=False`` so that no
    X-Forwarded-For has rewritten it before this check.
    """
    networks = hub.settings.trusted_proxy_networks
    if not networks or request.client is None:
        return False
    try:
        peer = ip_address(request.client.host)
    except ValueError:
        return False
    return any(peer in network for network in networks)


def _credentials(request: Request, hub: Hub) -> TransportCredentials:
    user = password = None
    auth = request.headers.get("authorization", "")
    if auth[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
            user, _, password = decoded.partition(":")
        except (ValueError, UnicodeDecodeError):
            user, password = "", ""
    address = request.client.host if request.client else None
    fingerprint = None
    if _from_trusted_proxy(request, hub):
        # Only a proxy that terminated the client's TLS knows its certificate; from anyone else
        # the header is a claim anybody can make (the fingerprint travels in every signed request).
        fingerprint = request.headers.get(hub.settings.client_cert_header) or None
        forwarded = request.headers.get("x-forwarded-for", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    return TransportCredentials(
        basic_user=user, basic_password=password, certificate_fingerprint=fingerprint, address=address
    )


def _peer(request: Request) -> str:
    return f"{request.client.host}:{request.client.port}" if request.client else "?"


def _base_url(request: Request, hub: Hub) -> str:
    return hub.settings.public_url or str(request.base_url).rstrip("/")


def _service_endpoint(service: Service):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        hub: Hub = request.app.state.hub
        if request.method == "GET":
            return _contract_document(request, hub, service)
        budget: InflightBudget = request.app.state.inflight
        held: list[int] = []
        try:
            body = await _read_body(request, hub.settings.max_body_bytes, budget, held)
            answer = await run_in_threadpool(
                _handle_and_give_back,
                request.app.state.soap,
                service,
                body,
                soap_action=request.headers.get("soapaction"),
                credentials=_credentials(request, hub),
            )
        except _TooLargeError:
            error = HubError(E.FMT900004, f"Допустимо не более {hub.settings.max_body_bytes} байт")
            return Response(envelope.fault(error), status_code=500, media_type=XML)
        except _OverBudgetError:
            log.info("refused %s: request bodies in progress fill the in-flight budget", _peer(request))
            error = HubError(E.EXP002001, "Обрабатывается слишком много данных одновременно")
            return Response(envelope.fault(error), status_code=500, media_type=XML)
        except ClientDisconnect:
            # Nobody is left to answer; one line, not an ASGI traceback per dropped upload.
            log.info("client %s disconnected before the request body was complete", _peer(request))
            return Response(status_code=400)
        finally:
            budget.release(sum(held))
        return Response(answer.body, status_code=answer.status, media_type=XML)

    return endpoint


def _contract_document(request: Request, hub: Hub, service: Service) -> Response:
    base = _base_url(request, hub)
    if "wsdl" in {k.lower() for k in request.query_params}:
        return Response(wsdl.served_wsdl(service, base), media_type=XML)
    name = request.query_params.get("xsd")
    if name:
        try:
            return Response(wsdl.served_xsd(service, base, name), media_type=XML)
        except HubError as exc:
            return PlainTextResponse(str(exc), status_code=404)
    return PlainTextResponse(
        f"SOAP 1.1 endpoint {service.port}. POST signed messages here; contract: {base}{service.path}?wsdl\n"
    )


async def _certificate(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    return Response(hub.identity.certificate_pem, media_type="application/x-pem-file")


async def _ready(request: Request) -> Response:
    """200 when the database and the queue answer; 503 naming what does not (load balancers)."""
    hub: Hub = request.app.state.hub
    checks = await run_in_threadpool(readiness, hub)
    status = 200 if all(v == "ok" for v in checks.values()) else 503
    return JSONResponse({"status": "ok" if status == 200 else "unavailable", **checks}, status_code=status)


async def _metrics(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    body = await run_in_threadpool(hub.metrics.render)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


async def _health(request: Request) -> Response:
    """Liveness, and the backlog intake's admission control compares with its bounds (0 = off)."""
    hub: Hub = request.app.state.hub
    try:
        unfinished: int | None = (await run_in_threadpool(hub.inbox.backlog, None)).total
    except Exception:
        log.warning("could not count the backlog for /health", exc_info=True)
        unfinished = None
    backlog = {
        "unfinished": unfinished,
        "limit": hub.settings.max_backlog,
        "per_organization_limit": hub.settings.effective_max_backlog_per_org,
    }
    return JSONResponse({"status": "ok", "backlog": backlog})


async def _index(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    base = _base_url(request, hub)
    lines = ["zhkh-hub", ""]
    for service in hub.registry.services:
        lines.append(f"{service.port}: {base}{service.path}  (WSDL: {base}{service.path}?wsdl)")
        for op in hub.registry.operations_of(service):
            lines.append(f"  - {op.name} ({op.soap_action})")
    lines += ["", f"Hub signing certificate: {base}{CERT_PATH}"]
    return PlainTextResponse("\n".join(lines) + "\n")


def create_app(
    settings: Settings | None = None,
    *,
    hub: Hub | None = None,
    beside: Callable[[Hub], AbstractContextManager[object]] | None = None,
    mounts: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI app over ``hub`` (or one built from ``settings`` at startup).

    The app runs no workers of its own: ``hub serve`` starts the in-process worker beside it in
    the embedded shape (``beside``: entered once the hub is built, left before it is closed —
    how each process of ``hub serve --processes N`` runs its worker), and ``hub worker``
    processes run separately in production.
    """
    settings = settings or (hub.settings if hub else load_settings())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        the_hub = hub or build_hub(settings)
        app.state.hub = the_hub
        app.state.soap = soap_ports(the_hub)
        app.state.inflight = InflightBudget(settings.max_inflight_bytes)
        try:
            with beside(the_hub) if beside is not None else nullcontext():
                yield
        finally:
            if hub is None:
                the_hub.close()

    routes: list[BaseRoute] = [
        Route("/", _index),
        Route("/health", _health),
        Route("/healthz", _health),
        Route("/readyz", _ready),
        Route("/metrics", _metrics),
        Route(CERT_PATH, _certificate),
    ]
    routes += [
        Route(service.path, _service_endpoint(service), methods=["GET", "POST"]) for service in registry().services
    ]
    routes += mounts
    return Starlette(routes=routes, lifespan=lifespan)
