"""``hub db|org|cert|nsi|where``: the operator's administration commands.

They open the store alone — no broker, no worker, no signing key — and a read-only command
(``org list``, ``cert hub``, ``nsi list``, ``where``) creates nothing: on a data directory with no
hub in it, it says so and where it looked (INT900104), instead of making an empty database or a
new signing key. A user mistake is one line — code, Russian text, what to do — and exit code 2,
never a traceback; a database that is not at this code's schema is exit 3.

``--data-dir`` (or ``HUB_DATA_DIR``) chooses the embedded hub's data; ``HUB_DATABASE_URL`` a
production database. ``hub where`` prints which one a command works on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from hub.composition import existing_hub_identity, make_identity_files, open_store
from hub.config import Settings, load_settings
from hub.contract import nsi_export, pki
from hub.domain.systems import is_system
from hub.errors import E, HubError
from hub.services import tokens
from hub.services.identity import generate_password, hash_password
from hub.services.ports import Organization
from hub.store import migrate
from hub.store import nsi as nsi_store
from hub.store import systems as systems_store
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import SqlDirectory
from hub.store.tokens import SqlTokens

ROLES = ("УО", "ТСЖ", "ЖСК", "РСО", "РЦ", "ОМС", "ОГВ", "РО", "ТКО")
ADMIN = "cli"
EXIT_USER_ERROR = 2
EXIT_SCHEMA = 3

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
cert_app = typer.Typer(help="Signing certificates.", no_args_is_help=True)
nsi_app = typer.Typer(help="NSI reference books (справочники НСИ).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for the REST API (/api/v1).", no_args_is_help=True)
system_app = typer.Typer(
    help="Information systems (hub cert add --system) and their data providers.", no_args_is_help=True
)


def settings_for(data_dir: Path | None) -> Settings:
    return load_settings(data_dir=data_dir) if data_dir is not None else load_settings()


def describe(settings: Settings) -> str:
    """Which data a command works on, password hidden."""
    if settings.embedded:
        return f"data directory {settings.data_dir.resolve()} (database {settings.effective_database_url})"
    return f"database {make_url(settings.effective_database_url).render_as_string(hide_password=True)}"


def fail(error: HubError, hint: str = "") -> typer.Exit:
    """Print one line (code, text, what to do) and return the exit to raise."""
    typer.echo(f"{error}{'. ' + hint if hint else ''}", err=True)
    return typer.Exit(EXIT_USER_ERROR)


@dataclass
class Admin:
    settings: Settings
    store: Store
    directory: SqlDirectory


@contextmanager
def admin(data_dir: Path | None = None, *, create: bool) -> Iterator[Admin]:
    """The store for one command; ``create=False``: nothing is created where there is no hub."""
    settings = settings_for(data_dir)
    if not create and settings.embedded and not (settings.data_dir / "hub.sqlite3").exists():
        raise fail(
            HubError(E.INT900104, describe(settings)),
            "Укажите каталог данных: --data-dir или HUB_DATA_DIR (hub demo печатает свой)",
        )
    try:
        store = open_store(settings)
    except migrate.SchemaOutdatedError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_SCHEMA) from None
    try:
        yield Admin(settings, store, SqlDirectory(store))
    except HubError as exc:
        raise fail(exc) from None
    finally:
        store.engine.dispose()


DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="The embedded hub's data directory (default: HUB_DATA_DIR, hub-data)")
]


@db_app.command("upgrade")
def db_upgrade(data_dir: DataDir = None) -> None:
    """Create or migrate the database schema to the newest revision."""
    settings = settings_for(data_dir)
    if settings.embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        migrate.upgrade(engine)
        typer.echo(f"database at revision {migrate.current_revision(engine)}: {describe(settings)}")
    finally:
        engine.dispose()


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Option(help="Full name")],
    ogrn: Annotated[str, typer.Option(help="ОГРН (13) or ОГРНИП (15 digits)")],
    inn: Annotated[str, typer.Option(help="ИНН")],
    role: Annotated[list[str], typer.Option(help=f"Role, repeatable: {', '.join(ROLES)}")],
    kpp: Annotated[str, typer.Option(help="КПП")] = "",
    ppaguid: Annotated[str | None, typer.Option(help="orgPPAGUID to use (default: new)")] = None,
    password: Annotated[str | None, typer.Option(help="HTTP Basic password (default: generated)")] = None,
    data_dir: DataDir = None,
) -> None:
    """Register an organization; prints its orgPPAGUID and its systems' HTTP Basic password."""
    unknown = [r for r in role if r not in ROLES]
    if unknown:
        raise typer.BadParameter(f"unknown role(s) {unknown}; known: {', '.join(ROLES)}")
    if not (ogrn.isdigit() and len(ogrn) in (13, 15)):
        raise typer.BadParameter("ОГРН is 13 digits (ОГРНИП 15)")
    if not (inn.isdigit() and len(inn) in (10, 12)):
        raise typer.BadParameter("ИНН is 10 or 12 digits")
    guid = (ppaguid or str(uuid.uuid4())).lower()
    with admin(data_dir, create=True) as ctx:
        for known in ctx.directory.organizations():
            if known.ppaguid == guid or (known.ogrn, known.inn, known.kpp) == (ogrn, inn, kpp):
                raise fail(
                    HubError(E.INT900101, f"{known.ppaguid} {known.name} (ОГРН {known.ogrn}, ИНН {known.inn})"),
                    "Список: hub org list",
                )
        secret = password or generate_password()
        try:
            org = ctx.directory.add_organization(
                ppaguid=guid,
                name=name,
                ogrn=ogrn,
                inn=inn,
                kpp=kpp,
                roles=role,
                password_hash=hash_password(secret),
                actor=ADMIN,
            )
        except IntegrityError:  # registered by another process a moment ago
            raise fail(HubError(E.INT900101, guid), "Список: hub org list") from None
    typer.echo(f"orgPPAGUID: {org.ppaguid}")
    typer.echo(f"HTTP Basic user: {org.ppaguid}")
    typer.echo(f"HTTP Basic password: {secret}")


