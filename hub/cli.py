"""Command line: the administrator's tool (``hub …``).

Every command reads configuration through ``hub.config`` and builds what it needs through
``hub.composition``; passwords and keys are printed once, never logged.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from hub import __version__, demo
from hub.cli_client import client_app
from hub.composition import Hub, SchemaOutdatedError, build_hub, worker_ports
from hub.config import PROCESSES_VARIABLE, Settings, load_settings
from hub.contract import nsi_export, pki
from hub.contract.registry import registry, resolve
from hub.errors import HubError
from hub.queue import worker
from hub.services.identity import generate_password, hash_password
from hub.serving import SERVER_OPTIONS
from hub.soap.app import create_app
from hub.store import migrate
from hub.store import nsi as nsi_store
from hub.store.db import make_engine

app = typer.Typer(help="zhkh-hub: интеграционный хаб ГИС ЖКХ", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
cert_app = typer.Typer(help="Signing certificates.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(cert_app, name="cert")
nsi_app = typer.Typer(help="NSI reference books (справочники НСИ).", no_args_is_help=True)
app.add_typer(nsi_app, name="nsi")
app.add_typer(client_app)  # `hub send` and `hub state`: an organization's side, for trying the hub

ROLES = ("УО", "ТСЖ", "ЖСК", "РСО", "РЦ", "ОМС", "ОГВ", "РО", "ТКО")
ADMIN = "cli"


def _settings(data_dir: Path | None = None) -> Settings:
    return load_settings(data_dir=data_dir)


def _hub(settings: Settings) -> Hub:
    """The embedded shape migrates its SQLite file itself; production requires `hub db upgrade`."""
    try:
        return build_hub(settings)
    except SchemaOutdatedError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(3) from None


@app.command()
def version() -> None:
    """Print the hub version."""
    typer.echo(__version__)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = _settings()
    engine = make_engine(settings.effective_database_url)
    migrate.upgrade(engine)
    typer.echo(f"database at revision {migrate.current_revision(engine)}")
    engine.dispose()


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Option(help="Full name")],
    ogrn: Annotated[str, typer.Option(help="ОГРН (13) or ОГРНИП (15 digits)")],
    inn: Annotated[str, typer.Option(help="ИНН")],
    kpp: Annotated[str, typer.Option(help="КПП")] = "",
    role: Annotated[list[str] | None, typer.Option(help=f"Role, repeatable: {', '.join(ROLES)}")] = None,
    ppaguid: Annotated[str | None, typer.Option(help="orgPPAGUID to use (default: new)")] = None,
    password: Annotated[str | None, typer.Option(help="HTTP Basic password (default: generated)")] = None,
) -> None:
    """Register an organization; prints its orgPPAGUID and its systems' HTTP Basic password."""
    roles = role or ["УО"]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise typer.BadParameter(f"unknown role(s) {unknown}; known: {', '.join(ROLES)}")
    if not (ogrn.isdigit() and len(ogrn) in (13, 15)):
        raise typer.BadParameter("ОГРН is 13 digits (ОГРНИП 15)")
    if not (inn.isdigit() and len(inn) in (10, 12)):
        raise typer.BadParameter("ИНН is 10 or 12 digits")
    hub = _hub(_settings())
    secret = password or generate_password()
    org = hub.directory.add_organization(
        ppaguid=(ppaguid or str(uuid.uuid4())).lower(),
        name=name,
        ogrn=ogrn,
        inn=inn,
        kpp=kpp,
        roles=roles,
        password_hash=hash_password(secret),
        actor=ADMIN,
    )
    typer.echo(f"orgPPAGUID: {org.ppaguid}")
    typer.echo(f"HTTP Basic user: {org.ppaguid}")
    typer.echo(f"HTTP Basic password: {secret}")
    hub.close()


@org_app.command("list")
def org_list() -> None:
    """List registered organizations."""
    hub = _hub(_settings())
    for org in hub.directory.organizations():
        typer.echo(f"{org.ppaguid}  {org.ogrn}  {','.join(org.roles):10}  {org.name}")
    hub.close()


