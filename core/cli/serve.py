"""``amber serve``: the HTTP API (and, unless --no-worker, the fossilizer and upgrader)."""

from __future__ import annotations

import ipaddress
import os

import click

from ..http import ApiLimits, create_app, generate_token, serve
from ..http.limits import DEFAULT_MAX_BODY_BYTES, DEFAULT_WS_BUFFER
from ..http.server import DEFAULT_HOST, DEFAULT_PORT, bind, url_of
from ..ots.adapter import DIGEST_LENGTH
from .context import CliState, pass_state
from .worker import describe, prepared_service, worker_options

TOKEN_ENV = "AMBER_API_TOKEN"
DIGEST_HEX = 2 * DIGEST_LENGTH  # what the OpenTimestamps adapter accepts


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, printed at start).",
)  # fmt: skip
@click.option("--no-worker", is_flag=True, help="Only queue; other `amber worker`s submit.")
@click.option(
    "--cors-origin", "cors_origins", multiple=True,
    help="Allow browser pages from this origin (repeat for several). Off by default.",
)  # fmt: skip
@click.option("--min-data-hex", default=DIGEST_HEX, show_default=True, type=int)
@click.option("--max-data-hex", default=DIGEST_HEX, show_default=True, type=int)
@click.option("--max-body-bytes", default=DEFAULT_MAX_BODY_BYTES, show_default=True, type=int)
@click.option(
    "--ws-buffer", default=DEFAULT_WS_BUFFER, show_default=True, type=int,
    help="Events queued per websocket client; a client further behind is disconnected.",
)  # fmt: skip
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))  # fmt: skip
@worker_options
@pass_state
def serve_command(
    state: CliState,
    host: str,
    port: int,
    no_worker: bool,
    cors_origins: tuple[str, ...],
    min_data_hex: int,
    max_data_hex: int,
    max_body_bytes: int,
    ws_buffer: int,
    log_level: str,
    batch_interval: float | None,
    lease_seconds: float | None,
) -> None:
    """Serve the HTTP API: POST /fossils, GET /fossils/{id}, GET /websocket, GET /openapi.json.

    Every request needs `Authorization: Bearer <token>`; the token comes from AMBER_API_TOKEN,
    or is generated and printed at start.
    """
    try:
        limits = ApiLimits(min_data_hex, max_data_hex, max_body_bytes, ws_buffer)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    token = os.environ.get(TOKEN_ENV) or ""
    service = prepared_service(state, batch_interval, lease_seconds)
    try:
        sock = bind(host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    if not _is_loopback(host):
        click.echo(
            f"amber serve: listening on {host}, beyond this machine; put TLS in front of it",
            err=True,
        )
    if not token:
        token = generate_token()
        click.echo(f"API token (set {TOKEN_ENV} to choose it): {token}")
    app = create_app(
        service.adapter,
        token=token,
        store=service.store,
        limits=limits,
        cors_origins=cors_origins,
    )

    def started() -> None:
        worker = "no worker" if no_worker else "with worker"
        click.echo(f"amber serve: listening on {url_of(sock)} ({worker}; {describe(service)})")

    if not no_worker:
        service.start()
    try:
        serve(app, sock, on_started=started, log_level=log_level)
    finally:
        sock.close()
        service.stop()
    click.echo("amber serve: stopped")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
