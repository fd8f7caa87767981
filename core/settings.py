"""Amber's settings: command-line options > environment (AMBER_*) > settings file > defaults."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "Amber"
SETTINGS_FILE_NAME = "settings.json"
CHAINS = ("bitcoin", "regtest")

# The public aggregators the reference client submits to.
DEFAULT_CALENDARS: tuple[str, ...] = (
    "https://a.pool.opentimestamps.org",
    "https://b.pool.opentimestamps.org",
    "https://a.pool.eternitywall.com",
    "https://ots.btc.catallaxy.com",
)
DEFAULT_MIN_CALENDARS = 2

# Environment variable -> settings field. Lists are comma-separated.
ENVIRONMENT: Mapping[str, str] = {
    "AMBER_DATA_DIR": "data_dir",
    "AMBER_DB": "db_url",
    "AMBER_CALENDARS": "calendars",
    "AMBER_MIN_CALENDARS": "min_calendars",
    "AMBER_BITCOIN_NODE": "bitcoin_node",
    "AMBER_ESPLORA": "esplora",
    "AMBER_CHAIN": "chain",
    "AMBER_BATCH_INTERVAL": "batch_interval",
    "AMBER_LEASE_SECONDS": "lease_seconds",
}


class SettingsError(ValueError):
    """A setting that cannot be used, with the reason."""


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_settings_file() -> Path:
    configured = os.environ.get("AMBER_SETTINGS_FILE")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE_NAME


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    db_url: str = ""  # empty: SQLite in data_dir
    calendars: tuple[str, ...] = DEFAULT_CALENDARS
    min_calendars: int = DEFAULT_MIN_CALENDARS
    bitcoin_node: str | None = None
    esplora: tuple[str, ...] = ()
    chain: str = "bitcoin"
    extra_whitelist: tuple[str, ...] = ()
    follow_unlisted_calendars: bool = False
    batch_interval: float = 1.0
    max_leaves: int = 4096
    calendar_timeout: float = 10.0
    lease_seconds: float = 300.0  # a worker that dies mid-batch gives its fossils back after this

    def __post_init__(self) -> None:
        if not self.calendars:
            raise SettingsError("at least one calendar is needed")
        for url in (*self.calendars, *self.esplora, *self.extra_whitelist):
            _check_url(url)
        if self.bitcoin_node:
            _check_url(self.bitcoin_node)
        if not 1 <= self.min_calendars <= len(self.calendars):
            raise SettingsError(
                f"min_calendars must be between 1 and the number of calendars "
                f"({len(self.calendars)}), not {self.min_calendars}"
            )
        if self.chain not in CHAINS:
            raise SettingsError(f"chain must be one of {', '.join(CHAINS)}, not {self.chain!r}")
        if min(self.batch_interval, self.calendar_timeout, self.lease_seconds) <= 0:
            raise SettingsError("batch_interval, calendar_timeout, lease_seconds must be positive")
        if not 1 <= self.max_leaves <= 100_000:
            raise SettingsError("max_leaves must be between 1 and 100000")

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'amber.sqlite3'}"

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        settings_file: Path | None = None,
    ) -> Settings:
        """Settings from (highest first) ``overrides``, the environment, the settings file."""
        values: dict[str, Any] = {}
        values.update(read_settings_file(settings_file or default_settings_file()))
        env = os.environ if environ is None else environ
        values.update({name: env[var] for var, name in ENVIRONMENT.items() if env.get(var)})
        values.update({k: v for k, v in (overrides or {}).items() if v not in (None, (), [])})
        if "calendars" in values and "min_calendars" not in values:
            count = len(_as_tuple(values["calendars"]))
            values["min_calendars"] = min(DEFAULT_MIN_CALENDARS, count)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
        converted: dict[str, Any] = {}
        for name, value in values.items():
            converted[name] = _convert(name, value)
        return cls(**converted)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["data_dir"] = str(self.data_dir)
        data["calendars"] = list(self.calendars)
        data["esplora"] = list(self.esplora)
        data["extra_whitelist"] = list(self.extra_whitelist)
        return data

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **{k: _convert(k, v) for k, v in changes.items()})


def read_settings_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SettingsError(f"cannot read settings file {path}: {error.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SettingsError(f"settings file {path} is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path} must hold a JSON object")
    return data


def write_settings_file(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically, so a crash never leaves a half-written settings file."""
    target = path or default_settings_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings.to_json(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def _as_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(str(v) for v in value)


def _convert(name: str, value: Any) -> Any:
    try:
        if name == "data_dir":
            return Path(value).expanduser()
        if name in ("calendars", "esplora", "extra_whitelist"):
            return tuple(url.rstrip("/") for url in _as_tuple(value))
        if name in ("min_calendars", "max_leaves"):
            return int(value)
        if name in ("batch_interval", "calendar_timeout", "lease_seconds"):
            return float(value)
        if name == "follow_unlisted_calendars":
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        if name == "bitcoin_node":
            return str(value) if value else None
    except (TypeError, ValueError):
        raise SettingsError(f"setting {name} has an unusable value: {value!r}") from None
    return value


def _check_url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"not an http(s) URL: {url!r}")