@cert_app.command("add")
def cert_add(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Certificate, PEM or DER")],
    org: Annotated[list[str], typer.Option(help="orgPPAGUID (repeat for an operator certificate)")],
    operator: Annotated[bool, typer.Option(help="Operator certificate: signs for the listed organizations")] = False,
) -> None:
    """Register a signing certificate for an organization (or an operator certificate)."""
    hub = _hub(_settings())
    orgs = []
    for ppaguid in org:
        found = hub.directory.organization_by_ppaguid(ppaguid)
        if found is None:
            raise typer.BadParameter(f"organization {ppaguid} is not registered")
        orgs.append(found)
    if not operator and len(orgs) != 1:
        raise typer.BadParameter("a certificate is bound to exactly one organization (use --operator)")
    certificate = pki.load_certificate(file.read_bytes())
    refusal = _unusable(certificate)
    if refusal:
        hub.close()
        raise typer.BadParameter(refusal)
    if certificate.not_valid_before_utc > datetime.now(UTC):
        typer.echo(
            f"warning: the certificate is valid only from {certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; "
            "messages signed with it are refused (AUT900005) until then",
            err=True,
        )
    added = hub.directory.add_certificate(
        fingerprint=pki.fingerprint(certificate),
        organization_id=None if operator else orgs[0].id,
        is_operator=operator,
        subject=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        pem=certificate.public_bytes(Encoding.PEM).decode(),
        operator_for=[o.id for o in orgs] if operator else [],
        actor=ADMIN,
    )
    typer.echo(f"fingerprint (SHA-256): {added.fingerprint}")
    typer.echo(f"valid: {added.not_before:%Y-%m-%d} .. {added.not_after:%Y-%m-%d}")
    hub.close()


def _unusable(certificate: x509.Certificate) -> str | None:
    """Why a certificate cannot sign anything the hub would accept: registering it could only
    mislead the operator into thinking the organization can now send messages."""
    weakness = pki.key_weakness(certificate)
    if weakness is not None:
        return f"{weakness} (AUT900010): signatures made with this key are refused"
    if certificate.not_valid_after_utc < datetime.now(UTC):
        return f"the certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC (AUT900005)"
    return None


@cert_app.command("revoke")
def cert_revoke(fingerprint: str) -> None:
    """Revoke a certificate: messages signed with it are refused from now on."""
    hub = _hub(_settings())
    if not hub.directory.revoke_certificate(fingerprint.replace(":", "").lower(), ADMIN):
        hub.close()
        raise typer.BadParameter("no such active certificate")
    typer.echo("revoked")
    hub.close()


@cert_app.command("hub")
def cert_hub() -> None:
    """Print the hub's own signing certificate (PEM): clients verify getStateResult with it."""
    hub = _hub(_settings())
    typer.echo(hub.identity.certificate_pem.decode(), nl=False)
    hub.close()


@nsi_app.command("load")
def nsi_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A GIS exportNsiItem result (XML)")],
) -> None:
    """Load complete NSI books from a real GIS exportNsiItem result (replaces those books)."""
    hub = _hub(_settings())
    try:
        exported = nsi_export.read_books(file.read_bytes())
    except HubError as exc:
        hub.close()
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    for book in exported:
        count = nsi_store.load_book(
            hub.store,
            book.registry,
            f"НСИ {book.registry}",
            [nsi_store.LoadedElement(e.code, e.name, e.is_actual) for e in book.elements],
            source=f"exportNsiItem: {file.name}",
            actor=ADMIN,
        )
        typer.echo(f"NSI {book.registry}: {count} elements loaded")
    hub.close()


@nsi_app.command("list")
def nsi_list() -> None:
    """List the NSI books the hub has (complete books make unknown codes an error)."""
    hub = _hub(_settings())
    for info in nsi_store.books(hub.store):
        kind = "complete" if info.complete else "partial"
        typer.echo(f"NSI {info.registry:<4} {kind:8} {info.elements:6} elements  {info.name}  [{info.source}]")
    hub.close()


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
    logging.basicConfig(level=logging.INFO)
    settings = _settings()
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
    logging.basicConfig(level=logging.INFO)
    worker.run_forever(worker_ports(_hub(_settings()), threads=threads))


@app.command("demo")
def demo_command(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8080,
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its data")] = Path("hub-data/demo"),
    processes: Annotated[int | None, typer.Option(min=1, help=_PROCESSES_HELP)] = None,
) -> None:
    """Start the embedded hub with the demo organizations, certificates and sample data."""
    logging.basicConfig(level=logging.WARNING)
    settings = demo.settings(data_dir)
    count = processes or settings.effective_processes
    hub = _hub(replace(settings, processes=1))  # this process alone, until it starts others
    lines = demo.prepare(hub)
    handle = worker.start(worker_ports(hub))
    try:
        lines += demo.load_sample_data(hub)
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
