"""Conditional responses for public pages and exports (ETag / Last-Modified).

The validators are derived from what the response shows: the latest release,
the conference's public fields, the language, the query string and, for HTML,
who is looking (organisers see a "Manage" link). Publishing a new release
changes them, so clients revalidate and get the new agenda.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from flask import Response, make_response, request
from flask_login import current_user

from .conferences.models import Conference
from .i18n import current_language

PUBLIC_FIELDS = (
    "slug", "title_id", "title_en", "theme_id", "theme_en", "description_id", "description_en",
    "organisers", "timezone", "starts_on", "ends_on", "status", "registration_mode",
    "representation_public",
)


def validators(conference: Conference, release, *extra: object, personal: bool = True) -> tuple[str, datetime | None]:
    """(etag, last_modified) for a response about `conference` at `release`."""
    parts = [getattr(conference, name) for name in PUBLIC_FIELDS]
    parts += [v.name for v in conference.venues]
    parts += [getattr(release, "id", None), getattr(release, "number", None)]
    parts += [current_language(), request.full_path, *extra]
    if personal:
        parts.append(current_user.get_id() if current_user.is_authenticated else "-")
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    last_modified = getattr(release, "created_at", None) or conference.created_at
    return digest, last_modified


def conditional(
    conference: Conference, release, build: Callable[[], Response | str], *extra: object,
    personal: bool = True, max_age: int = 0,
) -> Response:
    """304 when the client's copy is current; otherwise build the response and
    attach the validators. HTML (personal) is private; exports may be shared."""
    etag, last_modified = validators(conference, release, *extra, personal=personal)
    if request.if_none_match.contains(etag) or (
        not request.if_none_match and request.if_modified_since and last_modified
        and last_modified.replace(microsecond=0) <= request.if_modified_since
    ):
        response = Response(status=304)
    else:
        response = make_response(build())
    response.set_etag(etag)
    response.last_modified = last_modified
    response.vary.update(("Accept-Language", "Cookie"))
    response.cache_control.no_cache = True if max_age == 0 else None
    if max_age:
        response.cache_control.max_age = max_age
    if personal:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    return response
