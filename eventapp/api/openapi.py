"""The OpenAPI 3.1 document of the public JSON API, built in code.

Schemas are JSON Schema 2020-12 (as OpenAPI 3.1 allows), so the tests can check
real responses against them with `jsonschema`.
"""
from __future__ import annotations

from functools import cache
from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Text": {
        **_object({"id": STRING, "en": STRING, "text": STRING}),
        "description": "A text in Indonesian (id) and English (en); `text` is the requested "
                       "language (?lang), falling back to the other one when empty.",
    },
    "Release": _nullable({
        **_object({"number": {"type": "integer", "minimum": 1}, "published_at": DATE_TIME}),
        "description": "The latest published agenda release; null when nothing is published yet.",
    }),
    "Conference": _object({
        "slug": STRING,
        "title": _ref("Text"),
        "theme": _ref("Text"),
        "starts_on": DATE,
        "ends_on": DATE,
        "timezone": {"type": "string", "description": "IANA time zone, e.g. Asia/Jakarta"},
        "venues": {"type": "array", "items": STRING},
        "release": _ref("Release"),
        "links": _object({"self": STRING, "sessions": STRING, "people": STRING,
                          "sub_themes": STRING, "html": STRING}),
        "description": _ref("Text"),
        "organisers": STRING,
    }, optional=("description", "organisers")),
    "Session": _object({
        "id": {"type": "integer", "description": "Stable across releases."},
        "uid": {"type": "string", "format": "uuid", "description": "Stable across releases."},
        "kind": {"type": "string", "enum": ["opening", "plenary", "parallel", "break", "closing", "other"]},
        "kind_label": STRING,
        "title": _ref("Text"),
        "abstract": _ref("Text"),
        "starts_at": {**DATE_TIME, "description": "With the conference's UTC offset, e.g. +07:00."},
        "ends_at": DATE_TIME,
        "room": _nullable(_object({"id": INTEGER, "name": STRING})),
        "spans_all_rooms": BOOLEAN,
        "sub_theme": _nullable({"type": "string", "description": "The sub-theme's code."}),
        "people": {"type": "array", "items": _object({
            "person_id": INTEGER,
            "role": {"type": "string", "enum": ["keynote", "speaker", "moderator"]},
            "role_label": STRING,
        })},
        "url": STRING,
    }),
    "Person": {
        **_object({
            "id": INTEGER,
            "honorific": STRING,
            "full_name": STRING,
            "position": STRING,
            "organisation": STRING,
            "sector": STRING,
            "sector_label": STRING,
            "bio": _ref("Text"),
            "session_ids": {"type": "array", "items": INTEGER},
        }),
        "description": "No email and no gender: contact details are private and gender is "
                       "sensitive personal data.",
    },
    "SubTheme": _object({
        "id": INTEGER, "code": STRING, "title": _ref("Text"),
        "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        "session_count": INTEGER,
    }),
    "Error": _object({"error": STRING, "status": INTEGER}),
}


def _envelope(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return _object({"conference": STRING, "release": _ref("Release"),
                    "lang": {"type": "string", "enum": ["id", "en"]}, key: schema})


SCHEMAS.update({
    "ConferenceList": _object({"lang": STRING, "conferences": {"type": "array", "items": _ref("Conference")}}),
    "ConferenceDetail": _object({"lang": STRING, "conference": _ref("Conference")}),
    "SessionList": _envelope("sessions", {"type": "array", "items": _ref("Session")}),
    "SessionDetail": _envelope("session", _ref("Session")),
    "PersonList": _envelope("people", {"type": "array", "items": _ref("Person")}),
    "SubThemeList": _envelope("sub_themes", {"type": "array", "items": _ref("SubTheme")}),
})

LANG = {
    "name": "lang", "in": "query", "required": False,
    "description": "Language of `text` and labels; default: the visitor's language (Accept-Language).",
    "schema": {"type": "string", "enum": ["id", "en"]},
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": STRING}


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _operation(operation_id: str, summary: str, schema: str, parameters: list, *,
               description: str = "", not_found: bool = True, bad_request: bool = True) -> dict:
    responses: dict[str, Any] = {
        "200": _json("OK", schema),
        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
    }
    if bad_request:
        responses["400"] = _json("Invalid query parameter (e.g. an unknown lang).", "Error")
    if not_found:
        responses["404"] = _json("Unknown, or not published (drafts are never public).", "Error")
    operation = {"operationId": operation_id, "summary": summary, "parameters": parameters,
                 "responses": responses}
    if description:
        operation["description"] = description
    return {"get": operation}


@cache
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eventapp public agenda API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON for published conferences and their latest published agenda "
                "release (never the organisers' draft). No authentication. Responses carry an "
                "ETag; send If-None-Match to get 304 when nothing changed."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/conferences": _operation(
                "listConferences", "Published conferences", "ConferenceList", [LANG], not_found=False),
            "/conferences/{slug}": _operation(
                "getConference", "One published conference", "ConferenceDetail", [SLUG, LANG]),
            "/conferences/{slug}/sessions": _operation(
                "listSessions", "Sessions of the latest release", "SessionList", [
                    SLUG, LANG,
                    {"name": "day", "in": "query", "required": False, "schema": DATE,
                     "description": "Local date in the conference's time zone."},
                    {"name": "sub_theme", "in": "query", "required": False, "schema": STRING,
                     "description": "Sub-theme code."},
                    {"name": "room", "in": "query", "required": False, "schema": INTEGER,
                     "description": "Room id; sessions that span all rooms are included."},
                ],
                description="All sessions in time order. Not paginated: the list is bounded by "
                            "the size of one conference's agenda (hundreds of sessions). Empty "
                            "with release null when nothing is published yet."),
            "/conferences/{slug}/sessions/{session_id}": _operation(
                "getSession", "One session of the latest release", "SessionDetail", [
                    SLUG, {"name": "session_id", "in": "path", "required": True, "schema": INTEGER},
                    LANG,
                ]),
            "/conferences/{slug}/people": _operation(
                "listPeople", "Speakers and moderators of the latest release", "PersonList",
                [SLUG, LANG]),
            "/conferences/{slug}/sub-themes": _operation(
                "listSubThemes", "Sub-themes of the latest release", "SubThemeList", [SLUG, LANG]),
            "/openapi.json": {"get": {
                "operationId": "getOpenApi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
