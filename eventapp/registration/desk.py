"""The check-in desk and badges.

The desk is for organisers and check-in staff (`Conference.can_check_in`):
find someone by name, e-mail or ticket code (or scan the QR code of their
ticket), check them in once, see the live counts. Undoing a check-in is for
organisers only. Check-in staff are not organisers: the desk has its own small
layout, and every other /manage page stays 404 for them.

Badges: one badge, or a printable batch (several per A4 page). Check-in staff
may print one badge (a lost or missing badge at the desk); the batch is for
organisers. The ribbon (speaker, organiser, delegate, participant) comes from
`ribbons()`, two queries for any number of badges.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..accounts.models import ConferenceMembership, MembershipRole, User
from ..agenda.models import AgendaSession, RoleStatus, SessionRole
from ..conferences.models import Conference
from ..extensions import db
from ..i18n import _l, format_clock
from ..people.models import Person
from . import bp
from .models import REGISTRATION_STATUS_LABELS, Registration, RegistrationSource, RegistrationStatus
from .services import CheckInResult, check_in, find_ticket, normalise_ticket_code, ticket_qr, undo_check_in

MAX_RESULTS = 20
# The desk finds people who may arrive: not the cancelled ones.
DESK_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.PENDING)
MAX_BADGES = 400  # one printable page; more than that: narrow the filters


# --- loading ----------------------------------------------------------------------------------


def desk_conference_or_404(slug: str, *, manage: bool = False) -> Conference:
    """The conference whose desk the current user may work (organisers and
    check-in staff; with manage=True organisers only); 404 for anyone else."""
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug))
    if conference is None:
        abort(404)
    allowed = conference.can_manage(current_user) if manage else conference.can_check_in(current_user)
    if not allowed:
        abort(404)
    return conference


def _registration_or_404(conference: Conference, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.conference_id != conference.id or registration.erased_at:
        abort(404)
    return registration


# --- finding ----------------------------------------------------------------------------------


def _like(text: str) -> str:
    """A LIKE pattern for "contains", with the wildcards in `text` escaped (escape="\\")."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def desk_search(conference: Conference, text: str) -> list[Registration]:
    """Up to MAX_RESULTS people who may arrive, matching a name, an e-mail or a
    ticket code; an exact ticket code comes first."""
    text = (text or "").strip()
    if not text:
        return []
    found: list[Registration] = []
    ticket = find_ticket(conference, text)
    if ticket is not None and ticket.status in DESK_STATUSES:
        found.append(ticket)
    pattern = _like(text)
    code = normalise_ticket_code(text)
    matches = [func.lower(Registration.full_name).like(pattern, escape="\\"),
               Registration.email.like(pattern, escape="\\")]
    if len(code) >= 4:  # part of a code read aloud
        matches.append(Registration.ticket_code.like(f"%{code}%"))
    query = (
        select(Registration)
        .where(Registration.conference_id == conference.id, Registration.status.in_(DESK_STATUSES),
               Registration.erased_at.is_(None), or_(*matches))
        .order_by(func.lower(Registration.full_name), Registration.id)
        .limit(MAX_RESULTS)
    )
    if found:
        query = query.where(Registration.id != found[0].id)
    found.extend(db.session.scalars(query))
    return found[:MAX_RESULTS]


@dataclass
class Counts:
    checked_in: int
    confirmed: int


def count_check_ins(conference: Conference) -> Counts:
    """Checked in / confirmed, in one query."""
    confirmed, checked_in = db.session.execute(
        select(func.count(), func.count(Registration.checked_in_at))
        .where(Registration.conference_id == conference.id, Registration.status == RegistrationStatus.CONFIRMED)
    ).one()
    return Counts(checked_in=checked_in, confirmed=confirmed)


# --- checking in ------------------------------------------------------------------------------


class ScanForm(FlaskForm):
    code = StringField(_l("Ticket code"), validators=[DataRequired(), Length(max=80)])


def _check_in_and_tell(conference: Conference, registration: Registration) -> None:
    """Check in, then flash what the desk needs to hear."""
    result = check_in(registration, actor=current_user)
    db.session.commit()
    name = registration.display_name
    if result is CheckInResult.CHECKED_IN:
        flash(_("Checked in: %(name)s", name=name), "success")
    elif result is CheckInResult.ALREADY:
        flash(_("Already checked in at %(time)s: %(name)s",
                time=format_clock(registration.checked_in_at, conference.timezone), name=name), "error")
    else:
        flash(_("Not confirmed: %(status)s — %(name)s",
                status=REGISTRATION_STATUS_LABELS[registration.status], name=name), "error")


