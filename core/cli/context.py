"""What every command shares: settings from options and environment, the service, output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

import click
from sqlalchemy.exc import SQLAlchemyError

from ..service import AmberService
from ..settings import Settings, SettingsError
from ..storage.database import explain_storage_error, read_only_url
from ..storage.errors import StorageError

# Commands that only read the history: when it cannot be opened for writing (a read-only
# folder, a full disk) they still run, on a read-only view of it.
READ_ONLY_COMMANDS = frozenset({"list", "verify", "export", "info"})
STORAGE_ERRORS = (OSError, StorageError, SQLAlchemyError)


@dataclass
class CliState:
    overrides: dict[str, Any] = field(default_factory=dict)
    _service: AmberService | None = None

    def settings(self) -> Settings:
        try:
            return Settings.load(self.overrides)
        except SettingsError as error:
            raise click.UsageError(str(error)) from None

    def service(self) -> AmberService:
        if self._service is None:
            settings = self.settings()
            try:
                self._service = AmberService(settings)
            except STORAGE_ERRORS as error:
                reason = explain_storage_error(error, settings.database_url)
                self._service = self._read_only_service(settings, reason)
        return self._service

    def _read_only_service(self, settings: Settings, reason: str) -> AmberService:
        """The history opened read-only for a command that only reads, or a plain refusal."""
        command = click.get_current_context().info_name
        url = read_only_url(settings.database_url)
        if command not in READ_ONLY_COMMANDS or url is None:
            raise click.ClickException(f"cannot open the history: {reason}")
        try:
            service = AmberService(settings.with_changes(db_url=url))
        except STORAGE_ERRORS as error:
            raise click.ClickException(
                f"cannot open the history: {reason} ({explain_storage_error(error, url)})"
            ) from None
        click.echo(f"amber: note: showing the history read-only: {reason}", err=True)
        return service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None


pass_state = click.make_pass_decorator(CliState)


class AmberGroup(click.Group):
    """The `amber` group: a storage failure in any command (the disk filled up, the folder
    turned read-only) ends in one plain sentence, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except STORAGE_ERRORS as error:
            state = ctx.find_object(CliState)
            url = state.settings().database_url if state is not None else None
            raise click.ClickException(
                f"the history was not changed: {explain_storage_error(error, url)}"
            ) from None


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def emit(as_json: bool, data: Any, text: str) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
    elif text:
        click.echo(text)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"amber: {message}", err=True)
    sys.exit(code)


def utc(timestamp: float | int | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
