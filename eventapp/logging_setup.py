"""Structured logs: one line per request, JSON in production.

LOG_FORMAT=json (the default when EVENTAPP_ENV=production) sends the "eventapp"
loggers to stderr as one JSON object per line; LOG_FORMAT=text leaves Flask's
plain handler. Either way each request makes one INFO record on the logger
"eventapp.request" with these fields:

    time, level, method, path, status, duration_ms, remote_addr, user_id, request_id

`path` never holds a secret: no query string, and on routes with a token
(/i/<token>, /r/<token>, /login/link/<token>, /login/reset/<token>,
/c/<slug>/feed/<token>.ics) the route rule is logged instead of the URL.
The request id comes from a well-formed X-Request-ID header, or is a new uuid4,
and is echoed back in the X-Request-ID response header.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import datetime, timezone
from typing import Any

from flask import Flask, Response, g, has_request_context, request, session

REQUEST_LOGGER = "eventapp.request"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
# Token paths the router did not match (404s) are masked by pattern.
_TOKEN_PATHS = (
    (re.compile(r"^/(i|r)/[^/]+$"), r"/\1/…"),
    (re.compile(r"^/login/(link|reset)/[^/]+$"), r"/login/\1/…"),
    (re.compile(r"^/c/([^/]+)/feed/[^/]+$"), r"/c/\1/feed/….ics"),
)
SECRET_ARGUMENTS = {"token"}

# Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message,
    the fields passed as `extra`, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):
    """stderr as it is at each write (not when the app was made); the class marks
    the handler this module installed, so a second create_app() replaces it."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)
        self._stream = None

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return self._stream if self._stream is not None else sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # noqa: ANN001
        self._stream = value


def safe_path() -> str:
    """The request path fit for a log: no query string, no token."""
    rule = request.url_rule
    if rule is not None:
        if SECRET_ARGUMENTS & set(rule.arguments):
            return rule.rule
        return request.path
    path = request.path
    for pattern, replacement in _TOKEN_PATHS:
        if pattern.match(path):
            return pattern.sub(replacement, path)
    return path


def request_id() -> str:
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    return g.request_id


def _user_id() -> int | str | None:
    user = g.get("_login_user")  # Flask-Login's cache: no query when nobody asked for the user
    if user is not None:
        return user.get_id() if getattr(user, "is_authenticated", False) else None
    return session.get("_user_id") if request.cookies else None


def _request_fields(status: int | None) -> dict[str, Any]:
    started = g.get("request_started")
    return {
        "method": request.method,
        "path": safe_path(),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        "remote_addr": request.remote_addr,
        "user_id": _user_id(),
        "request_id": request_id(),
    }


def configure_logging(app: Flask) -> None:
    """LOG_FORMAT=json: JSON lines on stderr for the "eventapp" loggers (INFO and up)."""
    logger = logging.getLogger("eventapp")
    if app.config.get("LOG_FORMAT", "text") != "json":
        return
    from flask.logging import default_handler

    for handler in list(logger.handlers):
        if handler is default_handler or isinstance(handler, _JsonHandler):
            logger.removeHandler(handler)
    handler = _JsonHandler()
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    # Records still propagate: gunicorn and the CLI leave the root logger without
    # handlers (so no line is written twice), and tests can capture them.


def init_app(app: Flask) -> None:
    configure_logging(app)
    log = logging.getLogger(REQUEST_LOGGER)

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def _log_request(response: Response) -> Response:
        fields = _request_fields(response.status_code)
        response.headers[REQUEST_ID_HEADER] = fields["request_id"]
        log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)
        return response

    def log_exception(exc_info: Any) -> None:
        # Flask's own message holds request.path, which may hold a token.
        fields = _request_fields(500) if has_request_context() else {}
        app.logger.error("Exception on %s [%s]", fields.get("path"), fields.get("method"),
                         exc_info=exc_info, extra=fields)

    app.log_exception = log_exception  # type: ignore[method-assign]
