"""The attendee's pages: the registration form and the private manage page.

/c/<slug>/register takes registrations (services.register does the rules:
seats, waiting lists, duplicates, double submits). The form carries a one-time
`client_token`, so a double-clicked submit finds the first registration, and a
honeypot field: a filled one is answered like a success but nothing is written.
The POSTs are rate-limited (REGISTRATION_RATE_LIMIT).

/r/<token> is reached by the private link from the e-mails (no account): it
shows the registration and ticket, changes session choices and cancels. Like
the invitation link, its responses are never cached or indexed, send no
Referer, and the endpoint is rate-limited against guessing.
"""
from __future__ import annotations

import secrets
from contextlib import nullcontext

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db, limiter
from ..i18n import current_language
from ..people.models import Gender, Sector
from . import bp
from . import services as reg
from .forms import CancelForm, ChoiceForm, RegistrationForm, ResendLinkForm, registration_form, submitted_choices
from .models import NEEDS, ChoiceStatus, Registration, RegistrationQuestion, RegistrationStatus

MANAGE_ENDPOINT = "registration.manage"


def _registration_rate_limit() -> str:
    return current_app.config.get("REGISTRATION_RATE_LIMIT", "10 per minute")


def _token_rate_limit() -> str:
    return current_app.config["TOKEN_RATE_LIMIT"]


@bp.after_request
def _keep_the_token_private(response):
    """Every response on the private link (including its 404 and 429 pages)."""
    if request.endpoint == MANAGE_ENDPOINT:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.app_context_processor
def _registration_availability():
    """For the "Register" button on the conference page."""
    return {"registration_availability": reg.availability}


# --- the form ---------------------------------------------------------------------------------------


def _questions(conference: Conference) -> list[RegistrationQuestion]:
    return list(db.session.scalars(
        select(RegistrationQuestion).where(RegistrationQuestion.conference_id == conference.id)
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ))


def _registrant(form: RegistrationForm) -> reg.Registrant:
    return reg.Registrant(
        email=form.email.data or "",
        full_name=form.full_name.data or "",
        phone=form.phone.data or "",
        organisation=form.organisation.data or "",
        position=form.position.data or "",
        honorific=form.honorific.data or "",
        sector=Sector(form.sector.data),
        gender=Gender(form.gender.data) if form.gender.data in Gender._value2member_map_ else Gender.NOT_STATED,
        province=form.province.data or "",
        regency=form.regency.data or "",
        needs=set(form.needs.data or ()),
        needs_other=form.needs_other.data or "",
        dietary=form.dietary.data or "",
        public_listing=bool(form.public_listing.data),
        language=form.language.data,
        answers=form.answers(),
    )


def _unavailable(conference: Conference, state: reg.Availability, status: int):
    return render_template("registration/public/unavailable.html", conference=conference,
                           state=state.value), status


