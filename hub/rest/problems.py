"""Errors as ``application/problem+json`` (RFC 9457), from the one error catalogue.

The same code, Russian text, category and place as a SOAP Fault carries, so a client that reads
both APIs handles one set of codes.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from hub.errors import E, HubError

MEDIA_TYPE = "application/problem+json"


def problem(error: HubError, instance: str = "") -> JSONResponse:
    spec = error.spec
    body: dict[str, object] = {
        "type": f"urn:zhkh-hub:error:{spec.code}",
        "title": spec.text,
        "status": spec.http_status,
        "code": spec.code,
        "category": str(spec.category),
        "detail": error.detail or error.message,
    }
    if error.where:
        body["where"] = error.where
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=spec.http_status, media_type=MEDIA_TYPE)


async def hub_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HubError)
    return problem(exc, request.url.path)


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = "/".join(str(part) for part in first.get("loc", ()))
    error = HubError(E.FMT001300, f"Некорректный параметр запроса: {first.get('input')!r}", where=where)
    return problem(error, request.url.path)
