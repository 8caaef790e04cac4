"""``hub house …``: the operator's commands of the houses area (found through its registry entry).

An admin transfer rebinds a house to another managing organization; every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from hub.areas.houses.lookup import bind_house, unbind_house
from hub.config import load_settings
from hub.errors import E, HubError
from hub.store import migrate
from hub.store.base import Store
from hub.store.db import make_engine
from hub.store.directory import SqlDirectory

ADMIN = "cli"

app = typer.Typer(name="house", help="Houses: admin transfer between organizations.", no_args_is_help=True)


@contextmanager
def _store() -> Iterator[Store]:
    settings = load_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        migrate.ensure_schema(engine, upgrade_schema=settings.embedded)
        yield Store(engine)
    except migrate.SchemaOutdatedError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(3) from None
    except HubError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


@app.command("bind")
def house_bind(
    house: Annotated[str, typer.Option(help="FIASHouseGuid of the house")],
    org: Annotated[str, typer.Option(help="orgPPAGUID of the organization that manages it now")],
) -> None:
    """Bind a house to an organization (replaces the current manager); audited."""
    with _store() as store:
        target = SqlDirectory(store).organization_by_ppaguid(org)
        if target is None:
            raise HubError(E.AUT011002, f"orgPPAGUID {org}")
        bind_house(store, house, target.id, ADMIN)
    typer.echo(f"house {house.lower()} is managed by {target.ppaguid} ({target.name})")


@app.command("unbind")
def house_unbind(house: Annotated[str, typer.Option(help="FIASHouseGuid of the house")]) -> None:
    """Release a house: the next import by a УО/ТСЖ/ЖСК binds it again; audited."""
    with _store() as store:
        unbind_house(store, house, ADMIN)
    typer.echo(f"house {house.lower()} has no manager")
