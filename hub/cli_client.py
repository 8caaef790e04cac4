"""``hub send`` and ``hub state``: the client side of the hub from the command line.

Kept apart from ``hub.cli`` (the administrator's tool, which builds a hub) because these
commands build nothing but a ``hub.client.HubClient``: they talk to a hub over HTTP exactly as
an organization's system does. ``hub.cli`` mounts ``client_app``'s commands at the top level.

Exit codes, for scripts: 0 — processed (RequestState 3) without a whole-message error (objects
may still carry their own errors: see the table), or, for ``hub state``, any state; 1 — the hub
answered with a SOAP Fault; 2 — the result is a whole-message ErrorMessage (including INT002012
"nothing to export"); 3 — anything else went wrong (payload refused locally, connection,
result signature, waiting timed out). A send the hub refuses as overloaded (EXP002001) is
retried a few times with a growing pause, one line each, before it counts as a Fault.
Passwords are read from ``--password`` or ``HUB_CLIENT_PASSWORD`` and never printed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from lxml import etree
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hub.client import (
    Ack,
    ClientConfig,
    ClientError,
    HubClient,
    HubFault,
    Polling,
    RequestState,
    StateResult,
)
from hub.contract.pki import SigningIdentity

EXIT_OK = 0
EXIT_FAULT = 1
EXIT_ERROR_MESSAGE = 2
EXIT_FAILED = 3
DEFAULT_URL = "http://127.0.0.1:8080"
PASSWORD_ENV = "HUB_CLIENT_PASSWORD"  # noqa: S105 - the variable's name, not a password

client_app = typer.Typer(help="Клиент хаба / hub client: send signed requests, read their state.")

_console = Console(highlight=False, soft_wrap=True)
_errors = Console(stderr=True, highlight=False, soft_wrap=True)

Url = Annotated[str, typer.Option("--url", help="Hub base URL")]
Org = Annotated[str, typer.Option("--org", help="orgPPAGUID of the organization (also the HTTP Basic user)")]
Password = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar=PASSWORD_ENV,
        show_envvar=True,
        show_default=False,
        help="HTTP Basic password of the organization (better: the environment variable)",
    ),
]
Service = Annotated[str, typer.Option("--service", help="Service: home-management (HomeManagementAsync)")]
HubCert = Annotated[
    Path | None,
    typer.Option(
        "--hub-cert",
        exists=True,
        dir_okay=False,
        help="Pin the hub's signing certificate (PEM); default: fetched from {url}/hub/certificate.pem",
    ),
]
Fingerprint = Annotated[
    str | None,
    typer.Option("--client-cert-fingerprint", help="Send X-Client-Cert-Fingerprint (behind a TLS proxy)"),
]
Timeout = Annotated[float, typer.Option("--timeout", help="Seconds to wait for RequestState 3")]
ShowXml = Annotated[bool, typer.Option("--xml", help="Also print the verified getStateResult XML")]
Save = Annotated[
    Path | None,
    typer.Option("--save", dir_okay=False, help="Write the last getState response (signed, as received) here"),
]


@client_app.command("send")
def send(
    operation: Annotated[str, typer.Argument(help="Operation, e.g. exportHouseData (see the service ?wsdl)")],
    payload: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Body element (or whole envelope) XML file")
    ],
    cert: Annotated[Path, typer.Option("--cert", exists=True, dir_okay=False, help="Signing certificate, PEM")],
    key: Annotated[Path, typer.Option("--key", exists=True, dir_okay=False, help="Private key, PEM")],
    org: Org,
    url: Url = DEFAULT_URL,
    password: Password = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Poll getState until processed")] = True,
    operator: Annotated[
        bool, typer.Option("--operator", help="IsOperatorSignature: an operator signs for --org")
    ] = False,
    service: Service = "home-management",
    hub_cert: HubCert = None,
    client_cert_fingerprint: Fingerprint = None,
    timeout: Timeout = 120.0,
    xml: ShowXml = False,
    save: Save = None,
) -> None:
    """Sign PAYLOAD and send it as OPERATION; print the Ack and (by default) the result."""
    try:
        identity = SigningIdentity.from_pem_files(key, cert)
    except (OSError, ValueError) as exc:
        _errors.print(f"[red]Ключ/сертификат / key or certificate:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_FAILED) from exc
    config = _config(
        url,
        org,
        password,
        service,
        hub_cert,
        client_cert_fingerprint,
        timeout,
        identity=identity,
        operator=operator,
    )
    with HubClient(config, on_overload=_overloaded) as client:
        code = _run(lambda: _send(client, operation, payload.read_bytes(), wait=wait, xml=xml, save=save))
    raise typer.Exit(code)


@client_app.command("state")
def state(
    message_guid: Annotated[str, typer.Argument(help="Ack/MessageGUID returned by the hub")],
    org: Org,
    service: Service = "home-management",
    url: Url = DEFAULT_URL,
    password: Password = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Poll until processed")] = False,
    hub_cert: HubCert = None,
    client_cert_fingerprint: Fingerprint = None,
    timeout: Timeout = 120.0,
    xml: ShowXml = False,
    save: Save = None,
) -> None:
    """Print the state of a message (getState) and, when processed, its results."""
    config = _config(url, org, password, service, hub_cert, client_cert_fingerprint, timeout)
    with HubClient(config) as client:

        def run() -> int:
            result = client.wait(message_guid) if wait else client.state(message_guid)
            return _print_state(result, xml=xml, save=save)

        raise typer.Exit(_run(run))


def _config(
    url: str,
    org: str,
    password: str | None,
    service: str,
    hub_cert: Path | None,
    fingerprint: str | None,
    timeout: float,
    *,
    identity: SigningIdentity | None = None,
    operator: bool = False,
) -> ClientConfig:
    return ClientConfig(
        base_url=url,
        org_ppaguid=org.strip().lower(),
        identity=identity,
        service=service,
        password=password or None,
        client_cert_fingerprint=fingerprint,
        is_operator_signature=operator,
        polling=Polling(timeout=timeout),
        hub_certificate=hub_cert.read_bytes() if hub_cert else None,
    )


def _run(action: Callable[[], int]) -> int:
    """Run ``action`` and turn the client's exceptions into messages and exit codes."""
    try:
        code = action()
    except HubFault as fault:
        _console.print(f"[bold red]Fault {escape(fault.code)}[/]: {escape(fault.message)}")
        return EXIT_FAULT
    except ClientError as exc:
        _errors.print(f"[red]Ошибка / error ({type(exc).__name__}):[/] {escape(str(exc))}")
        return EXIT_FAILED
    return code


