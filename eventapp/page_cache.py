"""A per-release cache of public pages and exports (Flask-Caching).

The key holds the conference, the number and creation time of the latest
release (read from the database on every request), a hash of what the page
depends on (the conference's public fields, the language, the URL, the page
kind: see `http_cache.validators`). Publishing a new release on any app process
therefore changes the key everywhere: no purge is needed, old entries expire
after CACHE_DEFAULT_TIMEOUT.

What is stored is plain data (body bytes, content type, Content-Disposition),
never a Response object. Signed-in visitors (organisers see drafts and a
"Manage" link) and visitors with a pending flash message are never served from
the cache, nor stored in it.

Shared pages carry nothing of the visitor's: no CSRF token (the language
switch is a link), no session cookie. A page whose body holds the visitor's
CSRF token (a form) is personal and never stored. Shared responses are marked
for the micro-cache (MicroCache below), which serves them for a few seconds
without entering Flask at all.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, g, make_response, session
from flask_login import current_user

from .conferences.models import Conference
from .extensions import cache
from .http_cache import validators
from .microcache import SHARED_HEADER

KEPT_HEADERS = ("Content-Disposition",)


def _moment_parts(conference: Conference) -> list[object]:
    """Registration opening and closing change the conference page without a
    release: put the side of each boundary we are on into the key."""
    now = datetime.now(UTC).replace(tzinfo=None)
    parts: list[object] = []
    for name in ("registration_opens_at", "registration_closes_at"):
        moment = getattr(conference, name, None)
        if moment is not None:
            naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
            parts += [moment.isoformat(), now >= naive]
    return parts


def cache_key(conference: Conference, release, kind: str, *extra: object) -> str:
    number = getattr(release, "number", None) or 0
    created = getattr(release, "created_at", None)
    digest, _ = validators(conference, release, kind, created, conference.created_at,
                           *_moment_parts(conference), *extra, personal=False)
    return f"page:{conference.id}:{number}:{hashlib.sha256(digest.encode()).hexdigest()[:24]}"


def _cacheable() -> bool:
    if current_user.is_authenticated:
        return False
    # A pending flash message is the visitor's own: neither store it nor hide it.
    return not session.get("_flashes")


def _token_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _store(response: Response) -> dict[str, object] | None:
    """Plain data for the cache; None for a page that holds this visitor's CSRF token."""
    body = response.get_data()
    token = g.get(_token_field())
    if token and token.encode() in body:
        return None
    return {
        "body": body,
        "content_type": response.headers.get("Content-Type"),
        "headers": [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers],
    }


def _restore(entry: dict[str, object]) -> Response:
    response = Response(entry["body"], content_type=entry["content_type"])  # type: ignore[arg-type]
    for name, value in entry["headers"]:  # type: ignore[attr-defined]
        response.headers[name] = value
    return response


def cached_page(conference: Conference, release, kind: str, build: Callable[[], Response | str],
                *extra: object, personal: bool = True) -> Response:
    """The response of `build()`, from the cache when an anonymous visitor already
    asked for the same page of the same release; `build` runs only on a miss.
    `extra` holds whatever else the page depends on (e.g. today's date).
    personal=False (exports: the same for everyone) caches for signed-in users too."""
    if personal and not _cacheable():
        return make_response(build())
    key = cache_key(conference, release, kind, *extra)
    entry = cache.get(key)
    if entry is None:
        response = make_response(build())
        if response.status_code != 200:
            return response
        entry = _store(response)
        if entry is None:
            return response
        cache.set(key, entry)
    return mark_shared(_restore(entry))



def mark_shared(response: Response) -> Response:
    """Tell the micro-cache any anonymous visitor may get these bytes."""
    response.headers[SHARED_HEADER] = "1"
    return response
