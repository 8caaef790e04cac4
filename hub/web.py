"""The one ASGI application: the SOAP endpoints and the REST API (``/api/v1``), one process model.

SOAP and REST are entry points independent of each other; this launcher puts them in one app, so
``hub serve`` runs both on one port over the same hub (store, services, metrics).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount

from hub.composition import Hub
from hub.config import Settings
from hub.contract.registry import Registry, registry, resolve
from hub.logs import RequestIds
from hub.rest.app import RestPorts, create_api
from hub.rest.page import create_page
from hub.rest.problems import LineBreakPaths
from hub.rest.uploads import UploadPorts, resuming
from hub.rest.writes import WritePorts
from hub.services.ports import ResourceReader
from hub.services.upload_results import ResultPreparer
from hub.services.uploads import UploadDesk
from hub.soap import app as soap_app
from hub.store import result_process
from hub.store.base import Store
from hub.store.message_log import SqlMessageLog
from hub.store.resources import SqlNsiBooks, SqlOrganizations
from hub.store.tokens import SqlTokens
from hub.store.uploads import SqlUploads, StoreLookups

API_PREFIX = "/api/v1"
PAGE_PREFIX = "/ui"
#: the ``Area.provides`` names of the areas' REST readers: ``read:<resource>``
READ_PORT = "read:"
#: the port an area provides for finding metering devices (uploads of readings use it)
METERS_PORT = "meters"
#: the port an area provides for finding accounts (uploads of ПД find them by ЕЛС or number)
ACCOUNTS_PORT = "accounts"


def reader_classes(found: Registry) -> list[Any]:
    """The classes of every resource: the areas' ``read:*`` ports, then the core store's."""
    provided = found.provided()
    areas = [resolve(reference) for name, reference in sorted(provided.items()) if name.startswith(READ_PORT)]
    return [*areas, SqlOrganizations, SqlNsiBooks]


def rest_ports(hub: Hub, classes: list[Any]) -> RestPorts:
    store: Store = hub.store
    readers: dict[str, ResourceReader] = {cls.spec.name: cls(store) for cls in classes}
    return RestPorts(
        tokens=SqlTokens(store, actor="api"),
        messages=SqlMessageLog(store),
        nsi=SqlNsiBooks(store),
        resources=readers,
        writes=WritePorts(
            intake=hub.intake,
            directory=hub.directory,
            registry=hub.registry,
            max_body_bytes=hub.settings.max_body_bytes,
        ),
        uploads=upload_ports(hub),
        states=hub.states,
    )


def upload_ports(hub: Hub) -> UploadPorts:
    """The upload desk over the hub's intake and store; the ``meters`` and ``accounts`` ports when
    areas provide them."""
    provided = hub.registry.provided()
    meters, accounts = provided.get(METERS_PORT), provided.get(ACCOUNTS_PORT)
    store = SqlUploads(hub.store)
    return UploadPorts(
        desk=UploadDesk(intake=hub.intake, directory=hub.directory, registry=hub.registry, store=store),
        results=result_preparer(hub, store),
        lookups=StoreLookups(hub.store, resolve(meters) if meters else None, resolve(accounts) if accounts else None),
    )


def result_preparer(hub: Hub, store: SqlUploads) -> ResultPreparer:
    """Result files prepared in threads, a large upload's in a child process (when the database
    is one a child can open: not an in-memory SQLite)."""
    preparer = ResultPreparer(store)
    url = hub.settings.effective_database_url
    rows = hub.settings.result_process_rows
    if rows > 0 and result_process.shareable(url):
        child = result_process.in_child(url, poll=preparer.poll_seconds, patience=preparer.patience_seconds)
        preparer = replace(preparer, spawn=child, spawn_min_rows=rows)
    return preparer


def create_app(
    settings: Settings | None = None,
    *,
    hub: Hub | None = None,
    beside: Callable[[Hub], AbstractContextManager[object]] | None = None,
) -> Starlette:
    """SOAP at the GIS paths, REST under ``/api/v1``, the operator page under ``/ui``; ``beside`` as in
    ``hub.soap.app.create_app``."""
    classes = reader_classes(registry())
    api = create_api([cls.spec for cls in classes])

    page = create_page()

    @contextmanager
    def with_api(the_hub: Hub) -> Iterator[None]:
        ports = rest_ports(the_hub, classes)
        api.state.ports = page.state.ports = ports
        settings = the_hub.settings
        assert ports.uploads is not None
        with (
            resuming(ports.uploads, every=settings.sweep_seconds, stalled_seconds=settings.upload_stall_seconds),
            beside(the_hub) if beside is not None else nullcontext(),
        ):
            yield

    app = soap_app.create_app(
        settings, hub=hub, beside=with_api, mounts=[Mount(API_PREFIX, app=api), Mount(PAGE_PREFIX, app=page)]
    )
    app.add_middleware(LineBreakPaths, prefix=API_PREFIX)
    app.add_middleware(RequestIds)  # outermost: every answer (Faults, problems) carries the id
    return app
