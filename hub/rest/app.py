"""``/api/v1``: the message log over JSON, behind per-organization API tokens.

An organization's token sees only its own messages; another organization's message answers 404
exactly as a missing one does (no existence leak, as getState's INT002013). The operator token
sees every organization's. Errors are problem+json with the catalogue's codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.contract.result_view import read_result
from hub.errors import E, HubError
from hub.rest import problems
from hub.rest.resources import CURSOR, LIMIT, ResourcePageModel, add_resources
from hub.rest.uploads import UploadPorts, add_uploads
from hub.rest.writes import WritePorts, add_writes
from hub.services import tokens
from hub.services.ports import ResourceReader, ResourceSpec
from hub.services.state import StateQuery
from hub.services.tokens import ApiToken, TokenStore
from hub.store.message_log import LoggedMessage, SqlMessageLog
from hub.store.resources import SqlNsiBooks

STATE_LABELS = {1: "received", 2: "processing", 3: "processed"}


@dataclass(frozen=True)
class RestPorts:
    tokens: TokenStore
    messages: SqlMessageLog
    nsi: SqlNsiBooks
    #: resource name → reader (the areas' ``read:<name>`` ports and the core store's)
    resources: dict[str, ResourceReader] = field(default_factory=dict)
    writes: WritePorts | None = None
    uploads: UploadPorts | None = None
    #: signs a processed message's getStateResult when the worker did not (an upload's batches)
    states: StateQuery | None = None


class Message(BaseModel):
    message_guid: str
    requester_message_guid: str
    service: str
    operation: str
    version: str
    source: str
    authenticated_by: str
    state: int
    state_label: str
    attempts: int
    created_at: datetime
    finished_at: datetime | None
    status_url: str


class MessagePage(BaseModel):
    items: list[Message]
    next_cursor: int | None


class ErrorModel(BaseModel):
    code: str
    description: str


class ObjectResult(BaseModel):
    transport_guid: str
    guid: str | None
    unique_number: str | None
    update_date: str | None
    errors: list[ErrorModel]


class MessageDetail(Message):
    error: ErrorModel | None = None
    objects: list[ObjectResult] = []
    exports: list[str] = []


def _ports(request: Request) -> RestPorts:
    ports: RestPorts | None = getattr(request.app.state, "ports", None)
    if ports is None:  # pragma: no cover - the hub is built before the first request is served
        raise HubError(E.EXP001000, "API ещё не готов")
    return ports


async def _caller(request: Request) -> ApiToken:
    ports = _ports(request)
    header = request.headers.get("authorization")
    return await run_in_threadpool(tokens.authenticate, ports.tokens, header)


Caller = Annotated[ApiToken, Depends(_caller)]


def _message(row: LoggedMessage) -> dict[str, Any]:
    state = int(row.state)
    return {
        "message_guid": row.message_guid,
        "requester_message_guid": row.requester_message_guid,
        "service": row.service,
        "operation": row.operation,
        "version": row.version,
        "source": row.source,
        "authenticated_by": row.authenticated_by,
        "state": state,
        "state_label": STATE_LABELS.get(state, str(state)),
        "attempts": row.attempts,
        "created_at": row.created_at,
        "finished_at": row.finished_at,
        "status_url": f"/api/v1/messages/{row.message_guid}",
    }


def visible_message(ports: RestPorts, caller: ApiToken, message_guid: str) -> LoggedMessage:
    found = ports.messages.get(message_guid)
    if found is None or (not caller.is_operator and found.sender_id != caller.organization_id):
        raise HubError(E.INT002013, f"MessageGUID {message_guid}")
    return found


def _readers(request: Request) -> dict[str, ResourceReader]:
    return _ports(request).resources


def _writes(request: Request) -> WritePorts:
    found = _ports(request).writes
    if found is None:  # pragma: no cover - the launcher always gives them
        raise HubError(E.EXP001000, "Приём через API не настроен")
    return found


def _uploads(request: Request) -> UploadPorts:
    found = _ports(request).uploads
    if found is None:  # pragma: no cover - the launcher always gives them
        raise HubError(E.EXP001000, "Загрузка файлов не настроена")
    return found


def create_api(resources: Sequence[ResourceSpec] = ()) -> FastAPI:
    """The API with the message log and a list/item route pair per resource spec."""
    api = FastAPI(
        title="zhkh-hub REST API",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        description="Журнал сообщений хаба ГИС ЖКХ по токену организации (Authorization: Bearer).",
        responses=problems.RESPONSES,
    )
    api.add_exception_handler(HubError, problems.hub_error)
    api.add_exception_handler(RequestValidationError, problems.invalid_request)
    api.add_exception_handler(StarletteHTTPException, problems.http_error)
    api.add_exception_handler(Exception, problems.unexpected)

    @api.get("/messages", response_model=MessagePage)
    async def list_messages(
        request: Request,
        caller: Caller,
        state: Annotated[int | None, Query(ge=1, le=3)] = None,
        operation: Annotated[str | None, Query(max_length=64)] = None,
        source: Annotated[str | None, Query(max_length=16)] = None,
        cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """The caller's messages, newest first; ``next_cursor`` continues the list."""
        ports = _ports(request)
        rows = await run_in_threadpool(
            lambda: ports.messages.page(
                sender_id=None if caller.is_operator else caller.organization_id,
                state=state,
                operation=operation,
                source=source,
                before_id=cursor,
                limit=limit,
            )
        )
        return {"items": [_message(r) for r in rows], "next_cursor": rows[-1].id if len(rows) == limit else None}

    @api.get("/messages/{message_guid}", response_model=MessageDetail)
    async def get_message(request: Request, caller: Caller, message_guid: str) -> dict[str, Any]:
        """One message with its per-object results (the same ones getState returns)."""
        ports = _ports(request)
        found = await run_in_threadpool(visible_message, ports, caller, message_guid)
        detail = _message(found)
        _raw, result, _response = await run_in_threadpool(ports.messages.documents, found.id)
        if result is not None:
            view = read_result(result)
            detail["error"] = asdict(view.error) if view.error else None
            detail["objects"] = [asdict(o) for o in view.objects]
            detail["exports"] = list(view.exports)
        return detail

    @api.get("/messages/{message_guid}/request", response_class=Response)
    async def get_request(request: Request, caller: Caller, message_guid: str) -> Response:
        """The request exactly as the hub received it."""
        ports = _ports(request)
        found = await run_in_threadpool(visible_message, ports, caller, message_guid)
        raw, _result, _response = await run_in_threadpool(ports.messages.documents, found.id)
        return Response(raw, media_type="application/xml")

    @api.get("/messages/{message_guid}/response", response_class=Response)
    async def get_response(request: Request, caller: Caller, message_guid: str) -> Response:
        """The signed getStateResult of a processed message (404 until the hub stored it)."""
        ports = _ports(request)
        found = await run_in_threadpool(visible_message, ports, caller, message_guid)
        _raw, _result, response = await run_in_threadpool(ports.messages.documents, found.id)
        if response is None and ports.states is not None:
            response = await run_in_threadpool(ports.states.processed_answer, found.message_guid)
        if response is None:
            raise HubError(E.INT002013, f"Ответ на сообщение {message_guid} ещё не сформирован")
        return Response(response, media_type="application/xml")

    add_resources(api, resources, _caller, _readers)
    add_writes(api, resources, _caller, _writes)
    add_uploads(api, _caller, _uploads)

    @api.get("/nsi/{registry_number}/items", response_model=ResourcePageModel, tags=["nsi"])
    async def nsi_items(
        request: Request,
        _caller: Caller,
        registry_number: Annotated[str, Path(max_length=10)],
        modified_since: Annotated[datetime | None, Query()] = None,
        cursor: CURSOR = None,
        limit: LIMIT = 50,
    ) -> dict[str, Any]:
        """A book's items in code order; ``modified_since`` for delta sync (NSI is public to every token)."""
        page = await run_in_threadpool(_ports(request).nsi.items, registry_number, modified_since, cursor, limit)
        if page is None:
            raise HubError(E.INT002013, f"Справочник {registry_number}")
        return {"items": page.items, "next_cursor": page.next_cursor}

    return api
