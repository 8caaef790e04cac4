"""The one ASGI application: the SOAP endpoints and the REST API (``/api/v1``), one process model.

SOAP and REST are entry points independent of each other; this launcher puts them in one app, so
``hub serve`` runs both on one port over the same hub (store, services, metrics).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from starlette.applications import Starlette
from starlette.routing import Mount

from hub.composition import Hub
from hub.config import Settings
from hub.rest.app import RestPorts, create_api
from hub.soap import app as soap_app
from hub.store.message_log import SqlMessageLog
from hub.store.tokens import SqlTokens

API_PREFIX = "/api/v1"


def rest_ports(hub: Hub) -> RestPorts:
    return RestPorts(tokens=SqlTokens(hub.store, actor="api"), messages=SqlMessageLog(hub.store))


def create_app(
    settings: Settings | None = None,
    *,
    hub: Hub | None = None,
    beside: Callable[[Hub], AbstractContextManager[object]] | None = None,
) -> Starlette:
    """SOAP at the GIS paths, REST under ``/api/v1``; ``beside`` as in ``hub.soap.app.create_app``."""
    api = create_api()

    @contextmanager
    def with_api(the_hub: Hub) -> Iterator[None]:
        api.state.ports = rest_ports(the_hub)
        with beside(the_hub) if beside is not None else nullcontext():
            yield

    return soap_app.create_app(settings, hub=hub, beside=with_api, mounts=[Mount(API_PREFIX, app=api)])
