"""The OpenAPI 3.0 document of the API, built from the limits the server enforces."""

from __future__ import annotations

from typing import Any

from .limits import ApiLimits

ERROR = {"$ref": "#/components/schemas/Error"}


def openapi_document(limits: ApiLimits, *, has_history: bool) -> dict[str, Any]:
    def answer(description: str, schema: dict[str, Any] = ERROR) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    common = {
        "401": answer("Missing or wrong bearer token."),
        "413": answer("Request body too large."),
        "500": answer("The adapter failed in an unexpected way."),
        "503": answer("Storage unavailable; nothing was queued."),
    }
    fossil_get: dict[str, Any] = {
        "summary": "The state of a fossil and, once submitted, its proof",
        "operationId": "getFossil",
        "parameters": [
            {
                "name": "fossil_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            }
        ],
        "responses": {
            "200": answer("The fossil.", {"$ref": "#/components/schemas/FossilState"}),
            "400": answer("Not a fossil id."),
            "404": answer("No such fossil."),
            **common,
        },
    }
    if not has_history:
        fossil_get["responses"]["501"] = answer("This server keeps no history.")
    data_pattern = f"^([0-9a-fA-F]{{2}}){{{limits.min_data_hex // 2},{limits.max_data_hex // 2}}}$"
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Amber fossilizer API",
            "version": "1.0.0",
            "description": (
                "Queue data to fossilize and follow it. Every request needs "
                "`Authorization: Bearer <token>`. `GET /websocket` streams every adapter event "
                'as `{"type": "DidFossilize" | "DidConfirm" | "Ping", "data": ...}`.'
            ),
        },
        "security": [{"bearer": []}],
        "paths": {
            "/": {
                "get": {
                    "summary": "What fossilizes here",
                    "operationId": "getInfo",
                    "responses": {
                        "200": answer("The adapter's description.", {"type": "object"}),
                        **common,
                    },
                }
            },
            "/fossils": {
                "post": {
                    "summary": "Queue data to fossilize",
                    "operationId": "createFossil",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["data"],
                                    "properties": {
                                        "data": {"type": "string", "pattern": data_pattern},
                                        "meta": {
                                            "type": "string",
                                            "nullable": True,
                                            "maxLength": limits.max_meta_chars,
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": answer(
                            "Durably queued.",
                            {
                                "type": "object",
                                "required": ["id"],
                                "properties": {"id": {"type": "integer"}},
                            },
                        ),
                        "400": answer("The body is not an acceptable fossil; the error says why."),
                        **common,
                    },
                }
            },
            "/fossils/{fossil_id}": {"get": fossil_get},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "FossilState": {
                    "type": "object",
                    "required": ["id", "state", "data", "proof"],
                    "properties": {
                        "id": {"type": "integer"},
                        "state": {
                            "type": "string",
                            "enum": ["queued", "submitted", "confirmed", "failed"],
                        },
                        "data": {"type": "string"},
                        "calendars": {"type": "array", "items": {"type": "string"}},
                        "block": {"type": "object", "nullable": True},
                        "error": {"type": "string", "nullable": True},
                        "proof": {
                            "type": "string",
                            "format": "byte",
                            "nullable": True,
                            "description": "The .ots proof, base64; null while queued.",
                        },
                    },
                },
            },
        },
    }