@bp.route("/c/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_rate_limit, methods=["POST"])
def register(slug: str):
    # A registration's e-mail names the venues: read with the conference, not in a query of their own.
    conference = get_conference_or_404(slug, options=(joinedload(Conference.venues),) if request.method == "POST" else ())
    state = reg.availability(conference)
    if state is not reg.Availability.OPEN:
        # Invitees register through the link in their invitation.
        return _unavailable(conference, state, 200 if request.method == "GET" else 403)
    questions = _questions(conference)
    if request.method == "GET":
        form = registration_form(questions, reg.choice_slots(conference))
        form.client_token.data = secrets.token_urlsafe(24)
        form.language.data = current_language()
        return _form_page(conference, form)
    # A submitted form is read without its slot fields (submitted_choices reads them).
    form = registration_form(questions, [])
    if form.is_bot:
        # Looks like the answer to a double submit; nothing is checked or written.
        return redirect(url_for("registration.received", slug=conference.slug), code=303)
    problem: DomainError | None = None
    if form.validate_on_submit():
        try:
            outcome = reg.register(conference, _registrant(form), submitted_choices(request.form),
                                   client_token=form.token(), consent=bool(form.consent.data))
        except DomainError as error:
            db.session.rollback()
            problem = error
        else:
            db.session.commit()
            if not outcome.created or outcome.manage_token is None:
                return redirect(url_for("registration.received", slug=conference.slug), code=303)
            flash(_("Thank you for registering. A confirmation is on its way by e-mail."), "success")
            return redirect(url_for(MANAGE_ENDPOINT, token=outcome.manage_token), code=303)
    # Shown again with its sessions: the same answers and messages.
    shown = registration_form(questions, reg.choice_slots(conference))
    shown.form_errors = list(form.form_errors)
    for field in form:
        shown[field.name].errors = list(field.errors)
    duplicate = False
    if problem is not None:
        if problem.field and problem.field in shown:
            shown[problem.field].errors = [*shown[problem.field].errors, problem.message]
        else:
            shown.form_errors.append(problem.message)
        duplicate = (problem.field == "email"
                     and reg.find_registration(conference, form.email.data or "") is not None)
    return _form_page(conference, shown, duplicate=duplicate, status=422)


def _form_page(conference: Conference, form: RegistrationForm, *, duplicate: bool = False, status: int = 200):
    return render_template(
        "registration/public/register.html", conference=conference, form=form, slots=_slot_view(form),
        duplicate=duplicate, seats_left=reg.seats_left(conference),
    ), status


def _slot_view(form: RegistrationForm) -> list[dict]:
    """Each slot with its field and, per session, the seats left (None: no limit)."""
    view = []
    for slot, name in form.slot_fields:
        sessions = {}
        for agenda_session in slot.sessions:
            capacity = reg.session_capacity(agenda_session)
            left = None if capacity is None else max(capacity - agenda_session.seats_taken, 0)
            sessions[str(agenda_session.id)] = {"session": agenda_session, "left": left}
        view.append({"slot": slot, "field": form[name], "sessions": sessions})
    return view


@bp.route("/c/<slug>/register/received")
def received(slug: str):
    """After a repeated submit (or a bot's): no link on the page, it is in the e-mail."""
    conference = get_conference_or_404(slug)
    return render_template("registration/public/received.html", conference=conference)


@bp.route("/c/<slug>/register/link", methods=["POST"])
@limiter.limit(_registration_rate_limit)
def resend_link(slug: str):
    """Mail the manage link again. The answer never tells whether the address is registered."""
    conference = get_conference_or_404(slug)
    form = ResendLinkForm()
    if form.validate_on_submit() and form.email.data:
        reg.send_manage_link(conference, form.email.data)
        db.session.commit()
    flash(_("If this address is registered, we have sent the link to it."), "success")
    return redirect(url_for("registration.received", slug=conference.slug, sent=1), code=303)


# --- the manage page --------------------------------------------------------------------------------


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit(_token_rate_limit)
def manage(token: str):
    registration = reg.find_by_manage_token(token)
    if registration is None:
        abort(404)
    # The registration's language, unless the visitor chose one with the switch.
    language = nullcontext() if "lang" in session else force_locale(registration.language)
    with language:
        return _manage_page(registration, token)


def _manage_page(registration: Registration, token: str):
    choice_form, cancel_form = ChoiceForm(), CancelForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "choice" and choice_form.validate_on_submit():
                reg.change_choice(registration, choice_form.slot.data, choice_form.session.data or None)
                message = _("Your session choice is saved.")
            elif action == "cancel" and cancel_form.validate_on_submit():
                reg.cancel(registration)
                message = _("Your registration is cancelled.")
            else:
                raise DomainError(_("Choose what to change and confirm it."))
        except (DomainError, ValueError) as error:
            db.session.rollback()
            text = error.message if isinstance(error, DomainError) else _("Choose one of the sessions offered for this time slot.")
            field = error.field if isinstance(error, DomainError) and error.field else "page"
            errors[field if field.startswith("slot-") else "page"] = text
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(MANAGE_ENDPOINT, token=token), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("registration/public/manage.html", **_manage_context(registration, errors)), status


def _manage_context(registration: Registration, errors: dict[str, str]) -> dict:
    conference = registration.conference
    active = registration.status is not RegistrationStatus.CANCELLED
    chosen = {reg.slot_key(choice.slot_starts_at): choice for choice in registration.choices}
    slots = []
    for slot in reg.choice_slots(conference) if active else []:
        choice = chosen.get(slot.key)
        sessions = []
        for agenda_session in slot.sessions:
            capacity = reg.session_capacity(agenda_session)
            left = None if capacity is None else max(capacity - agenda_session.seats_taken, 0)
            sessions.append({"session": agenda_session, "left": left})
        slots.append({
            "slot": slot, "choice": choice, "sessions": sessions,
            "position": reg.choice_position(choice) if choice is not None else None,
            "error": errors.get(f"slot-{slot.key}"),
        })
    ticket = None
    if registration.status is RegistrationStatus.CONFIRMED and registration.ticket_code:
        svg = reg.ticket_qr(registration.ticket_code).svg_inline(scale=6, omitsize=False)
        ticket = {"code": registration.ticket_code, "svg": Markup(svg)}
    return {
        "registration": registration, "conference": conference, "slots": slots, "ticket": ticket,
        "position": reg.waiting_position(registration), "error": errors.get("page"),
        "needs": NEEDS, "confirmed_status": ChoiceStatus.CONFIRMED,
    }


@bp.get("/c/<slug>/participants")
def participants(slug: str):
    """Confirmed attendees who agreed to be listed: name, position, organisation, province."""
    from ..pagination import paginate

    conference = get_conference_or_404(slug)
    page = paginate(reg.public_participants(conference), per_page=100)
    return render_template("registration/public/participants.html", conference=conference, page=page,
                           active="participants")
