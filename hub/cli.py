"""Command line: the administrator's tool (``hub …``).

Every command reads configuration through ``hub.config`` and builds what it needs through
``hub.composition``; passwords and keys are printed once, never logged.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
import uvicorn
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hub import __version__, cli_admin, demo, logs
from hub.cli_client import client_app
from hub.composition import Hub, SchemaOutdatedError, SetupError, build_hub, worker_ports
from hub.config import PROCESSES_VARIABLE, Settings, load_settings
from hub.contract.registry import registry, resolve
from hub.errors import E, HubError
from hub.queue import worker
from hub.rest.uploads import XLSX
from hub.services import tokens, uploads
from hub.services.ports import MeteringDevice
from hub.serving import SERVER_OPTIONS
from hub.store.tokens import SqlTokens
from hub.store.uploads import StoreLookups
from hub.web import create_app

app = typer.Typer(help="zhkh-hub: интеграционный хаб ГИС ЖКХ", no_args_is_help=True, add_completion=False)
app.add_typer(cli_admin.db_app, name="db")
app.add_typer(cli_admin.org_app, name="org")
app.add_typer(cli_admin.cert_app, name="cert")
app.add_typer(cli_admin.nsi_app, name="nsi")
app.add_typer(cli_admin.token_app, name="token")
app.add_typer(cli_admin.system_app, name="system")
app.command("where")(cli_admin.where)
app.add_typer(client_app)  # `hub send` and `hub state`: an organization's side, for trying the hub


def _settings(data_dir: Path | None = None) -> Settings:
    return load_settings(data_dir=data_dir)


def _hub(settings: Settings) -> Hub:
    """The embedded shape migrates its SQLite file itself; production requires `hub db upgrade`."""
    try:
        return build_hub(settings)
    except (SchemaOutdatedError, SetupError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(3) from None


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the hub version and exit.")
    ] = False,
) -> None:
    """zhkh-hub: интеграционный хаб ГИС ЖКХ."""


@app.command()
def version() -> None:
    """Print the hub version."""
    typer.echo(__version__)


def _serve(
    hub: Hub, host: str, port: int, *, banner: list[str] | None = None, handle: worker.RunningWorker | None = None
) -> None:
    """One process: this hub (and, embedded, its in-process worker) behind uvicorn."""
    if handle is None and hub.settings.embedded:
        handle = worker.start(worker_ports(hub))
    _print_banner(banner, host, port)
    try:
        uvicorn.run(create_app(hub=hub), host=host, port=port, **SERVER_OPTIONS)
    finally:
        if handle:
            handle.stop()
        hub.close()


def _serve_processes(host: str, port: int, count: int, *, banner: list[str] | None = None) -> None:
    """``count`` uvicorn processes built by ``hub.serving:app``, which read their settings from the
    environment: the caller has migrated and created the signing identity, and exported any
    setting it holds only in code."""
    os.environ[PROCESSES_VARIABLE] = str(count)
    _print_banner([*(banner or []), f"  {count} processes (HUB_PROCESSES)"], host, port)
    uvicorn.run("hub.serving:app", factory=True, workers=count, host=host, port=port, **SERVER_OPTIONS)


def _print_banner(banner: list[str] | None, host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    for line in banner or []:
        typer.echo(line.format(base=base))


_PROCESSES_HELP = (
    "Server processes (embedded: each with its in-process worker); default HUB_PROCESSES, "
    "else 2 on Linux with 2+ cores, else 1"
)


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
    processes: Annotated[int | None, typer.Option(min=1, help=_PROCESSES_HELP)] = None,
) -> None:
    """Serve SOAP (and the in-process worker in the embedded shape)."""
    settings = _settings()
    logs.setup(logging.INFO, settings.log_format)
    count = processes or settings.effective_processes
    banner = ["zhkh-hub on {base}/ (index of services)"]
    if count == 1:
        _serve(_hub(replace(settings, processes=1)), host, port, banner=banner)
        return
    _hub(settings).close()  # migrate and create the signing identity once, before the processes start
    _serve_processes(host, port, count, banner=banner)


@app.command("worker")
def worker_command(threads: Annotated[int | None, typer.Option(help="Worker threads")] = None) -> None:
    """Process queued messages (production shape: run any number of these)."""
    settings = _settings()
    logs.setup(logging.INFO, settings.log_format)
    worker.run_forever(worker_ports(_hub(settings), threads=threads))


@app.command("demo")
def demo_command(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its data")] = Path("hub-data/demo"),
    processes: Annotated[int | None, typer.Option(min=1, help=_PROCESSES_HELP)] = None,
    sample_data: Annotated[
        bool, typer.Option("--sample-data/--no-sample-data", help="Import the sample house and accounts on first start")
    ] = True,
) -> None:
    """Start the embedded hub with the demo organizations, certificates and sample data."""
    logging.basicConfig(level=logging.WARNING)
    settings = demo.settings(data_dir)
    count = processes or settings.effective_processes
    hub = _hub(replace(settings, processes=1))  # this process alone, until it starts others
    lines = demo.prepare(hub)
    handle = worker.start(worker_ports(hub))
    try:
        if sample_data:
            lines += demo.load_sample_data(hub)
        else:
            lines.append("  sample data: not loaded (--no-sample-data): send the samples yourself")
    except Exception:
        handle.stop()
        hub.close()
        raise
    if count == 1:
        _serve(hub, host, port, banner=lines, handle=handle)
        return
    handle.stop()  # the sample data is in; the processes run their own workers
    hub.close()
    os.environ.update(demo.environment(data_dir))
    _serve_processes(host, port, count, banner=lines)


@app.command("template")
def template_command(
    kind: Annotated[str, typer.Argument(help="readings, accounts, devices, houses, bills (hub template --list)")] = "",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: the template's name)")
    ] = None,
    list_kinds: Annotated[bool, typer.Option("--list", help="List the kinds of templates")] = False,
    data_dir: cli_admin.DataDir = None,
) -> None:
    """Write an Excel template to fill and upload (NSI lists from this hub's data when it has any)."""
    if list_kinds or not kind:
        for adapter in uploads.adapters().values():
            for info in adapter.kinds():
                typer.echo(
                    f"{info.kind:10} {info.title} (TYPE {info.type} {info.version}, {info.operation}, ≤{info.limit})"
                )
        return
    try:
        adapter, _info = uploads.adapter_for_kind(kind)
    except HubError as error:
        raise cli_admin.fail(error) from None
    settings = cli_admin.settings_for(data_dir)
    if settings.embedded and not (settings.data_dir / "hub.sqlite3").exists():
        lookups: uploads.Lookups = _NoData()
        body = adapter.template(kind, lookups)
    else:
        with cli_admin.admin(data_dir, create=False) as ctx:
            body = adapter.template(kind, StoreLookups(ctx.store))
    target = output or Path(adapter.template_name(kind))
    target.write_bytes(body)
    typer.echo(f"template: {target}")


class _NoData:
    """Lookups of a hub without data: no NSI items (the lists stay empty), no devices."""

    def nsi_items(self, registry: int) -> list[tuple[str, str, str]]:
        return []

    def nsi_complete(self, registry: int) -> bool:
        return False

    def meters(self, guids: Collection[str]) -> dict[str, MeteringDevice]:
        return {}

    def accounts(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        return {}

    def scoped(self, organization_id: int) -> _NoData:
        return self


@app.command("upload")
def upload_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A filled template (.xlsx)")],
    url: Annotated[str, typer.Option(help="The hub's address")] = "http://127.0.0.1:8080",
    token: Annotated[str | None, typer.Option(envvar="HUB_API_TOKEN", help="An organization's API token")] = None,
    org: Annotated[
        str, typer.Option(help="Without --token: issue one for this orgPPAGUID here")
    ] = demo.DEMO_ORG_PPAGUID,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the result file")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for processing")] = 600.0,
    data_dir: cli_admin.DataDir = None,
) -> None:
    """Upload a filled template to a running hub, show progress, write «<name>__Результат.xlsx»."""
    secret = token or _issue_token(org, data_dir)
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=url.rstrip("/") + "/api/v1", headers=headers, timeout=120) as client:
        answer = client.post("/uploads", files={"file": (file.name, file.read_bytes(), XLSX)})
        if answer.status_code != 202:
            typer.echo(_problem_line(answer), err=True)
            raise typer.Exit(cli_admin.EXIT_USER_ERROR)
        accepted = answer.json()
        status = _watch(client, accepted["upload_id"], int(accepted["rows_total"]), timeout)
        result = client.get(f"/uploads/{accepted['upload_id']}/result")
    data = file.read_bytes()
    target = output or file.with_name(uploads.adapter_for_file(data, file.name).result_name(file.name))
    target.write_bytes(result.content)
    typer.echo(
        f"upload {accepted['upload_id']}: {status['state']}, строк {status['rows_total']}, "
        f"обработано {status['rows_done']}, с ошибкой {status['rows_failed']}; результат: {target}"
    )


