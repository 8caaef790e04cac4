"""The read resources under ``/api/v1``: one list and one item route per :class:`ResourceSpec`.

Which resources exist is not written here: the areas provide readers (``Area.provides``
``"read:<name>"``) and the core store provides organizations and NSI books; the launcher hands the
specs to :func:`add_resources` and the readers to the app's ports. So metering devices, readings and
payment documents appear here when their areas provide a reader — nothing in this package changes.
Every list pages by a cursor (the last id seen) in a stable order; an object outside the caller's scope
answers 404 exactly like a missing one (INT002013).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hub.errors import E, HubError
from hub.services.ports import ReadScope, ResourceFilter, ResourceReader, ResourceSpec
from hub.services.tokens import ApiToken

CURSOR = Annotated[int | None, Query(ge=0, le=2**62, description="next_cursor предыдущей страницы")]
LIMIT = Annotated[int, Query(ge=1, le=200, description="Сколько элементов на странице")]


class ResourcePageModel(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: int | None


def scope_of(caller: ApiToken) -> ReadScope:
    return ReadScope(None if caller.is_operator else caller.organization_id)


def _filter_annotation(spec: ResourceFilter) -> Any:
    if spec.kind == "datetime":
        return Annotated[datetime | None, Query(description=spec.description)]
    if spec.kind == "choice":
        pattern = "^(" + "|".join(spec.choices) + ")$"
        return Annotated[str | None, Query(pattern=pattern, description=spec.description)]
    return Annotated[str | None, Query(max_length=64, description=spec.description)]


def add_resources(
    api: FastAPI,
    specs: Sequence[ResourceSpec],
    caller: Callable[..., Any],
    readers: Callable[[Request], dict[str, ResourceReader]],
) -> None:
    """A list and an item route for each spec; ``caller`` is the token dependency."""
    for spec in specs:
        _add(api, spec, caller, readers)


def _add(
    api: FastAPI,
    spec: ResourceSpec,
    caller: Callable[..., Any],
    readers: Callable[[Request], dict[str, ResourceReader]],
) -> None:
    name = spec.name

    async def list_items(request: Request, token: ApiToken, cursor: int | None, limit: int, **filters: Any) -> Any:
        reader = readers(request)[name]
        page = await run_in_threadpool(reader.page, scope_of(token), filters, cursor, limit)
        # the readers give plain JSON values: encoded directly, not through FastAPI's recursive
        # encoder (half the time of a page of 200 accounts; response_model stays for the docs)
        return JSONResponse({"items": page.items, "next_cursor": page.next_cursor})

    parameters = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("token", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[ApiToken, Depends(caller)]),
        *(
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=_filter_annotation(f), default=None)
            for f in spec.filters
        ),
        inspect.Parameter("cursor", inspect.Parameter.KEYWORD_ONLY, annotation=CURSOR, default=None),
        inspect.Parameter("limit", inspect.Parameter.KEYWORD_ONLY, annotation=LIMIT, default=50),
    ]
    list_items.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    api.add_api_route(
        f"/{name}",
        list_items,
        methods=["GET"],
        response_model=ResourcePageModel,
        summary=spec.title,
        name=f"list_{name}",
        tags=[name],
    )

    async def get_item(request: Request, token: ApiToken, key: str) -> Any:
        found = await run_in_threadpool(readers(request)[name].get, scope_of(token), key)
        if found is None:
            raise HubError(E.INT002013, f"{spec.key} {key}")
        return JSONResponse(found)

    # built here, not written as annotations: the key's description is the spec's (no string
    # annotations FastAPI would have to resolve in this module's namespace)
    get_item.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            parameters[0],
            parameters[1],
            inspect.Parameter(
                "key",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[str, Path(max_length=64, description=spec.key)],
            ),
        ]
    )

    api.add_api_route(
        f"/{name}/{{key}}",
        get_item,
        methods=["GET"],
        response_model=dict[str, Any],
        summary=f"{spec.title}: один объект",
        name=f"get_{name}",
        tags=[name],
    )
