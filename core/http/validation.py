"""Reading a ``POST /fossils`` body: ``{"data": "<hex>", "meta": "<string>"}``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import ApiError
from .limits import ApiLimits

HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class FossilRequest:
    data: bytes
    meta: bytes


def parse_fossil_request(body: bytes, limits: ApiLimits) -> FossilRequest:
    """The fossil a body asks for, or ``ApiError(400)`` saying exactly what is wrong."""
    document = _json_object(body)
    return FossilRequest(_data(document, limits), _meta(document, limits))


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise ApiError(400, "request body is empty; send a JSON object with a data field")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not UTF-8 text") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ApiError(400, f"request body is not valid JSON: {error.msg} at {error.pos}") from None
    except RecursionError:
        raise ApiError(400, "request body is nested too deeply") from None
    if not isinstance(document, dict):
        raise ApiError(400, "request body must be a JSON object with a data field")
    return document


def _data(document: dict[str, Any], limits: ApiLimits) -> bytes:
    if "data" not in document:
        raise ApiError(400, "missing field: data (the hex of what to fossilize)")
    text = document["data"]
    if not isinstance(text, str):
        raise ApiError(400, "data must be a string of hex characters")
    if not set(text) <= HEX_DIGITS:
        raise ApiError(400, "data is not hexadecimal (only 0-9 and a-f are allowed)")
    if len(text) < limits.min_data_hex:
        raise ApiError(
            400, f"data is too short: {len(text)} hex characters, at least {limits.min_data_hex}"
        )
    if len(text) > limits.max_data_hex:
        raise ApiError(
            400, f"data is too long: {len(text)} hex characters, at most {limits.max_data_hex}"
        )
    if len(text) % 2:
        raise ApiError(400, f"data has an odd number of hex characters ({len(text)})")
    return bytes.fromhex(text)


def _meta(document: dict[str, Any], limits: ApiLimits) -> bytes:
    meta = document.get("meta")
    if meta is None:
        return b""
    if not isinstance(meta, str):
        raise ApiError(400, "meta must be a string")
    if len(meta) > limits.max_meta_chars:
        raise ApiError(
            400, f"meta is too long: {len(meta)} characters, at most {limits.max_meta_chars}"
        )
    try:
        return meta.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "meta is not valid Unicode text (lone surrogate)") from None
