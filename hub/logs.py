"""Structured logs: one JSON object per line, with the request id of the HTTP request being served.

Every ``logging`` call of the hub (and of uvicorn, SQLAlchemy, dramatiq) goes through structlog's
``ProcessorFormatter``: a timestamp, the level, the logger, the event and whatever is bound to the
context — ``request_id`` while a request is served (:class:`RequestIds` binds it; threads that
``run_in_threadpool`` starts copy the context, so the store's and the services' lines carry it
too). The same id is the response's ``X-Request-ID`` header — on SOAP Faults and every other
answer — and the ``request_id`` of a problem+json body, so a client's complaint finds its lines.

A client may send its own ``X-Request-ID`` (a proxy's trace id); it is kept when it is short and
plain (``[A-Za-z0-9._-]``, ≤ 64), else the hub makes one. ``HUB_LOG_FORMAT=text`` gives
key=value lines for a terminal instead of JSON. Nothing happens at import time.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import structlog

HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode("latin-1")
_PLAIN = re.compile(r"[A-Za-z0-9._-]{1,64}")

log = logging.getLogger("hub.http")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def request_id() -> str | None:
    """The id of the request this code serves (None outside a request)."""
    found = structlog.contextvars.get_contextvars().get("request_id")
    return str(found) if found is not None else None


def formatter(fmt: str = "json") -> logging.Formatter:
    """The formatter that renders every stdlib record with the bound context."""
    chain: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def setup(level: int = logging.INFO, fmt: str = "json") -> None:
    """Route the root logger (and so every library's) through :func:`formatter` on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's own lines through the same formatter; its access log stays as uvicorn was told
    # (off in ``hub serve``: :class:`RequestIds` writes one line per request instead)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def _incoming(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == _HEADER_KEY:
            text = value.decode("latin-1").strip()
            return text if _PLAIN.fullmatch(text) else None
    return None


class RequestIds:
    """ASGI middleware: a request id per HTTP request — bound to the log context, sent back as
    ``X-Request-ID``, logged once with the method, path, status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming(scope) or uuid.uuid4().hex
        tokens = structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", ()), (_HEADER_KEY, rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            structlog.contextvars.reset_contextvars(**tokens)
