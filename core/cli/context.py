"""What every command shares: settings from options and environment, the service, output."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from ..service import AmberService
from ..settings import Settings, SettingsError


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
            try:
                self._service = AmberService(self.settings())
            except OSError as error:
                raise click.ClickException(f"cannot open the history: {error}") from None
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None


pass_state = click.make_pass_decorator(CliState)

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