def _overloaded(fault: HubFault, pause: float, next_try: int, tries: int) -> None:
    _errors.print(
        f"[yellow]Хаб перегружен / hub overloaded ({escape(fault.code)})[/]: "
        f"повтор через / retrying in {pause:g} s ({next_try}/{tries})"
    )


def _send(client: HubClient, operation: str, payload: bytes, *, wait: bool, xml: bool, save: Path | None) -> int:
    ack: Ack = client.send(operation, payload)
    _console.print(f"Ack: MessageGUID {ack.message_guid}")
    _console.print(f"     RequesterMessageGUID {ack.requester_message_guid}")
    if not wait:
        _console.print(f"Состояние / state: hub state {ack.message_guid} --org {client.config.org_ppaguid}")
        return EXIT_OK
    return _print_state(client.wait(ack.message_guid), xml=xml, save=save)


def _print_state(result: StateResult, *, xml: bool, save: Path | None) -> int:
    if save is not None:
        save.write_bytes(result.raw)
    _console.print(
        f"Состояние / RequestState: {int(result.request_state)} ({result.request_state.label}); "
        f"MessageGUID {result.message_guid}"
    )
    _console.print(f"Подпись хаба проверена / hub signature verified: {result.signer_fingerprint}")
    if result.request_state is not RequestState.PROCESSED:
        return EXIT_OK
    if result.error is not None:
        _console.print(
            f"[bold red]Ошибка сообщения / ErrorMessage {escape(result.error.code)}[/]: "
            f"{escape(result.error.description)}"
        )
    if result.objects:
        _print_objects(result)
    for element in result.exports:
        count = sum(1 for child in element if isinstance(child.tag, str))
        _console.print(f"Выгрузка / export: {etree.QName(element).localname} ({count} элементов / elements)")
    if xml:
        _console.print(escape(etree.tostring(result.element, encoding="unicode", pretty_print=True)))
    return EXIT_ERROR_MESSAGE if result.error is not None else EXIT_OK


def _print_objects(result: StateResult) -> None:
    failed = len(result.failed_objects)
    _console.print(
        f"Объекты / objects: {len(result.objects)}, успешно / ok: {len(result.objects) - failed}, "
        f"с ошибками / failed: {failed}"
    )
    table = Table("#", "TransportGUID", "GUID", "UniqueNumber", "Ошибки / errors", show_lines=False)
    for number, item in enumerate(result.objects, 1):
        errors = "; ".join(f"{e.code}: {e.description}" for e in item.errors)
        table.add_row(
            str(number),
            item.transport_guid or "",
            item.guid or "",
            item.unique_number or "",
            f"[red]{escape(errors)}[/]" if errors else "[green]OK[/]",
        )
    _console.print(table)


if __name__ == "__main__":
    client_app()
