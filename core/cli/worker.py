"""``amber worker``: the fossilizer and the upgrader, headless, until SIGTERM or SIGINT."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, TypeVar

import click

from ..service import AmberService
from ..storage import MAX_LEASE_SECONDS
from .context import CliState, pass_state

F = TypeVar("F", bound=Callable[..., Any])


def worker_options(command: F) -> F:
    """Options shared by ``amber worker`` and ``amber serve``."""
    command = click.option(
        "--lease-seconds",
        type=click.FloatRange(0, MAX_LEASE_SECONDS, min_open=True),
        help="How long a popped batch stays reserved for this process; after a crash the "
        "batch returns to the queue this much later (env AMBER_LEASE_SECONDS; default 300).",
    )(command)
    command = click.option(
        "--batch-interval",
        type=click.FloatRange(0, min_open=True),
        help="Seconds to gather fossils before submitting a batch (env AMBER_BATCH_INTERVAL).",
    )(command)
    return command


def prepared_service(
    state: CliState, batch_interval: float | None, lease_seconds: float | None
) -> AmberService:
    state.overrides.update(batch_interval=batch_interval, lease_seconds=lease_seconds)
    return state.service()


def describe(service: AmberService) -> str:
    where = service.db.engine.url.render_as_string(hide_password=True)
    calendars = ", ".join(service.settings.calendars)
    return f"database {where}; calendars {calendars}"


@contextlib.contextmanager
def stop_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM set ``stop`` instead of killing the process."""

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command("worker")
@worker_options
@pass_state
def worker_command(
    state: CliState, batch_interval: float | None, lease_seconds: float | None
) -> None:
    """Submit queued fossils and upgrade pending proofs until SIGTERM or SIGINT.

    Several workers may share one PostgreSQL database (--db postgresql+psycopg://...): each
    batch is leased by one of them, and a crashed worker's batch returns after its lease.
    """
    service = prepared_service(state, batch_interval, lease_seconds)
    stop = threading.Event()
    with stop_signals(stop):
        service.start()
        click.echo(f"amber worker: running ({describe(service)})")
        stop.wait()
        click.echo("amber worker: stopping")
        service.stop()
    click.echo("amber worker: stopped")
