"""Personal calendar feeds: a secret address per person and conference that a
calendar app subscribes to. It follows the person's agenda in the latest
release (sessions they speak in, attend or starred), so a session moved in a
new release moves in their calendar too (same UID, higher SEQUENCE).

The secret is in the URL, so the feed is never cached by shared caches, never
indexed and sends no Referer, and the endpoint is rate-limited against
guessing. Unknown tokens, a token used with another conference's slug, and
people who are no longer speaker or attendee there all get the plain 404.
"""
from __future__ import annotations

import re

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import User
from ..agenda import exports
from ..agenda.exports_views import public_session_url, venue_by_room
from ..agenda.releases import latest_release
from ..extensions import db, limiter
from ..mail.services import external_url
from ..urls import safe_next
from . import bp
from .attendee_forms import ResetFeedForm
from .services import (
    agenda_for_feed, conference_by_slug, feed_sessions, feed_token, personal_agenda, registration_in, reset_feed,
    speaker_in,
)

FEED_ENDPOINT = "portal.feed"


def feed_url_for(conference, user) -> str:
    """The secret URL of the user's calendar feed for this conference (made on first use)."""
    token = feed_token(personal_agenda(conference, user))
    return external_url("portal.feed", slug=conference.slug, token=token)


@bp.after_request
def _keep_the_feed_private(response):
    """Every answer on a feed address (also its 404 and 429 pages)."""
    if request.endpoint == FEED_ENDPOINT:
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _session_url(conference):
    """Links to public session pages only when the conference is public."""
    if not conference.is_published:
        return None
    return public_session_url(conference)


@bp.get("/c/<slug>/feed/<token>.ics", endpoint="feed")
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
def feed(slug: str, token: str):
    personal = agenda_for_feed(token)
    if personal is None:
        abort(404)
    conference = conference_by_slug(slug)
    if conference is None or conference.id != personal.conference_id:
        abort(404)
    user = db.session.get(User, personal.user_id)
    if user is None or not user.is_active:
        abort(404)
    release = latest_release(conference)
    sessions = feed_sessions(conference, user, release)
    if sessions is None:
        abort(404)
    lang = user.locale if user.locale in current_app.config["LANGUAGES"] else "id"
    with force_locale(lang):
        name = _("%(conference)s: my agenda", conference=conference.local("title", lang))
        content = exports.ical(conference, release, sessions, lang=lang, name=name,
                               venue_by_room=venue_by_room(conference), session_url=_session_url(conference))
    response = Response(content)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    filename = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{conference.slug}-my-agenda.ics")
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers.set("Content-Disposition", disposition, filename=filename)
    return response


@bp.route("/c/<slug>/my/calendar/reset", methods=["GET", "POST"], endpoint="feed_reset")
@login_required
def feed_reset(slug: str):
    conference = conference_by_slug(slug)
    if conference is None:
        abort(404)
    registration = registration_in(conference, current_user)
    if registration is None and speaker_in(conference, current_user) is None:
        abort(404)
    if registration is not None:
        default = url_for("portal.my_agenda", slug=slug)
    elif "portal.speaker_sessions" in current_app.view_functions:
        default = url_for("portal.speaker_sessions", slug=slug)
    else:
        default = url_for("portal.me")
    form = ResetFeedForm(next=request.args.get("next") or default)
    if form.validate_on_submit():
        reset_feed(personal_agenda(conference, current_user))
        db.session.commit()
        flash(_("Your calendar has a new address. The old address no longer works: subscribe again with the new one."),
              "success")
        return redirect(safe_next(form.next.data or default, "portal.me"), code=303)
    return render_template("portal/feed_reset.html", conference=conference, form=form,
                           back=safe_next(form.next.data or default, "portal.me"))
