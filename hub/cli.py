"""Command line: the administrator's tool (``hub …``).

Every command reads configuration through ``hub.config`` and builds what it needs through
``hub.composition``; passwords and keys are printed once, never logged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from hub import __version__, cli_admin, demo, logs
from hub.cli_client import client_app
from hub.composition import Hub, SchemaOutdatedError, SetupError, build_hub, worker_ports
from hub.config import PROCESSES_VARIABLE, Settings, load_settings
from hub.contract.registry import registry, resolve
from hub.queue import worker
from hub.serving import SERVER_OPTIONS
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
