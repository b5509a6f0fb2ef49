"""An attendee's "My agenda": what they attend in the latest published release
(plenaries, their chosen parallel sessions, their stars, what they speak in),
what changed since their last visit, and stars on the other sessions."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..agenda.releases import PublicSession, latest_release, public_agenda
from ..conferences.models import Conference
from ..extensions import db
from ..i18n import format_day
from ..registration.models import RegistrationStatus
from . import bp
from .attendee_forms import StarForm
from .models import PersonalAgenda
from .feeds import feed_url_for
from .services import (
    AgendaEntry, changes_since, conference_by_slug, entries, mark_seen, personal_agenda, registration_in, speaker_in, star, unstar,
)

# The changes a session on someone's agenda is highlighted for (cancellations are listed apart).
HIGHLIGHTED = ("retimed", "moved", "retitled")


def conference_or_404(slug: str) -> Conference:
    conference = conference_by_slug(slug)
    if conference is None:
        abort(404)
    return conference


@dataclass
class AgendaDay:
    label: str
    entries: list[AgendaEntry] = field(default_factory=list)


def _by_day(conference: Conference, items: list[AgendaEntry]) -> list[AgendaDay]:
    days: dict[object, AgendaDay] = {}
    for item in items:
        day = item.session.starts_at.astimezone(conference.zone).date()
        days.setdefault(day, AgendaDay(format_day(day))).entries.append(item)
    return list(days.values())


def _attendee_or_404(slug: str):
    conference = conference_or_404(slug)
    registration = registration_in(conference, current_user)
    if registration is None:
        abort(404)
    return conference, registration


@bp.get("/c/<slug>/my/agenda")
@login_required
def my_agenda(slug: str):
    conference, registration = _attendee_or_404(slug)
    person = speaker_in(conference, current_user)
    personal = personal_agenda(conference, current_user)
    release = latest_release(conference)
    agenda = public_agenda(release)
    starred = personal.starred_uids
    changes = changes_since(conference, personal.seen_release, release)

    items = entries(agenda, person_id=person.id if person else None, registration=registration, starred=starred)
    for item in items:
        item.changes = [c for c in changes.get(item.session.uid, []) if c["type"] in HIGHLIGHTED]
    on_agenda = {item.session.uid for item in items}
    others: list[PublicSession] = [s for s in agenda.sessions if s.uid not in on_agenda]
    in_release = {s.uid for s in agenda.sessions}
    # Starred sessions that are gone: with what we know of them when they went
    # since the last visit, else just the star (which can be removed).
    cancelled = [
        next((c for c in changes.get(uid, []) if c["type"] == "cancelled"), {"uid": uid})
        for uid in sorted(starred - in_release)
    ]
    change_count = sum(len(item.changes) for item in items) + sum(1 for c in cancelled if "type" in c)

    page = render_template(
        "portal/attendee/agenda.html", conference=conference, registration=registration, release=release,
        days=_by_day(conference, items), others=others, cancelled=cancelled, change_count=change_count,
        confirmed=registration.status is RegistrationStatus.CONFIRMED, star_form=StarForm(),
        feed_url=feed_url_for(conference, current_user),
    )
    mark_seen(personal, release)  # the next visit highlights only what changes after this one
    db.session.commit()
    return page


def _star_target(slug: str, *, known_stars: bool) -> tuple[PersonalAgenda, str]:
    """The personal agenda and the session uid posted; 404 unless the uid is in
    the latest release (or, to remove a star, among the person's stars)."""
    conference, _registration = _attendee_or_404(slug)
    form = StarForm()
    if not form.validate_on_submit():
        abort(404)
    try:
        uid = str(uuid.UUID(form.session.data))
    except ValueError:
        abort(404)
    personal = personal_agenda(conference, current_user)
    in_release = {s.uid for s in public_agenda(latest_release(conference)).sessions}
    if uid not in in_release and not (known_stars and uid in personal.starred_uids):
        abort(404)
    return personal, uid


@bp.post("/c/<slug>/my/agenda/star", endpoint="star")
@login_required
def star_session(slug: str):
    personal, uid = _star_target(slug, known_stars=False)
    star(personal, uid)
    db.session.commit()
    return redirect(url_for("portal.my_agenda", slug=slug, _anchor=f"s-{uid}"), code=303)


@bp.post("/c/<slug>/my/agenda/unstar", endpoint="unstar")
@login_required
def unstar_session(slug: str):
    personal, uid = _star_target(slug, known_stars=True)
    unstar(personal, uid)
    db.session.commit()
    return redirect(url_for("portal.my_agenda", slug=slug, _anchor=f"s-{uid}"), code=303)
