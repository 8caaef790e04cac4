"""``hub supply add|list``: the operator's supply contracts (found through the registry entry).

``add`` records a contract the operator made: an РСО supplies a municipal resource (NSI 2) to a
house from a date (to a date), with an audit record; ``list`` shows current contracts' object
rows. As in ``hub.cli_admin``: a user mistake is one Russian line with its code and exit code 2,
never a traceback; a database not at this code's schema is exit 3; ``--data-dir`` (or
``HUB_DATA_DIR``) chooses the embedded hub's data, ``HUB_DATABASE_URL`` a production database,
and ``list`` creates nothing where there is no hub (INT900104).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from hub.areas.supply.store import add_operator_contract, list_contracts
from hub.config import load_settings
from hub.errors import E, HubError
from hub.store import migrate
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import SqlDirectory

ADMIN = "cli"
EXIT_USER_ERROR = 2
EXIT_SCHEMA = 3

app = typer.Typer(
    name="supply", help="Supply contracts (ДРСО): who supplies what to which house.", no_args_is_help=True
)

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="The embedded hub's data directory (default: HUB_DATA_DIR, hub-data)")
]


@contextmanager
def _store(data_dir: Path | None, *, create: bool) -> Iterator[Store]:
    settings = load_settings(data_dir=data_dir) if data_dir is not None else load_settings()
    if not create and settings.embedded and not (settings.data_dir / "hub.sqlite3").exists():
        typer.echo(f"{HubError(E.INT900104, str(settings.data_dir.resolve()))}. Укажите --data-dir", err=True)
        raise typer.Exit(EXIT_USER_ERROR)
    if settings.embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        migrate.ensure_schema(engine, upgrade_schema=settings.embedded)
        yield Store(engine)
    except migrate.SchemaOutdatedError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_SCHEMA) from None
    except HubError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_USER_ERROR) from None
    finally:
        engine.dispose()


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HubError(E.FMT001300, f"{option} {value!r}: ожидается дата ГГГГ-ММ-ДД") from None


@app.command("add")
def supply_add(
    rso: Annotated[str, typer.Option("--rso", help="orgPPAGUID of the resource-supply organization")],
    house: Annotated[str, typer.Option("--house", help="FIASHouseGuid of the house it supplies")],
    resource: Annotated[str, typer.Option("--resource", help="NSI 2 code of the municipal resource")],
    start: Annotated[str | None, typer.Option("--from", help="First day of supply, YYYY-MM-DD (today)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of supply, YYYY-MM-DD (default: open)")] = None,
    data_dir: DataDir = None,
) -> None:
    """Record a supply contract the operator made (audited): the РСО may then send devices and
    readings of that resource for that house."""
    with _store(data_dir, create=True) as store:
        first = _date(start, "--from") or date.today()
        last = _date(end, "--to")
        _check_guid(house, "--house")
        supplier = SqlDirectory(store).organization_by_ppaguid(rso.strip().lower())
        if supplier is None:
            raise HubError(E.AUT011002, f"orgPPAGUID {rso}")
        if "РСО" not in supplier.roles:
            raise HubError(E.AUT011003, f"организация {supplier.ppaguid} не является РСО")
        contract = add_operator_contract(store, supplier.id, house, resource, first, last, ADMIN)
    until = f" to {last}" if last else ""
    typer.echo(
        f"contract {contract.root_guid}: {supplier.ppaguid} supplies resource {resource.strip()} (NSI 2) "
        f"to house {house.strip().lower()} from {first}{until}"
    )


def _check_guid(value: str, option: str) -> None:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        raise HubError(E.FMT001300, f"{option} {value!r}: ожидается GUID") from None


@app.command("list")
def supply_list(
    rso: Annotated[str | None, typer.Option("--rso", help="Only this orgPPAGUID's contracts")] = None,
    data_dir: DataDir = None,
) -> None:
    """Current supply contracts: supplier, contract, house, NSI 2 resource, period (one line each)."""
    with _store(data_dir, create=False) as store:
        org_id = None
        if rso is not None:
            supplier = SqlDirectory(store).organization_by_ppaguid(rso.strip().lower())
            if supplier is None:
                raise HubError(E.AUT011002, f"orgPPAGUID {rso}")
            org_id = supplier.id
        rows = list_contracts(store, org_id)
    if not rows:
        typer.echo("no supply contracts")
    for row in rows:
        resource = row.resource or "-"
        period = f"{row.start}..{row.end or ''}"
        typer.echo(
            f"{row.supplier} {row.root_guid} v{row.version_number} {row.status} {row.source} "
            f"house {row.house_guid} resource {resource} {period}"
        )
