"""The micro-cache in front of Flask: a WSGI middleware with no imports from
the app, installed by create_app when PAGE_MICROCACHE_SECONDS > 0."""
from __future__ import annotations

import threading
import time

SHARED_HEADER = "X-Eventapp-Shared"  # set by cached_page on responses any anonymous visitor may get
PRIVATE_COOKIES = ("session", "remember_token")
PER_REQUEST_HEADERS = ("X-Request-ID",)  # not replayed to the next visitor


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
        self.lock = threading.Lock()  # threaded servers (the development server) share the entries

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
            with self.lock:
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
        headers = [(name, value) for name, value in headers if name not in PER_REQUEST_HEADERS]
        with self.lock:
            self._drop(key)
            while self.entries and (len(self.entries) >= self.max_entries or self.size + len(body) > self.max_bytes):
                self._drop(next(iter(self.entries)))  # the oldest entry
            self.entries[key] = (time.monotonic() + self.seconds, status, headers, body)
            self.size += len(body)

    def _drop(self, key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[3])
