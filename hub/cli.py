"""Command line: the administrator's tool (``hub …``)."""

from __future__ import annotations

import typer

app = typer.Typer(help="zhkh-hub: интеграционный хаб ГИС ЖКХ", no_args_is_help=True)


@app.command()
def version() -> None:
    """Print the hub version."""
    from hub import __version__

    typer.echo(__version__)


def main() -> None:
    app()
