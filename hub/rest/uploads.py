"""File uploads over ``/api/v1``: templates to download, uploads to submit, their status and result.

``GET /templates/{kind}.xlsx`` — a kind's template (any token). ``POST /uploads`` — a multipart
file with an organization's token: the adapter reads it, its rows go through the one intake in
batches (``hub.services.uploads.UploadDesk``); 202 with the upload's id. ``GET /uploads/{id}`` —
state and rows total/done/failed and the message ids; ``GET /uploads/{id}/result`` — the result
workbook. An organization sees only its own uploads (404 ``INT002013`` otherwise, as for messages).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, Path, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from hub.errors import E, HubError
from hub.services import uploads
from hub.services.tokens import ApiToken
from hub.services.upload_results import ResultPreparer
from hub.services.uploads import Lookups, StoredUpload, UploadDesk, UploadStatus

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the largest file read (the adapter's own bound may be lower)
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_GUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


@dataclass(frozen=True)
class UploadPorts:
    desk: UploadDesk
    lookups: Lookups
    results: ResultPreparer

    def submit(self, organization_id: int, filename: str, data: bytes) -> str:
        """The desk's submit; the result file's preparation starts as soon as the upload is stored,
        and follows the batches as they are sent and processed."""
        return self.desk.submit(organization_id, filename, data, self.lookups, stored=self.results.start)

    def resume(self, stalled_seconds: float) -> None:
        for upload_guid in self.desk.resume(self.lookups, stalled_seconds):
            self.results.start(self.desk.visible(upload_guid, None))

    def result(self, upload: StoredUpload) -> tuple[str, bytes]:
        return self.results.result(self.desk, upload)


class UploadResumer(threading.Thread):
    """Resumes uploads whose POST was cut off (``UploadDesk.resume``): at start, then every
    ``every`` seconds. Each process of ``hub serve`` runs one; a claim decides which resumes what."""

    def __init__(self, ports: UploadPorts, *, every: float, stalled_seconds: float) -> None:
        super().__init__(name="hub-upload-resumer", daemon=True)
        self.ports = ports
        self.every = every
        self.stalled_seconds = stalled_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.ports.resume(self.stalled_seconds)
            except Exception:
                log.exception("resuming uploads failed; will try again")
            self.stopping.wait(self.every)

    def stop(self) -> None:
        self.stopping.set()


@contextmanager
def resuming(ports: UploadPorts, *, every: float, stalled_seconds: float) -> Iterator[UploadResumer]:
    resumer = UploadResumer(ports, every=every, stalled_seconds=stalled_seconds)
    resumer.start()
    try:
        yield resumer
    finally:
        resumer.stop()
        resumer.join(timeout=10)


class UploadAccepted(BaseModel):
    upload_id: str
    kind: str
    rows_total: int
    status_url: str
    result_url: str


class UploadState(BaseModel):
    upload_id: str
    kind: str
    filename: str
    state: str
    rows_total: int
    rows_done: int
    rows_failed: int
    message_guids: list[str]
    created_at: str
    result_url: str


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition for a Russian file name: an ASCII fallback and the UTF-8 name."""
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def state_view(status: UploadStatus) -> dict[str, Any]:
    upload = status.upload
    return {
        "upload_id": upload.upload_guid,
        "kind": upload.kind,
        "filename": upload.filename,
        "state": status.state,
        "rows_total": upload.rows_total,
        "rows_done": status.rows_done,
        "rows_failed": status.rows_failed,
        "message_guids": status.message_guids,
        "created_at": upload.created_at,
        "result_url": f"/api/v1/uploads/{upload.upload_guid}/result",
    }


def template_bytes(lookups: Lookups, kind: str) -> tuple[str, bytes]:
    adapter, _info = uploads.adapter_for_kind(kind)
    return adapter.template_name(kind), adapter.template(kind, lookups)


def add_uploads(api: FastAPI, caller: Callable[..., Any], ports: Callable[[Request], UploadPorts]) -> None:
    # a default, not an annotation: annotations are strings here and ``caller`` is this call's
    authenticated = Depends(caller)

    @api.get("/templates/{kind}.xlsx", response_class=Response, tags=["uploads"])
    async def get_template(
        request: Request, kind: Annotated[str, Path(max_length=32)], _caller: ApiToken = authenticated
    ) -> Response:
        """Шаблон Excel для загрузки: readings, accounts …"""
        name, body = await run_in_threadpool(template_bytes, ports(request).lookups, kind)
        return Response(body, media_type=XLSX, headers=attachment(name))

    @api.post("/uploads", status_code=202, response_model=UploadAccepted, tags=["uploads"])
    async def post_upload(
        request: Request, file: Annotated[UploadFile, File()], token: ApiToken = authenticated
    ) -> dict[str, Any]:
        """Загрузка заполненного шаблона (.xlsx); вид — по листу conf. Строки проходят тот же приём, что и SOAP."""
        if token.organization_id is None:
            raise HubError(E.INT914001)
        data = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HubError(E.FMT916011, f"Допускается {MAX_UPLOAD_BYTES} байт", where=file.filename or "")
        found = ports(request)
        filename = (file.filename or "upload.xlsx").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        upload_id = await run_in_threadpool(found.submit, token.organization_id, filename, data)
        upload = await run_in_threadpool(found.desk.visible, upload_id, token.organization_id)
        return {
            "upload_id": upload_id,
            "kind": upload.kind,
            "rows_total": upload.rows_total,
            "status_url": f"/api/v1/uploads/{upload_id}",
            "result_url": f"/api/v1/uploads/{upload_id}/result",
        }

    @api.get("/uploads/{upload_id}", response_model=UploadState, tags=["uploads"])
    async def get_upload(
        request: Request, upload_id: Annotated[str, Path(pattern=_GUID)], token: ApiToken = authenticated
    ) -> dict[str, Any]:
        """Состояние загрузки: строк всего, обработано, с ошибкой; идентификаторы сообщений."""
        desk = ports(request).desk
        upload = await run_in_threadpool(desk.visible, upload_id, token.organization_id)
        return state_view(await run_in_threadpool(desk.status, upload))

    @api.get("/uploads/{upload_id}/result", response_class=Response, tags=["uploads"])
    async def get_result(
        request: Request, upload_id: Annotated[str, Path(pattern=_GUID)], token: ApiToken = authenticated
    ) -> Response:
        """Файл результата «<имя>__Результат.xlsx»: статус каждой строки, присвоенные идентификаторы."""
        desk = ports(request).desk
        upload = await run_in_threadpool(desk.visible, upload_id, token.organization_id)
        name, body = await run_in_threadpool(ports(request).result, upload)
        return Response(body, media_type=XLSX, headers=attachment(name))
