"""Security headers on every response, and the sub-theme colours as a stylesheet.

Why not flask-talisman: it would overwrite the Referrer-Policy that the private
link pages set to no-referrer, and it manages cookie flags and HTTPS redirects
that config.py and the reverse proxy already handle. One after_request that only
fills in what a view has not set is all we need.

The Content-Security-Policy allows scripts and styles from our own origin only
(no inline script, no style attribute). Sub-themes have free colours, so they
cannot live in static/css: `/c/<slug>/themes.css` serves one rule per sub-theme
(`.theme-<id> { --theme-colour: … }`) and the layout links it on conference pages.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, Flask, Response, current_app, request
from sqlalchemy import select

from .extensions import db

bp = Blueprint("security", __name__)

# script-src 'self': JSON-LD (<script type="application/ld+json">) is data, not
# script, so the policy does not touch it.
DEFAULT_CSP: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# The desk scans tickets with the device camera (static/js/checkin.js); nothing else is used.
DEFAULT_PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), "
    "serial=(), bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=()"
)


def content_security_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def _set_security_headers(response: Response) -> Response:
    """Fill in the headers a view has not set itself (the link pages keep no-referrer)."""
    config = current_app.config
    headers = response.headers
    directives = config["CONTENT_SECURITY_POLICY"]
    if request.endpoint in config["CSP_INLINE_STYLE_ENDPOINTS"]:
        # The e-mail preview: a sandboxed srcdoc iframe inherits this page's policy,
        # and e-mail HTML can only be styled inline. Scripts stay forbidden.
        directives = {**directives, "style-src": "'self' 'unsafe-inline'"}
    headers.setdefault("Content-Security-Policy", content_security_policy(directives))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    headers.setdefault("Permissions-Policy", config["PERMISSIONS_POLICY"])
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if config["HSTS_SECONDS"] > 0:
        # Only production sets it (config.py): a browser that saw it on a
        # development host would refuse plain http://localhost for a year.
        headers.setdefault("Strict-Transport-Security", f"max-age={config['HSTS_SECONDS']}; includeSubDomains")
    return response


@bp.get("/c/<slug>/themes.css")
def theme_css(slug: str):
    """The conference's sub-theme colours (visible to whoever may see the conference)."""
    from .conferences.models import SubTheme
    from .conferences.services import get_conference_or_404

    conference = get_conference_or_404(slug)
    themes = db.session.execute(
        select(SubTheme.id, SubTheme.colour).where(SubTheme.conference_id == conference.id).order_by(SubTheme.id)
    ).all()
    # Colours are checked as #rrggbb on input; anything else is left out, never echoed.
    body = "".join(f".theme-{theme_id} {{ --theme-colour: {colour}; }}\n"
                   for theme_id, colour in themes if _is_hex_colour(colour))
    response = Response(body, mimetype="text/css")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "private, no-cache"  # revalidated (304) when a colour changes
    return response.make_conditional(request)


def _is_hex_colour(value: str) -> bool:
    return len(value) == 7 and value[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in value[1:])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_set_security_headers)
