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
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, g, make_response, session
from flask_login import current_user

from .conferences.models import Conference
from .extensions import cache
from .http_cache import validators

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


# --- the micro-cache in front of Flask -----------------------------------------------------------

SHARED_HEADER = "X-Eventapp-Shared"  # set by cached_page on responses any anonymous visitor may get
PRIVATE_COOKIES = ("session", "remember_token")
PER_REQUEST_HEADERS = ("X-Request-ID",)  # not replayed to the next visitor


def mark_shared(response: Response) -> Response:
    response.headers[SHARED_HEADER] = "1"
    return response


class MicroCache:
    """WSGI middleware: the bytes of shared public responses (pages and exports
    that `cached_page` marked shared) kept in this process for a few seconds
    and served without entering Flask — no routing, session, database or
    template — to visitors without a session or remember-me cookie.

    An entry lives `seconds` (PAGE_MICROCACHE_SECONDS, default 2) and then the
    next request goes through Flask again (and its per-release cache), so a
    publish on any app process shows everywhere within that time. The key is
    the method, host, scheme, path, query string and Accept-Language header:
    everything such a visitor's page can depend on. Conditional requests get
    304 from the entry's ETag. The app's request log does not see these
    requests (the reverse proxy's access log does)."""

    def __init__(self, app, seconds: float, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.app, self.seconds, self.max_entries, self.max_bytes = app, seconds, max_entries, max_bytes
        self.entries: dict[tuple[str, ...], tuple[float, str, list[tuple[str, str]], bytes]] = {}
        self.size = 0

    @staticmethod
    def _anonymous(environ) -> bool:
        cookie = environ.get("HTTP_COOKIE", "")
        if not cookie:
            return True
        names = {part.split("=", 1)[0].strip() for part in cookie.split(";")}
        return not names.intersection(PRIVATE_COOKIES)

    def _key(self, environ) -> tuple[str, ...]:
        return (environ.get("HTTP_HOST", ""), environ.get("HTTP_X_FORWARDED_PROTO", environ["wsgi.url_scheme"]),
                environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                environ.get("HTTP_ACCEPT_LANGUAGE", "")[:200])

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if self.seconds <= 0 or method not in ("GET", "HEAD") or not self._anonymous(environ):
            return self.app(environ, start_response)
        key = self._key(environ)
        entry = self.entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            _, status, headers, body = entry
            etag = next((value for name, value in headers if name == "ETag"), None)
            if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
                start_response("304 NOT MODIFIED", [(n, v) for n, v in headers
                                                    if n not in ("Content-Length", "Content-Type")])
                return [b""]
            start_response(status, headers)
            return [b"" if method == "HEAD" else body]
        if entry is not None:
            self._drop(key)
        return self._through(environ, start_response, key, method)

    def _through(self, environ, start_response, key, method):
        captured: dict[str, object] = {}

        def capture(status, headers, exc_info=None):
            shared = any(name == SHARED_HEADER for name, _ in headers)
            kept = [(name, value) for name, value in headers if name != SHARED_HEADER]
            captured.update(status=status, headers=kept, shared=shared and not exc_info and status.startswith("200")
                            and not any(name.lower() == "set-cookie" for name, _ in kept))
            return start_response(status, kept, exc_info)

        result = self.app(environ, capture)
        if not captured.get("shared") or method != "GET":
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self._store(key, str(captured["status"]), list(captured["headers"]), body)  # type: ignore[arg-type]
        return [body]

    def _store(self, key, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        while self.entries and (len(self.entries) >= self.max_entries or self.size + len(body) > self.max_bytes):
            self._drop(next(iter(self.entries)))  # the oldest entry
        headers = [(name, value) for name, value in headers if name not in PER_REQUEST_HEADERS]
        self.entries[key] = (time.monotonic() + self.seconds, status, headers, body)
        self.size += len(body)

    def _drop(self, key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[3])
