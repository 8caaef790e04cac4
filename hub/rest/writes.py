"""JSON writes: ``POST /api/v1/<resource>`` sends the resource's import through the one intake.

The body is the content of the operation's request element as JSON (``hub.contract.json_payload``:
keys are the XSD's element names, lists where it repeats). It becomes the canonical payload (the
request element), and ``Intake.submit`` does what it does for a signed SOAP message: callers,
version, limits, XSD, admission, dedup, the inbox commit, the queue. The answer is 202 with the
hub's message id and the status URL of the message log, where the per-object results appear — the
same results getState returns. ``X-Message-GUID`` is the sender's id of the message (resending the
same body with it answers the original message, as a SOAP resend does).
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from hub.contract import json_payload
from hub.contract.payload import Payload
from hub.contract.registry import Registry
from hub.errors import E, HubError
from hub.services.intake import Intake, Provenance, Source, Submission
from hub.services.ports import Directory, ResourceSpec
from hub.services.tokens import ApiToken

#: a JSON body larger than this is refused before it is parsed (the SOAP endpoint's own bound)
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class WritePorts:
    intake: Intake
    directory: Directory
    registry: Registry
    max_body_bytes: int = MAX_BODY_BYTES


class Accepted(BaseModel):
    message_guid: str
    requester_message_guid: str
    duplicate: bool
    status_url: str


MESSAGE_GUID = Annotated[
    str | None,
    Header(
        alias="X-Message-GUID",
        pattern="^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        description="Идентификатор сообщения отправителя (RequesterMessageGUID); повтор с ним не создаёт новое",
    ),
]


def add_writes(
    api: FastAPI,
    specs: Sequence[ResourceSpec],
    caller: Callable[..., Any],
    ports: Callable[[Request], WritePorts],
) -> None:
    """``POST /<name>`` for every spec with a ``write_operation``."""
    for spec in specs:
        if spec.write_operation:
            _add(api, spec.name, spec.write_operation, caller, ports)


def _add(
    api: FastAPI,
    name: str,
    operation_name: str,
    caller: Callable[..., Any],
    ports: Callable[[Request], WritePorts],
) -> None:
    async def write(request: Request, token: ApiToken, message_guid: str | None = None) -> Any:
        found = ports(request)
        raw = await _body(request, found.max_body_bytes)
        ack = await run_in_threadpool(submit, found, token, operation_name, raw, message_guid)
        return {**ack, "status_url": f"/api/v1/messages/{ack['message_guid']}"}

    # built, not annotated: the token dependency is this call's ``caller``
    keyword = inspect.Parameter.KEYWORD_ONLY
    write.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", keyword, annotation=Request),
            inspect.Parameter("token", keyword, annotation=Annotated[ApiToken, Depends(caller)]),
            inspect.Parameter("message_guid", keyword, annotation=MESSAGE_GUID, default=None),
        ]
    )

    api.add_api_route(
        f"/{name}",
        write,
        methods=["POST"],
        status_code=202,
        response_model=Accepted,
        summary=f"{operation_name} из документа JSON",
        description=(
            f"Тело — содержимое элемента запроса {operation_name} в JSON (имена элементов XSD, списки для"
            " повторяющихся). Отправляется через тот же приём, что и SOAP; результаты — в журнале сообщений."
        ),
        name=f"write_{name}",
        tags=[name],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
            }
        },
    )


async def _body(request: Request, limit: int) -> bytes:
    """The body, refused past ``limit`` while it streams in."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HubError(E.FMT914001, f"Тело запроса больше {limit} байт")
        chunks.append(chunk)
    return b"".join(chunks)


def submit(
    ports: WritePorts, token: ApiToken, operation_name: str, raw: bytes, message_guid: str | None
) -> dict[str, Any]:
    """Decode, convert and hand the document to ``Intake.submit``; the Ack as a dict."""
    if token.organization_id is None:
        raise HubError(E.INT914001)
    sender = ports.directory.organization(token.organization_id)
    operation = ports.registry.operation(operation_name)
    if sender is None or operation is None:  # pragma: no cover - a token's organization is never deleted
        raise HubError(E.AUT011002)
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HubError(E.FMT914001, f"Тело запроса не является JSON: {error}") from None
    element = json_payload.request_element(operation.request_qname, operation.versions[-1], document)
    ack = ports.intake.submit(
        Submission(
            operation=operation,
            payload=Payload.unsigned(element),
            sender=sender,
            requester_message_guid=(message_guid or str(uuid.uuid4())).lower(),
            provenance=Provenance(source=Source.REST, raw=raw, authenticated_by="token"),
        )
    )
    return {
        "message_guid": ack.message_guid,
        "requester_message_guid": ack.requester_message_guid,
        "duplicate": ack.duplicate,
    }