@org_app.command("list")
def org_list(data_dir: DataDir = None) -> None:
    """List registered organizations."""
    with admin(data_dir, create=False) as ctx:
        for org in ctx.directory.organizations():
            if not is_system(org.roles):  # information systems: hub system list
                typer.echo(f"{org.ppaguid}  {org.ogrn}  {','.join(org.roles):10}  {org.name}")


def _read_certificate(file: Path) -> x509.Certificate:
    try:
        return pki.load_certificate(file.read_bytes())
    except ValueError:
        raise fail(
            HubError(E.INT900103, str(file)), "Укажите файл сертификата (.pem/.cer), не ключа и не запроса"
        ) from None


@cert_app.command("add")
def cert_add(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Certificate, PEM or DER")],
    org: Annotated[list[str] | None, typer.Option(help="orgPPAGUID (repeat for an operator certificate)")] = None,
    operator: Annotated[bool, typer.Option(help="Operator certificate: signs for the listed organizations")] = False,
    system: Annotated[
        str | None, typer.Option(help="An information system's certificate (NsiCommon, OrgRegistryCommon): its name")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Register a signing certificate for an organization, an operator, or an information system.

    ``--system NAME`` registers the system on its first certificate and prints its HTTP Basic
    credential for getState once (only its hash is kept); later certificates join that system.
    """
    org = org or []
    if system is not None and (org or operator):
        raise typer.BadParameter("--system is a certificate of an information system: no --org, no --operator")
    certificate = _read_certificate(file)
    refusal = _unusable(certificate)
    if refusal:
        raise typer.BadParameter(refusal)
    fingerprint = pki.fingerprint(certificate)
    secret: str | None = None
    with admin(data_dir, create=True) as ctx:
        orgs = []
        for ppaguid in org:
            found = ctx.directory.organization_by_ppaguid(ppaguid)
            if found is None or is_system(found.roles):
                raise fail(HubError(E.AUT011002, f"orgPPAGUID {ppaguid}"), "Зарегистрируйте её: hub org add")
            orgs.append(found)
        if system is None and not operator and len(orgs) != 1:
            raise typer.BadParameter("a certificate is bound to exactly one organization (use --operator or --system)")
        if ctx.directory.certificate(fingerprint) is not None:
            raise fail(HubError(E.INT900102, f"SHA-256 {fingerprint}"), "Отзыв: hub cert revoke")
        if certificate.not_valid_before_utc > datetime.now(UTC):
            typer.echo(
                f"warning: the certificate is valid only from {certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC;"
                " messages signed with it are refused (AUT900005) until then",
                err=True,
            )
        owner = orgs[0] if orgs and not operator else None
        if system is not None:
            owner = systems_store.system_by_name(ctx.directory, system)
            if owner is None:
                secret = generate_password()
                owner = systems_store.add_system(ctx.directory, system, hash_password(secret), ADMIN)
        try:
            added = ctx.directory.add_certificate(
                fingerprint=fingerprint,
                organization_id=owner.id if owner is not None else None,
                is_operator=operator,
                subject=certificate.subject.rfc4514_string(),
                not_before=certificate.not_valid_before_utc,
                not_after=certificate.not_valid_after_utc,
                pem=certificate.public_bytes(Encoding.PEM).decode(),
                operator_for=[o.id for o in orgs] if operator else [],
                actor=ADMIN,
            )
        except IntegrityError:  # a revoked certificate keeps its row
            raise fail(HubError(E.INT900102, f"SHA-256 {fingerprint} (отозван)")) from None
    typer.echo(f"fingerprint (SHA-256): {added.fingerprint}")
    typer.echo(f"valid: {added.not_before:%Y-%m-%d} .. {added.not_after:%Y-%m-%d}")
    if system is not None and owner is not None:
        typer.echo(f"system: {owner.name}")
        typer.echo(f"HTTP Basic user: {owner.ppaguid}")
        if secret is not None:
            typer.echo(f"HTTP Basic password: {secret}")
        else:
            typer.echo("HTTP Basic password: unchanged (the system was registered before)")


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
def cert_revoke(fingerprint: str, data_dir: DataDir = None) -> None:
    """Revoke a certificate: messages signed with it are refused from now on."""
    with admin(data_dir, create=False) as ctx:
        if not ctx.directory.revoke_certificate(fingerprint.replace(":", "").lower(), ADMIN):
            raise typer.BadParameter("no such active certificate")
    typer.echo("revoked")


@cert_app.command("hub")
def cert_hub(data_dir: DataDir = None) -> None:
    """Print the hub's own signing certificate (PEM): clients verify getStateResult with it."""
    settings = settings_for(data_dir)
    identity = existing_hub_identity(settings)
    if identity is None:
        raise fail(
            HubError(E.INT900104, f"ключ подписи хаба: {describe(settings)}"),
            "Его создаёт первый запуск hub serve/hub demo, или задайте HUB_SIGNING_KEY и HUB_SIGNING_CERT",
        )
    typer.echo(identity.certificate_pem.decode(), nl=False)


@cert_app.command("new-hub-key")
def cert_new_hub_key(
    directory: Annotated[Path, typer.Argument(file_okay=False, help="Where to write hub-signing.key/.pem")],
    gost: Annotated[
        bool, typer.Option("--gost", help="A GOST R 34.10-2012 key: responses signed as GIS signs")
    ] = False,
) -> None:
    """Make the hub's signing key for the production shape (once); prints the settings to use.

    Every ``hub serve`` and ``hub worker`` must be given the same files. An existing key there is
    kept. Use a certificate from your CA instead when clients must trust a chain.
    """
    key, cert = make_identity_files(directory, gost=gost)
    typer.echo(f"HUB_SIGNING_KEY={key.resolve()}")
    typer.echo(f"HUB_SIGNING_CERT={cert.resolve()}")


@nsi_app.command("load")
def nsi_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A GIS exportNsiItem result (XML)")],
    data_dir: DataDir = None,
) -> None:
    """Load complete NSI books from a real GIS exportNsiItem result (replaces those books)."""
    with admin(data_dir, create=True) as ctx:
        exported = nsi_export.read_books(file.read_bytes())
        for book in exported:
            count = nsi_store.load_book(
                ctx.store,
                book.registry,
                f"НСИ {book.registry}",
                [nsi_store.LoadedElement(e.code, e.name, e.is_actual) for e in book.elements],
                source=f"exportNsiItem: {file.name}",
                actor=ADMIN,
            )
            typer.echo(f"NSI {book.registry}: {count} elements loaded")


@nsi_app.command("list")
def nsi_list(data_dir: DataDir = None) -> None:
    """List the NSI books the hub has (complete books make unknown codes an error)."""
    with admin(data_dir, create=False) as ctx:
        for info in nsi_store.books(ctx.store):
            kind = "complete" if info.complete else "partial"
            typer.echo(f"NSI {info.registry:<4} {kind:8} {info.elements:6} elements  {info.name}  [{info.source}]")


def where(data_dir: DataDir = None) -> None:
    """Print which data directory and database the commands work on (nothing is created)."""
    settings = settings_for(data_dir)
    typer.echo(describe(settings))
    exists = not settings.embedded or (settings.data_dir / "hub.sqlite3").exists()
    typer.echo("hub data: present" if exists else "hub data: none yet (hub demo, hub serve or hub db upgrade make it)")


@token_app.command("create")
def token_create(
    org: Annotated[str | None, typer.Option(help="orgPPAGUID the token speaks for")] = None,
    operator: Annotated[bool, typer.Option("--operator", help="An operator token: sees every organization")] = False,
    name: Annotated[str, typer.Option(help="What the token is for (shown in hub token list)")] = "",
    data_dir: DataDir = None,
) -> None:
    """Make an API token; the secret is printed once and stored only as its SHA-256."""
    if (org is None) == (not operator):
        raise typer.BadParameter("give --org PPAGUID or --operator")
    with admin(data_dir, create=True) as ctx:
        org_id = None
        if org is not None:
            found = ctx.directory.organization_by_ppaguid(org)
            if found is None:
                raise fail(HubError(E.AUT011002, f"orgPPAGUID {org}"), "Зарегистрируйте её: hub org add")
            org_id = found.id
        token, secret = tokens.issue(SqlTokens(ctx.store, actor=ADMIN), org_id, name or (org or "operator"))
    typer.echo(f"token id: {token.id}")
    typer.echo(f"API token (shown once): {secret}")
    typer.echo("use: Authorization: Bearer <token>")


@token_app.command("list")
def token_list(data_dir: DataDir = None) -> None:
    """List API tokens (never their secrets): id, organization, name, last use, revoked."""
    with admin(data_dir, create=False) as ctx:
        names = {o.id: o.ppaguid for o in ctx.directory.organizations()}
        for token in SqlTokens(ctx.store).list():
            owner = "operator" if token.organization_id is None else names.get(token.organization_id, "?")
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            state = "revoked" if token.revoked_at else "active"
            typer.echo(f"{token.id:<5} {owner:36}  {state:7}  last used {used}  {token.name}")


@token_app.command("revoke")
def token_revoke(token_id: int, data_dir: DataDir = None) -> None:
    """Revoke an API token: it is refused (AUT900013) from now on."""
    with admin(data_dir, create=False) as ctx:
        if not SqlTokens(ctx.store, actor=ADMIN).revoke(token_id):
            raise typer.BadParameter("no such active token")
    typer.echo("revoked")


def _system(ctx: Admin, name: str) -> Organization:
    found = systems_store.system_by_name(ctx.directory, name)
    if found is None:
        raise fail(HubError(E.AUT011002, f"информационная система «{name}»"), "Регистрация: hub cert add --system")
    return found


@system_app.command("link")
def system_link(
    system: Annotated[str, typer.Option(help="The system's name (hub cert add --system NAME)")],
    org: Annotated[str, typer.Option(help="orgPPAGUID of the data provider working through it")],
    end: Annotated[bool, typer.Option("--end", help="End the link (exportDataProvider: IsActual false)")] = False,
    data_dir: DataDir = None,
) -> None:
    """Record that an organization (a data provider) works through an information system."""
    with admin(data_dir, create=False) as ctx:
        found = _system(ctx, system)
        provider = ctx.directory.organization_by_ppaguid(org)
        if provider is None or is_system(provider.roles):
            raise fail(HubError(E.AUT011002, f"orgPPAGUID {org}"), "Список: hub org list")
        changed = systems_store.link(ctx.store, found.id, provider.id, ADMIN, actual=not end)
    state = "ended" if end else "linked"
    typer.echo(f"{state}: {provider.ppaguid} {provider.name} → {found.name}" + ("" if changed else " (already)"))


@system_app.command("list")
def system_list(data_dir: DataDir = None) -> None:
    """List the information systems with their HTTP Basic user and linked data providers."""
    with admin(data_dir, create=False) as ctx:
        for found in systems_store.systems(ctx.directory):
            typer.echo(f"{found.ppaguid}  {found.name}")
            for link in systems_store.links_of(ctx.store, ctx.directory, found.id):
                mark = "" if link.is_actual else "  (ended)"
                typer.echo(f"    {link.org.ppaguid}  {link.org.ogrn}  {link.org.name}{mark}")