def _private(body: str, status: int = 200):
    """Personal data: never kept by shared caches or the browser's disk cache."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _render_desk(conference: Conference, form: ScanForm, status: int = 200):
    query = request.args.get("q", "").strip()
    return _private(render_template(
        "registration/desk/desk.html",
        conference=conference,
        form=form,
        q=query,
        results=desk_search(conference, query) if query else [],
        counts=count_check_ins(conference),
        can_manage=conference.can_manage(current_user),
        max_results=MAX_RESULTS,
        clock=lambda instant: format_clock(instant, conference.timezone),
    ), status)


@bp.get("/manage/<slug>/checkin")
@login_required
def desk(slug: str):
    conference = desk_conference_or_404(slug)
    return _render_desk(conference, ScanForm(formdata=None))


@bp.post("/manage/<slug>/checkin/scan")
@login_required
def desk_scan(slug: str):
    conference = desk_conference_or_404(slug)
    form = ScanForm()
    if form.validate_on_submit():
        registration = find_ticket(conference, form.code.data)
        if registration is not None:
            _check_in_and_tell(conference, registration)
            return redirect(url_for("registration.desk", slug=slug), code=303)
        form.code.errors = [*form.code.errors, _("No ticket with this code. Check the code, or search by name.")]
    db.session.rollback()
    return _render_desk(conference, form, 422)


@bp.post("/manage/<slug>/checkin/<int:registration_id>")
@login_required
def desk_check_in(slug: str, registration_id: int):
    conference = desk_conference_or_404(slug)
    registration = _registration_or_404(conference, registration_id)
    _check_in_and_tell(conference, registration)
    return redirect(_back_to_desk(slug), code=303)


@bp.post("/manage/<slug>/checkin/<int:registration_id>/undo")
@login_required
def desk_undo(slug: str, registration_id: int):
    conference = desk_conference_or_404(slug, manage=True)
    registration = _registration_or_404(conference, registration_id)
    if registration.checked_in_at is None:
        flash(_("%(name)s is not checked in.", name=registration.display_name), "error")
    else:
        undo_check_in(registration, actor=current_user)
        db.session.commit()
        flash(_("Check-in undone: %(name)s", name=registration.display_name), "success")
    return redirect(_back_to_desk(slug), code=303)


def _back_to_desk(slug: str) -> str:
    """Back to the desk, keeping the search the button was pressed in."""
    query = request.form.get("q", "").strip()[:200]
    return url_for("registration.desk", slug=slug, **({"q": query} if query else {}))


@bp.get("/manage/<slug>/checkin/counts.json")
@login_required
def desk_counts(slug: str):
    conference = desk_conference_or_404(slug)
    counts = count_check_ins(conference)
    response = jsonify(checked_in=counts.checked_in, confirmed=counts.confirmed)
    response.headers["Cache-Control"] = "private, no-store"
    return response




# --- badges -----------------------------------------------------------------------------------


class Ribbon(enum.StrEnum):
    SPEAKER = "speaker"
    ORGANISER = "organiser"
    DELEGATE = "delegate"
    PARTICIPANT = "participant"


RIBBON_LABELS = {
    Ribbon.SPEAKER: _l("Speaker"),
    Ribbon.ORGANISER: _l("Organiser"),
    Ribbon.DELEGATE: _l("Delegate"),
    Ribbon.PARTICIPANT: _l("Participant"),
}


def ribbons(conference: Conference, registrations: list[Registration]) -> dict[int, Ribbon]:
    """{registration id: ribbon}, in two queries whatever the number of badges.
    Speaker: a person of the conference with that e-mail has a confirmed role in
    a session. Organiser: an organiser account with that e-mail. Delegate: came
    through a delegate invitation. Everyone else: participant."""
    speaker_emails = set(db.session.scalars(
        select(func.lower(Person.email)).distinct()
        .join(SessionRole, SessionRole.person_id == Person.id)
        .join(AgendaSession, AgendaSession.id == SessionRole.session_id)
        .where(Person.conference_id == conference.id, Person.email.is_not(None),
               AgendaSession.conference_id == conference.id, SessionRole.status == RoleStatus.CONFIRMED)
    ))
    organiser_emails = set(db.session.scalars(
        select(User.email).join(ConferenceMembership, ConferenceMembership.user_id == User.id)
        .where(ConferenceMembership.conference_id == conference.id,
               ConferenceMembership.role == MembershipRole.ORGANISER)
    ))
    result = {}
    for registration in registrations:
        if registration.email in speaker_emails:
            result[registration.id] = Ribbon.SPEAKER
        elif registration.email in organiser_emails:
            result[registration.id] = Ribbon.ORGANISER
        elif registration.source is RegistrationSource.INVITATION:
            result[registration.id] = Ribbon.DELEGATE
        else:
            result[registration.id] = Ribbon.PARTICIPANT
    return result


QR_SCALE = 4  # pixels per module: about 3 cm on a printed badge


def ticket_qr_svg(code: str) -> str:
    """The ticket code as an inline SVG QR code (what the desk scans)."""
    return ticket_qr(code).svg_inline(scale=QR_SCALE, title=_("Ticket code %(code)s", code=code))


@dataclass
class Badge:
    registration: Registration
    ribbon: Ribbon
    qr: str | None

    @property
    def ribbon_label(self) -> str:
        return str(RIBBON_LABELS[self.ribbon])


def make_badges(conference: Conference, registrations: list[Registration],
                kinds: dict[int, Ribbon] | None = None) -> list[Badge]:
    kinds = kinds if kinds is not None else ribbons(conference, registrations)
    return [Badge(r, kinds[r.id], ticket_qr_svg(r.ticket_code) if r.ticket_code else None) for r in registrations]


@bp.get("/manage/<slug>/registrations/<int:registration_id>/badge")
@login_required
def badge(slug: str, registration_id: int):
    conference = desk_conference_or_404(slug)
    registration = _registration_or_404(conference, registration_id)
    return _private(render_template("registration/desk/badges.html", conference=conference,
                                    badges=make_badges(conference, [registration]), single=True,
                                    can_manage=conference.can_manage(current_user)))


BADGE_STATUSES = {
    "confirmed": (RegistrationStatus.CONFIRMED,),
    "waiting": (RegistrationStatus.WAITING,),
    "pending": (RegistrationStatus.PENDING,),
    "all": DESK_STATUSES,
}


@bp.get("/manage/<slug>/badges")
@login_required
def badges(slug: str):
    conference = desk_conference_or_404(slug, manage=True)
    status = request.args.get("status", "confirmed")
    status = status if status in BADGE_STATUSES else "confirmed"
    ribbon = request.args.get("ribbon", "")
    ribbon = ribbon if ribbon in {r.value for r in Ribbon} else ""
    text = request.args.get("q", "").strip()
    query = select(Registration).where(Registration.conference_id == conference.id,
                                       Registration.status.in_(BADGE_STATUSES[status]),
                                       Registration.erased_at.is_(None))
    if text:
        pattern = _like(text)
        query = query.where(or_(func.lower(Registration.full_name).like(pattern, escape="\\"),
                                Registration.email.like(pattern, escape="\\"),
                                func.lower(Registration.organisation).like(pattern, escape="\\")))
    registrations = list(db.session.scalars(
        query.order_by(func.lower(Registration.full_name), Registration.id)
    ))
    kinds = ribbons(conference, registrations)
    if ribbon:
        registrations = [r for r in registrations if kinds[r.id].value == ribbon]
    more = len(registrations) - MAX_BADGES
    shown = registrations[:MAX_BADGES]
    return _private(render_template(
        "registration/desk/badges.html", conference=conference, single=False,
        badges=make_badges(conference, shown, kinds),
        more=max(more, 0), status=status, ribbon=ribbon, q=text,
        statuses=[("confirmed", REGISTRATION_STATUS_LABELS[RegistrationStatus.CONFIRMED]),
                  ("waiting", REGISTRATION_STATUS_LABELS[RegistrationStatus.WAITING]),
                  ("pending", REGISTRATION_STATUS_LABELS[RegistrationStatus.PENDING]),
                  ("all", _("All but cancelled"))],
        ribbon_labels=RIBBON_LABELS, can_manage=True,
    ))
