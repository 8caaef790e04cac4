"""What can go wrong talking to a hub, as exceptions (httpx's habit: the tree is drawn here).

::

    ClientError                    Raised when a hub call cannot give the caller what it asked for.
    ├── PayloadError               the payload or operation is refused before anything is sent
    ├── HubFault                   the hub answered with a SOAP Fault (code, message)
    ├── TransportError             no usable HTTP answer, also after the bounded retries
    ├── ResponseError              the answer is not what the contract says it is
    │   └── ResponseSignatureError the getStateResult signature is invalid or not the hub's
    └── WaitTimeoutError           RequestState 3 was not reached in time

Third-party errors (httpx, zeep, lxml, hub.errors.HubError from the verifier) are translated in
one place each, at the boundary, with ``raise … from exc``: callers catch only these.
"""

from __future__ import annotations


class ClientError(Exception):
    """Raised when a hub call cannot give the caller what it asked for."""


class PayloadError(ClientError):
    """Raised when the payload or the operation is refused locally, before anything is sent."""


class HubFault(ClientError):  # noqa: N818 - the SOAP term
    """Raised when the hub (or GIS) answers with a SOAP Fault.

    ``code`` is ``detail/base:Fault/ErrorCode`` (``AUT011003``, ``INT002013``, …; the prefix of
    ``faultstring`` when the detail is missing), ``message`` is ``ErrorMessage``.
    """

    def __init__(self, code: str, message: str, *, faultstring: str | None = None, status: int = 500) -> None:
        self.code = code
        self.message = message
        self.faultstring = faultstring
        self.status = status
        super().__init__(f"{code}: {message}")


class TransportError(ClientError):
    """Raised when no usable HTTP answer came back, after the bounded retries of transient failures."""

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 1) -> None:
        self.status = status
        self.attempts = attempts
        super().__init__(message)


class ResponseError(ClientError):
    """Raised when the hub's answer is not what the contract says (bad XML, wrong element, GUIDs)."""


class ResponseSignatureError(ResponseError):
    """Raised when a getStateResult is unsigned, its signature is invalid, or the signer is not the hub."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        self.code = code
        super().__init__(message)


class WaitTimeoutError(ClientError):
    """Raised when ``wait`` gives up before RequestState 3; ``last`` is the last state seen."""

    def __init__(self, message_guid: str, waited: float, last: object | None = None) -> None:
        self.message_guid = message_guid
        self.waited = waited
        self.last = last
        super().__init__(f"message {message_guid}: RequestState 3 not reached in {waited:.1f} s")
