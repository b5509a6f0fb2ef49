"""Domain errors and the HTTP error pages."""
from __future__ import annotations

import time

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError

from .extensions import db, limiter


class DomainError(Exception):
    """A broken rule, with a message fit to show the user.

    `field` names the form field the message belongs next to, if any.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, text: str):
        if request.path.startswith("/api/"):
            # No API route matched (the api blueprint's own handlers cover the rest).
            return jsonify({"error": title, "status": code}), code
        return render_template("errors/error.html", code=code, title=title, text=text), code

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return page(
            400,
            _("The form has expired"),
            _("For your security the form could only be sent from an open page. Go back, reload the page and try again."),
        )

    @app.errorhandler(400)
    def bad_request(_error):
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(_error):
        return page(403, _("Access denied"), _("You do not have permission to open this page."))

    @app.errorhandler(404)
    def not_found(_error):
        return page(
            404,
            _("Page not found"),
            _("The page you asked for does not exist, or is not public yet."),
        )

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return page(405, _("Not allowed"), _("This page cannot be used that way."))

    @app.errorhandler(413)
    def too_large(_error):
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        return page(413, _("File too large"),
                    _("What you sent is larger than %(size)d MB. Choose a smaller file and try again.",
                      size=max(1, limit // (1024 * 1024))))

    @app.errorhandler(429)
    def too_many_requests(_error):
        # Flask-Limiter adds Retry-After and the X-RateLimit headers to this response;
        # the page says the same wait in words (limits such as "3 per 10 minutes").
        minutes = _minutes_to_wait()
        return page(429, _("Too many attempts"),
                    ngettext("Please wait a minute before trying again.",
                             "Please wait %(num)d minutes before trying again.", minutes))

    @app.errorhandler(500)
    def server_error(_error):
        # Whatever the failed request half-wrote must not be committed later.
        db.session.rollback()
        return page(
            500,
            _("Something went wrong"),
            _("The error has been logged. Please try again in a moment."),
        )


def _minutes_to_wait() -> int:
    """Minutes, rounded, until the breached limit lets the visitor in again (at least 1).
    Rounded, not ceiled: the storage's window ends a second or so after the minute."""
    current = limiter.current_limit
    if current is None:
        return 1
    return max(1, round((current.reset_at - time.time()) / 60))