def _issue_token(org: str, data_dir: Path | None) -> str:
    with cli_admin.admin(data_dir, create=False) as ctx:
        found = ctx.directory.organization_by_ppaguid(org)
        if found is None:
            raise cli_admin.fail(HubError(E.AUT011002, f"orgPPAGUID {org}"), "Передайте --token или --org")
        _token, secret = tokens.issue(SqlTokens(ctx.store, actor=cli_admin.ADMIN), found.id, "hub upload")
    return secret


def _problem_line(answer: httpx.Response) -> str:
    try:
        body = answer.json()
        return f"{body['code']}: {body['title']}. {body.get('where') or ''} {body.get('detail') or ''}".strip()
    except (ValueError, KeyError):
        return f"HTTP {answer.status_code}: {answer.text[:300]}"


def _watch(client: httpx.Client, upload_id: str, total: int, timeout: float) -> dict[str, Any]:
    """Poll the upload's status with a progress bar until it is processed (or ``timeout``)."""
    deadline = time.monotonic() + timeout
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("строки", total=total)
        while True:
            status: dict[str, Any] = client.get(f"/uploads/{upload_id}").json()
            progress.update(task, completed=status["rows_done"] + status["rows_failed"])
            if status["state"] == "processed" or time.monotonic() > deadline:
                return status
            time.sleep(0.5)


def cli_app() -> typer.Typer:
    """The command line with every area's operator commands (``Area.commands``) added, once."""
    if not getattr(app, "_areas_added", False):
        for area in registry().areas:
            if area.commands:
                app.add_typer(resolve(area.commands))
        app._areas_added = True  # type: ignore[attr-defined]
    return app


def main() -> None:
    cli_app()()
