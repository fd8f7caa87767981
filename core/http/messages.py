"""Adapter events and stamps as the JSON the API sends."""

from __future__ import annotations

import base64
import json
from typing import Any

from ..fossilizer import BlockAttestation, Event, Evidence, Fossil, Result
from ..storage import Stamp

PING = json.dumps({"type": "Ping", "data": {}})


def event_message(event: Event) -> str:
    """``{"type": "DidFossilize", "data": {...}}``: one websocket text message."""
    return json.dumps({"type": str(event.event_type), "data": _event_data(event.data)})


def result_json(result: Result) -> dict[str, Any]:
    return {"fossil": fossil_json(result.fossil), "evidence": evidence_json(result.evidence)}


def fossil_json(fossil: Fossil) -> dict[str, Any]:
    return {
        "id": fossil.id,
        "data": bytes(fossil.data).hex(),
        "meta": bytes(fossil.meta).decode("utf-8", errors="replace"),
    }


def evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {
        "backend": evidence.backend,
        "provider": evidence.provider,
        "state": evidence.state,
        "calendars": list(evidence.calendars),
        "block": block_json(evidence.block),
        "proof": base64.b64encode(evidence.proof).decode("ascii"),
        "extra": _jsonable(evidence.extra),
    }


def block_json(block: BlockAttestation | None) -> dict[str, Any] | None:
    if block is None:
        return None
    return {"height": block.height, "hash": block.block_hash, "time": block.time}


def stamp_json(stamp: Stamp) -> dict[str, Any]:
    """What ``GET /fossils/{id}`` answers: the state and, once there is one, the proof."""
    block = None
    if stamp.block_height is not None and stamp.block_hash and stamp.block_time is not None:
        block = BlockAttestation(stamp.block_height, stamp.block_hash, stamp.block_time)
    return {
        "id": stamp.fossil_id,
        "state": stamp.state.value,
        "data": stamp.digest.hex(),
        "calendars": list(stamp.calendars),
        "block": block_json(block),
        "error": stamp.last_error,
        "proof": base64.b64encode(stamp.proof).decode("ascii") if stamp.proof else None,
    }


def _event_data(data: Any) -> Any:
    if isinstance(data, Result):
        return result_json(data)
    return _jsonable(data)


def _jsonable(value: Any) -> Any:
    """Plain JSON values pass; anything else becomes its text, so one odd event never stops
    the stream."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value
