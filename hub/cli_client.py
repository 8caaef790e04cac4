"""``hub send`` and ``hub state``: the client side of the hub from the command line.

Kept apart from ``hub.cli`` (the administrator's tool, which builds a hub) because these
commands build nothing but a ``hub.client.HubClient``: they talk to a hub over HTTP exactly as
an organization's system does. ``hub.cli`` mounts ``client_app``'s commands at the top level.

Exit codes, for scripts (also in ``hub send --help`` and the README):

    0  processed (RequestState 3), every object accepted; ``hub state --no-wait``: any state
    1  the hub answered with a SOAP Fault (the request was refused, nothing stored)
    2  usage error (a missing or wrong option: nothing was sent)
    3  anything else went wrong: the payload refused locally, the hub not reachable, wrong
       credentials found before sending, the result's signature, waiting timed out
    4  processed, and the result is a whole-message ErrorMessage (INT002012 «Нет объектов для
       экспорта» included)
    5  processed, and some objects carry errors (the table says which)

A send the hub refuses as overloaded (EXP002001) is retried a few times with a growing pause, one
line each, before it counts as a Fault. Before sending a message it will wait for, ``hub send``
checks the getState credentials (a wrong or missing password would otherwise surface only after
the message was accepted).
Passwords are read from ``--password`` or ``HUB_CLIENT_PASSWORD`` and never printed.
"""

from __future__ import annotations

import sys
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
from hub.contract.gost.keyfile import is_gost_key, read_identity_files
from hub.contract.pki import AnyIdentity, SigningIdentity
from hub.contract.registry import HOME_MANAGEMENT, registry

EXIT_OK = 0
EXIT_FAULT = 1
EXIT_USAGE = 2  # typer's own, for a wrong or missing option
EXIT_FAILED = 3
EXIT_ERROR_MESSAGE = 4
EXIT_OBJECTS_FAILED = 5
EXIT_CODES_HELP = (
    "Exit codes: 0 processed, every object accepted; 1 SOAP Fault; 2 usage error; 3 not sent or not"
    " verified (payload, connection, credentials, signature, timeout); 4 whole-message ErrorMessage"
    " (INT002012 included); 5 some objects failed."
)
DEFAULT_URL = "http://127.0.0.1:8080"
PASSWORD_ENV = "HUB_CLIENT_PASSWORD"  # noqa: S105 - the variable's name, not a password

client_app = typer.Typer(help="Клиент хаба / hub client: send signed requests, read their state.")

#: wide enough for two GUID columns when the output is piped (rich would assume 80 columns)
_console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
_errors = Console(stderr=True, highlight=False, soft_wrap=True)

Url = Annotated[str, typer.Option("--url", envvar="HUB_URL", show_envvar=True, help="Hub base URL")]
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
SendService = Annotated[
    str | None,
    typer.Option("--service", help="Service key or port; default: the service serving OPERATION"),
]
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
    key: Annotated[
        Path,
        typer.Option(
            "--key", exists=True, dir_okay=False, help="Private key, PEM (RSA, ECDSA or the hub's GOST key format)"
        ),
    ],
    org: Org,
    url: Url = DEFAULT_URL,
    password: Password = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Poll getState until processed")] = True,
    operator: Annotated[
        bool, typer.Option("--operator", help="IsOperatorSignature: an operator signs for --org")
    ] = False,
    service: SendService = None,
    hub_cert: HubCert = None,
    client_cert_fingerprint: Fingerprint = None,
    timeout: Timeout = 120.0,
    xml: ShowXml = False,
    save: Save = None,
) -> None:
    """Sign PAYLOAD and send it as OPERATION; print the Ack and (by default) the result.

    Exit codes: 0 processed, every object accepted; 1 SOAP Fault; 2 usage error; 3 not sent or not
    verified (payload, connection, credentials, signature, timeout); 4 whole-message ErrorMessage
    (INT002012 included); 5 some objects failed.
    """
    try:
        identity: AnyIdentity
        if is_gost_key(key.read_bytes()):
            identity = read_identity_files(key, cert)
        else:
            identity = SigningIdentity.from_pem_files(key, cert)
    except (OSError, ValueError) as exc:
        _errors.print(f"[red]Ключ/сертификат / key or certificate:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_FAILED) from exc
    config = _config(
        url,
        org,
        password,
        service or service_of(operation),
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


def service_of(operation: str) -> str:
    """The key of the service serving ``operation`` in the registry (home-management when none
    does): ``hub send importPaymentDocumentData …`` needs no ``--service bills``."""
    found = registry().operation(operation)
    return found.service.key if found is not None else HOME_MANAGEMENT.key


def _config(
    url: str,
    org: str,
    password: str | None,
    service: str,
    hub_cert: Path | None,
    fingerprint: str | None,
    timeout: float,
    *,
    identity: AnyIdentity | None = None,
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


def _credentials_work(client: HubClient) -> bool:
    """getState of a message nobody sent: «not found» (INT002013) proves the credentials, before
    a message is accepted that the client then could not ask about."""
    config = client.config
    if config.password is None and config.client_cert_fingerprint is None:
        _errors.print(
            f"Не задан пароль HTTP Basic организации: --password или {PASSWORD_ENV} (или --no-wait: только отправить)"
        )
        return False
    try:
        client.state("00000000-0000-4000-8000-000000000000")
    except HubFault as fault:
        if fault.code == "INT002013":
            return True
        _errors.print(f"Учетные данные не приняты, сообщение не отправлено: {fault.code}: {escape(fault.message)}")
        return False
    return True


def _send(client: HubClient, operation: str, payload: bytes, *, wait: bool, xml: bool, save: Path | None) -> int:
    if wait and not _credentials_work(client):
        return EXIT_FAILED
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
    exported: dict[str, int] = {}
    for element in result.exports:
        name = etree.QName(element).localname
        exported[name] = exported.get(name, 0) + 1
    for name, count in exported.items():
        _console.print(f"Выгрузка: {name} — {count} {plural(count, 'объект', 'объекта', 'объектов')}")
    if xml:
        _console.print(escape(etree.tostring(result.element, encoding="unicode", pretty_print=True)))
    if result.error is not None:
        return EXIT_ERROR_MESSAGE
    return EXIT_OBJECTS_FAILED if result.failed_objects else EXIT_OK


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for ``count``: 1 объект, 4 объекта, 11 объектов, 21 объект."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def _print_objects(result: StateResult) -> None:
    failed = len(result.failed_objects)
    _console.print(
        f"Объекты / objects: {len(result.objects)}, успешно / ok: {len(result.objects) - failed}, "
        f"с ошибками / failed: {failed}"
    )
    table = Table("#", show_lines=False)
    for header in ("TransportGUID", "GUID"):
        table.add_column(header, no_wrap=True, min_width=36)  # a cut GUID is useless
    table.add_column("UniqueNumber", no_wrap=True)
    table.add_column("Ошибки / errors")
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
