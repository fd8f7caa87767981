"""The ``amber`` command line. With no command it opens the desktop app."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from .context import AmberGroup, CliState
from .history import export_command, import_command, list_command
from .proofs import info_command, verify_command
from .serve import serve_command
from .stamping import stamp_command, upgrade_command
from .worker import worker_command


@click.group(
    cls=AmberGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the history (env AMBER_DATA_DIR; default: the platform's user data folder).",
)
@click.option(
    "--db",
    "db_url",
    help="Database URL, instead of SQLite in the data folder (env AMBER_DB).",
)
@click.option(
    "--calendar",
    "calendars",
    multiple=True,
    help="Calendar URL; repeat for several (env AMBER_CALENDARS, comma-separated).",
)
@click.option("--min-calendars", type=int, help="Calendars that must accept a batch (default 2).")
@click.option("--bitcoin-node", help="bitcoind JSON-RPC URL with credentials (AMBER_BITCOIN_NODE).")
@click.option(
    "--esplora", multiple=True, help="Esplora API URL; repeat for several (env AMBER_ESPLORA)."
)
@click.option(
    "--chain", type=click.Choice(["bitcoin", "regtest"]), help="Chain of the header sources."
)
@click.pass_context
def cli(ctx: click.Context, **options: Any) -> None:
    """Amber: prove that a file existed at a point in time, through OpenTimestamps."""
    state = CliState(overrides=options)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        # Loaded only here: the core never imports Qt, the desktop app does.
        desktop = importlib.import_module("amber.desktop.app")
        sys.exit(desktop.run_app(options, sys.argv))


for command in (
    stamp_command,
    upgrade_command,
    list_command,
    info_command,
    export_command,
    import_command,
    verify_command,
    serve_command,
    worker_command,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="amber")
