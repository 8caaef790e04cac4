"""A client of the GIS async SOAP interface, for the hub (and anything speaking it).

``HubClient`` builds the envelope around a Body payload, signs it (XAdES-BES, the same code the
hub verifies with), POSTs it, polls ``getState`` and verifies every result's signature against
the hub's certificate. zeep reads the served WSDL; signing and sending stay outside zeep
(``hub.client.contract`` says why).

This is a client library: the hub's server side (``hub.soap``, ``hub.queue.worker``, services,
domain) never imports it; it imports only ``hub.contract``, ``hub.ns`` and ``hub.errors``.
"""

from __future__ import annotations

from hub.client.core import (
    GIS_SCHEDULE,
    HUB_SCHEDULE,
    ClientConfig,
    HubClient,
    Polling,
    PreparedRequest,
    Retries,
    service_of,
)
from hub.client.errors import (
    ClientError,
    HubFault,
    PayloadError,
    ResponseError,
    ResponseSignatureError,
    TransportError,
    WaitTimeoutError,
)
from hub.client.results import Ack, ObjectResult, RequestState, ResultError, StateResult

__all__ = [
    "GIS_SCHEDULE",
    "HUB_SCHEDULE",
    "Ack",
    "ClientConfig",
    "ClientError",
    "HubClient",
    "HubFault",
    "ObjectResult",
    "PayloadError",
    "Polling",
    "PreparedRequest",
    "RequestState",
    "ResponseError",
    "ResponseSignatureError",
    "ResultError",
    "Retries",
    "StateResult",
    "TransportError",
    "WaitTimeoutError",
    "service_of",
]
