"""The operator web page at ``/ui``: server-rendered HTML (Jinja2), no JavaScript build step.

Sign in with an API token (kept in an HttpOnly, SameSite=Strict cookie, so the page's links carry
no secret); the caller's messages with filters and their live state (the list reloads itself while
a listed message is unfinished); a message's detail with its per-object results and errors (code,
text, place) and its request and response XML to download; the organization's houses and
accounts. It reads through the same ports as ``/api/v1`` and so sees exactly what the token may.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.concurrency import run_in_threadpool
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from hub.contract.result_view import read_result
from hub.errors import E, HubError
from hub.rest.app import STATE_LABELS, RestPorts, visible_message
from hub.rest.resources import scope_of
from hub.rest.uploads import MAX_UPLOAD_BYTES, XLSX, UploadPorts, attachment, template_bytes
from hub.services import tokens, uploads
from hub.services.tokens import ApiToken
from hub.services.uploads import KindInfo, StoredUpload
from hub.store.message_log import LoggedMessage

#: the request as received, the stored result fragment, the signed getStateResult
Documents = tuple[bytes, bytes | None, bytes | None]

COOKIE = "hub_token"
TEMPLATES = Path(__file__).parent / "templates"
STATE_RU = {1: "получено", 2: "обрабатывается", 3: "обработано"}
_PLACE = re.compile(r"Место: (?P<place>.+?)(?:\. |$)")


def _ports(request: Request) -> RestPorts:
    ports: RestPorts = request.app.state.ports
    return ports


def _caller(request: Request) -> ApiToken | None:
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    try:
        return tokens.authenticate(_ports(request).tokens, f"Bearer {secret}")
    except HubError:
        return None


def _to(request: Request, path: str) -> RedirectResponse:
    """A redirect to ``path`` under wherever the page is mounted (``/ui``)."""
    return RedirectResponse(request.scope.get("root_path", "") + path, status_code=303)


def split_place(description: str) -> tuple[str, str]:
    """An error text and its place (``Место: строка 3, /a/b`` in the catalogue's wording)."""
    found = _PLACE.search(description)
    if found is None:
        return description, ""
    return (description[: found.start()] + description[found.end() :]).strip(), found.group("place")


def _uploads(request: Request) -> UploadPorts:
    found = _ports(request).uploads
    if found is None:  # pragma: no cover - the launcher always gives them
        raise HubError(E.EXP001000, "Загрузка файлов не настроена")
    return found


def _kinds() -> list[KindInfo]:
    return [info for adapter in uploads.adapters().values() for info in adapter.kinds()]


def create_page() -> Starlette:
    templates = Jinja2Templates(directory=str(TEMPLATES))

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    async def signed_in(request: Request) -> ApiToken | None:
        return await run_in_threadpool(_caller, request)

    async def login_form(request: Request) -> Response:
        return render(request, "login.html", error=None)

    async def login(request: Request) -> Response:
        form = await request.form()
        secret = str(form.get("token") or "").strip()
        try:
            await run_in_threadpool(tokens.authenticate, _ports(request).tokens, f"Bearer {secret}")
        except HubError as error:
            return render(request, "login.html", status_code=401, error=error.spec.text)
        response = _to(request, "/messages")
        response.set_cookie(
            COOKIE, secret, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/ui"
        )
        return response

    async def logout(request: Request) -> Response:
        response = _to(request, "/login")
        response.delete_cookie(COOKIE, path="/ui")
        return response

    async def index(request: Request) -> Response:
        return _to(request, "/messages")

    async def messages(request: Request) -> Response:
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        query = request.query_params
        state = query.get("state", "")
        state_filter = int(state) if state in ("1", "2", "3") else None
        operation, source = query.get("operation") or None, query.get("source") or None
        filters = {"state": state_filter, "operation": operation, "source": source}
        ports = _ports(request)
        rows = await run_in_threadpool(
            lambda: ports.messages.page(
                sender_id=None if caller.is_operator else caller.organization_id,
                state=state_filter,
                operation=operation,
                source=source,
                limit=100,
            )
        )
        return render(
            request,
            "messages.html",
            caller=caller,
            rows=rows,
            states=STATE_RU,
            filters={k: v or "" for k, v in filters.items()},
            live=any(int(row.state) != 3 for row in rows),
        )

    async def documents(request: Request) -> tuple[ApiToken, LoggedMessage, Documents] | Response:
        """The signed-in caller, the message of the path and its documents; or the page to show
        instead (sign in; 404 for a message that is missing or not the caller's alike)."""
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        guid = request.path_params["guid"]
        ports = _ports(request)
        try:
            found = await run_in_threadpool(visible_message, ports, caller, guid)
        except HubError as error:
            return render(request, "missing.html", status_code=404, caller=caller, text=error.spec.text, guid=guid)
        return caller, found, await run_in_threadpool(ports.messages.documents, found.id)

    async def message(request: Request) -> Response:
        got = await documents(request)
        if isinstance(got, Response):
            return got
        caller, found, (_raw, result, response) = got
        view = read_result(result) if result is not None else None
        objects = []
        for item in view.objects if view else ():
            errors = [(e.code, *split_place(e.description)) for e in item.errors]
            objects.append({"item": item, "errors": errors})
        return render(
            request,
            "message.html",
            caller=caller,
            message=found,
            state=STATE_RU.get(int(found.state), STATE_LABELS.get(int(found.state), "")),
            error=(view.error.code, *split_place(view.error.description)) if view and view.error else None,
            objects=objects,
            failed=sum(1 for o in objects if o["errors"]),
            has_response=response is not None,
        )

    async def download(request: Request) -> Response:
        got = await documents(request)
        if isinstance(got, Response):
            return got
        caller, _found, (raw, _result, response) = got
        guid, part = request.path_params["guid"], request.path_params["part"]
        body = {"request": raw, "response": response}.get(part)
        if body is None:
            return render(
                request, "missing.html", status_code=404, caller=caller, text="Ответ ещё не сформирован", guid=guid
            )
        headers = {"Content-Disposition": f'attachment; filename="{guid}-{part}.xml"'}
        return Response(body, media_type="application/xml", headers=headers)

    async def resource(request: Request) -> Response:
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        name = request.path_params["name"]
        reader = _ports(request).resources.get(name)
        if reader is None or name not in ("houses", "accounts"):
            return render(request, "missing.html", status_code=404, caller=caller, text="Нет такого раздела", guid=name)
        given = request.query_params.get("cursor", "")
        cursor = int(given) if given.isascii() and given.isdigit() and len(given) < 19 else None
        try:
            page = await run_in_threadpool(reader.page, scope_of(caller), {}, cursor, 50)
        except HubError as error:
            return render(request, "missing.html", status_code=400, caller=caller, text=error.spec.text, guid=name)
        more = f"{name}?{urlencode({'cursor': page.next_cursor})}" if page.next_cursor else None
        return render(request, f"{name}.html", caller=caller, items=page.items, more=more)

    async def upload_form(request: Request) -> Response:
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        return render(request, "upload.html", caller=caller, kinds=_kinds(), error=None)

    async def upload_post(request: Request) -> Response:
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        found = _uploads(request)
        try:
            if caller.organization_id is None:
                raise HubError(E.INT914001)
            form = await request.form(max_files=1, max_fields=4)
            file = form.get("file")
            if not isinstance(file, UploadFile) or not file.filename:
                raise HubError(E.FMT916001, "Выберите файл .xlsx")
            data = await file.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise HubError(E.FMT916011, f"Допускается {MAX_UPLOAD_BYTES} байт", where=file.filename)
            name = file.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
            upload_id = await run_in_threadpool(found.submit, caller.organization_id, name, data)
        except HubError as error:
            failure = (error.code, error.spec.text, error.where or "", error.detail or "")
            return render(request, "upload.html", status_code=400, caller=caller, kinds=_kinds(), error=failure)
        return _to(request, f"/uploads/{upload_id}")

    async def visible_upload(request: Request) -> tuple[ApiToken, StoredUpload] | Response:
        """The signed-in caller and the upload the path names, or the answer instead (the sign-in
        page, or «not found» for another organization's upload)."""
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        upload_id = request.path_params["upload_id"]
        try:
            return caller, await run_in_threadpool(_uploads(request).desk.visible, upload_id, caller.organization_id)
        except HubError as error:
            return render(request, "missing.html", status_code=404, caller=caller, text=error.spec.text, guid=upload_id)

    async def upload_status(request: Request) -> Response:
        found = await visible_upload(request)
        if isinstance(found, Response):
            return found
        caller, upload = found
        status = await run_in_threadpool(_uploads(request).desk.status, upload)
        return render(request, "upload_status.html", caller=caller, status=status, live=status.state != "processed")

    async def upload_result(request: Request) -> Response:
        found = await visible_upload(request)
        if isinstance(found, Response):
            return found
        name, body = await run_in_threadpool(_uploads(request).result, found[1])
        return Response(body, media_type=XLSX, headers=attachment(name))

    async def template_file(request: Request) -> Response:
        caller = await signed_in(request)
        if caller is None:
            return _to(request, "/login")
        try:
            name, body = await run_in_threadpool(template_bytes, _uploads(request).lookups, request.path_params["kind"])
        except HubError as error:
            return render(request, "missing.html", status_code=404, caller=caller, text=error.spec.text, guid="")
        return Response(body, media_type=XLSX, headers=attachment(name))

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST", "GET"]),
            Route("/messages", messages),
            Route("/messages/{guid}", message),
            Route("/messages/{guid}/{part:str}.xml", download),
            Route("/uploads", upload_form, methods=["GET"]),
            Route("/uploads", upload_post, methods=["POST"]),
            Route("/uploads/{upload_id:str}", upload_status),
            Route("/uploads/{upload_id:str}/result", upload_result),
            Route("/templates/{kind:str}.xlsx", template_file),
            Route("/{name:str}", resource),
        ]
    )
    return app
