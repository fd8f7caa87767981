"""``amber stamp`` and ``amber upgrade``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..ots.adapter import new_stamp
from ..storage import Stamp, StampState
from .context import CliState, emit, json_option, pass_state, utc


def stamp_summary(stamp: Stamp) -> dict[str, object]:
    return {
        "id": stamp.id,
        "name": stamp.name,
        "folder": stamp.folder,
        "sha256": stamp.digest.hex(),
        "state": stamp.state.value,
        "calendars": list(stamp.calendars),
        "error": stamp.last_error,
        "block_height": stamp.block_height,
        "block_hash": stamp.block_hash,
        "block_time": stamp.block_time,
    }


def parse_digest(text: str) -> bytes:
    try:
        digest = bytes.fromhex(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not hexadecimal", param_hint="--digest") from None
    if len(digest) != 32:
        raise click.BadParameter(
            f"a SHA-256 digest is 64 hex characters, not {len(text)}", param_hint="--digest"
        )
    return digest


@click.command("stamp")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--digest", "digests", multiple=True, help="Stamp a SHA-256 digest (hex) directly.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for calendars.")
@click.option("--no-wait", is_flag=True, help="Only queue; the app or a worker submits later.")
@click.option("--again", is_flag=True, help="Stamp files even if they are already in the history.")
@json_option
@pass_state
def stamp_command(
    state: CliState,
    paths: tuple[Path, ...],
    digests: tuple[str, ...],
    timeout: float,
    no_wait: bool,
    again: bool,
    as_json: bool,
) -> None:
    """Hash FILES and folders (recursively), queue them and submit them to the calendars.

    A file already in the history is not stamped again (unless --again); if it is still queued
    from an earlier, interrupted run, this run submits it too.
    """
    if not paths and not digests:
        raise click.UsageError("give at least one file, folder or --digest")
    raw = [parse_digest(d) for d in digests]
    service = state.service()
    request = service.stamp_paths(list(paths), restamp=again)
    if raw:
        items = [new_stamp(d, json.dumps({"name": "", "folder": ""}).encode()) for d in raw]
        request.queued.extend(service.stamp(items))
    leftovers = [k for _, k in request.already_stamped if k.state is StampState.QUEUED]
    ids = [s.id for s in (*request.queued, *leftovers)]
    if not no_wait:
        service.submit_pending(ids, timeout)
    stamps = service.store.rows(ids)
    still_queued = [s for s in stamps if s.state is StampState.QUEUED]
    sick = {
        c.url: c.last_error or ""
        for c in service.store.calendar_statuses()
        if c.url in service.settings.calendars and c.consecutive_failures
    }
    lines = [
        f"already stamped  {p} (stamp {k.id}, {k.state.value})" for p, k in request.already_stamped
    ]
    lines += [f"unreadable       {p}: {reason}" for p, reason in request.unreadable]
    for stamp in stamps:
        where = f"{stamp.folder}/{stamp.name}" if stamp.name else stamp.digest.hex()
        why = (
            f" ({stamp.last_error})"
            if stamp.state is StampState.QUEUED and stamp.last_error
            else ""
        )
        lines.append(f"{stamp.state.value:<16} {where}{why}")
    lines += [f"calendar failed  {url}: {reason}" for url, reason in sorted(sick.items())]
    if still_queued and not no_wait:
        lines.append(
            f"{len(still_queued)} item(s) did not reach the calendar quorum within {timeout:g} s; "
            "they stay queued for the next run."
        )
    emit(
        as_json,
        {
            "stamps": [stamp_summary(s) for s in stamps],
            "already_stamped": [
                {"path": str(p), "stamp": k.id} for p, k in request.already_stamped
            ],
            "unreadable": [{"path": str(p), "error": r} for p, r in request.unreadable],
            "calendar_failures": sick,
        },
        "\n".join(lines),
    )
    ok = (no_wait or not still_queued) and not request.unreadable
    raise SystemExit(0 if ok else 1)


@click.command("upgrade")
@click.option(
    "--follow-unlisted",
    is_flag=True,
    help="Also ask calendars that are not on the whitelist (named by imported proofs).",
)
@json_option
@pass_state
def upgrade_command(state: CliState, follow_unlisted: bool, as_json: bool) -> None:
    """Ask the calendars now for Bitcoin attestations of pending proofs."""
    service = state.service()
    if follow_unlisted:
        service.upgrader.follow_unlisted = True
    report = service.upgrade_now()
    lines = [
        f"confirmed        {s.name or s.digest.hex()}: Bitcoin block {s.block_height}, "
        f"{utc(s.block_time)}"
        for s in report.confirmed
    ]
    lines.append(
        f"{len(report.confirmed)} confirmed, {report.still_pending} still pending, "
        f"{report.requests} calendar request(s)"
    )
    for url in sorted(report.not_followed):
        lines.append(f"not followed     {url} (not on the calendar whitelist)")
    for url, reason in sorted(report.errors.items()):
        lines.append(f"calendar failed  {url}: {reason}")
    emit(
        as_json,
        {
            "confirmed": [stamp_summary(s) for s in report.confirmed],
            "upgraded": report.upgraded,
            "still_pending": report.still_pending,
            "requests": report.requests,
            "not_followed": sorted(report.not_followed),
            "errors": report.errors,
        },
        "\n".join(lines),
    )
