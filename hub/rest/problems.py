"""Errors as ``application/problem+json`` (RFC 9457), from the one error catalogue.

The same code, Russian text, category and place as a SOAP Fault carries, so a client that reads
both APIs handles one set of codes.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from hub import logs
from hub.errors import E, HubError

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

#: the body's JSON schema, as the OpenAPI document shows it
PROBLEM_SCHEMA: dict[str, object] = {
    "type": "object",
    "required": ["type", "title", "status", "code", "category", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string", "pattern": "^[A-Z]{3}[0-9]{6}$"},
        "category": {"type": "string", "enum": ["permanent", "retryable", "empty"]},
        "detail": {"type": "string"},
        "where": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
    },
}
_WHAT = {
    400: "Некорректный запрос",
    401: "Нет токена или он не действует",
    403: "Нет прав",
    404: "Не найдено (или принадлежит другой организации)",
    409: "Конфликт с уже принятым",
    413: "Слишком большой запрос",
    429: "Слишком много попыток",
    503: "Временно недоступно, повторите позже",
}
#: every status the catalogue can answer with, documented for every route (``FastAPI(responses=…)``)
RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"description": text, "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}} for status, text in _WHAT.items()
}


def problem(error: HubError, instance: str = "", status: int | None = None) -> JSONResponse:
    spec = error.spec
    status = status or spec.http_status
    body: dict[str, object] = {
        "type": f"urn:zhkh-hub:error:{spec.code}",
        "title": spec.text,
        "status": status,
        "code": spec.code,
        "category": str(spec.category),
        "detail": error.detail or error.message,
    }
    if error.where:
        body["where"] = error.where
    if instance:
        body["instance"] = instance
    rid = logs.request_id()
    if rid:
        body["request_id"] = rid
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


async def hub_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HubError)
    return problem(exc, request.url.path)


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A defect of the hub: EXP001000 as a problem, never a traceback (the log has it)."""
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return problem(HubError(E.EXP001000), request.url.path)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (no such path, a method the path does not take) as problems too:
    FMT900006 "the operation is not supported", with the status Starlette chose."""
    assert isinstance(exc, StarletteHTTPException)
    error = HubError(E.FMT900006, f"{request.method} {request.url.path}")
    response = problem(error, request.url.path, exc.status_code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = "/".join(str(part) for part in first.get("loc", ()))
    error = HubError(E.FMT001300, f"Некорректный параметр запроса: {first.get('input')!r}", where=where)
    return problem(error, request.url.path)


class LineBreakPaths:
    """ASGI middleware: a path under ``prefix`` with a line break is answered 404 problem+json.

    Starlette's routes match with ``.``, which stops at a line break, so such a path (``%0A`` in a
    GUID) would fall through every mount to the outer app's plain-text 404, outside the API's
    document. Nothing the API serves has one.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(self.prefix) and ("\n" in path or "\r" in path):
            response = problem(HubError(E.FMT900006, "Путь с переводом строки"), "", 404)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
