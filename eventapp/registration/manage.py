"""Organiser pages for registration: the settings (mode, window, capacity,
approval), the form's own questions, the registrations list with its counts,
filters and CSV export, and one registration with its actions (approve,
cancel, move a session choice, erase personal data).

Every view: login_required, then get_conference_or_404(slug, manage=True),
then rows loaded within that conference (404 otherwise). Writes go through
the services; a DomainError re-renders the page with status 422 and nothing
written.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..conferences.forms import show_domain_error
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..i18n import format_clock
from ..pagination import paginate, sort_choice
from ..people.models import GENDER_LABELS, SECTOR_LABELS
from . import bp
from .manage_forms import QuestionForm, SettingsForm
from .models import NEEDS, REGISTRATION_STATUS_LABELS, Registration, RegistrationQuestion, SessionChoice
from .queries import (
    NEED_OTHER,
    NO,
    SORTS,
    YES,
    Filters,
    answer_text,
    parallel_sessions,
    questions_by_id,
    registration_query,
    registrations_csv,
    status_counts,
    waiting_positions,
)
from .questions import create_question, delete_question, move_question, questions_of, update_question
from .services import approve, cancel, change_choice, choice_position, choice_slots, erase, slot_key, waiting_position
from .settings import update_settings


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _registration_or_404(conference: Conference, registration_id: int) -> Registration:
    registration = db.session.scalar(
        select(Registration)
        .where(Registration.id == registration_id, Registration.conference_id == conference.id)
        .options(selectinload(Registration.choices).selectinload(SessionChoice.session),
                 selectinload(Registration.invitation))
    )
    if registration is None:
        abort(404)
    return registration


def _question_or_404(conference: Conference, question_id: int) -> RegistrationQuestion:
    question = db.session.get(RegistrationQuestion, question_id)
    if question is None or question.conference_id != conference.id:
        abort(404)
    return question


# --- settings ----------------------------------------------------------------------------------


@bp.route("/manage/<slug>/registration", methods=["GET", "POST"])
@login_required
def manage_settings(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = SettingsForm()
    if request.method == "GET":
        form.fill(conference)
    if form.validate_on_submit():
        try:
            update_settings(
                conference, mode=form.mode, opens_at=form.instant("opens", conference),
                closes_at=form.instant("closes", conference),
                capacity=form.registration_capacity.data, requires_approval=bool(form.requires_approval.data),
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            conference = get_conference_or_404(slug, manage=True)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The registration settings are saved."), "success")
            return redirect(url_for("registration.manage_settings", slug=slug), code=303)
    return render_template(
        "registration/manage/settings.html", conference=conference, active="registrations", form=form,
        counts=status_counts(conference), questions=questions_of(conference),
    ), _status()


# --- questions -------------------------------------------------------------------------------------


@bp.route("/manage/<slug>/registration/questions", methods=["GET", "POST"])
@login_required
def manage_questions(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            create_question(conference, **form.values(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            conference = get_conference_or_404(slug, manage=True)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The question is added to the registration form."), "success")
            return redirect(url_for("registration.manage_questions", slug=slug), code=303)
    return render_template(
        "registration/manage/questions.html", conference=conference, active="registrations", form=form,
        questions=questions_of(conference),
    ), _status()


@bp.route("/manage/<slug>/registration/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def manage_question_edit(slug: str, question_id: int):
    conference = get_conference_or_404(slug, manage=True)
    question = _question_or_404(conference, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.fill(question)
    if form.validate_on_submit():
        try:
            update_question(question, **form.values(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            conference = get_conference_or_404(slug, manage=True)
            question = _question_or_404(conference, question_id)
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The question is saved."), "success")
            return redirect(url_for("registration.manage_questions", slug=slug), code=303)
    return render_template(
        "registration/manage/question_edit.html", conference=conference, active="registrations",
        form=form, question=question,
    ), _status()


@bp.post("/manage/<slug>/registration/questions/<int:question_id>/delete")
@login_required
def manage_question_delete(slug: str, question_id: int):
    conference = get_conference_or_404(slug, manage=True)
    delete_question(_question_or_404(conference, question_id), actor=current_user)
    db.session.commit()
    flash(_("The question is deleted."), "success")
    return redirect(url_for("registration.manage_questions", slug=slug), code=303)


@bp.post("/manage/<slug>/registration/questions/<int:question_id>/move")
@login_required
def manage_question_move(slug: str, question_id: int):
    conference = get_conference_or_404(slug, manage=True)
    question = _question_or_404(conference, question_id)
    try:
        move_question(question, request.form.get("direction", ""), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("registration.manage_questions", slug=slug), code=303)
    db.session.commit()
    return redirect(url_for("registration.manage_questions", slug=slug, _anchor=f"question-{question_id}"),
                    code=303)


# --- the list ------------------------------------------------------------------------------------


def _listing():
    filters = Filters.from_args(request.args)
    sort, descending, order = sort_choice(SORTS, "name")
    return filters, sort, descending, order


@bp.get("/manage/<slug>/registrations")
@login_required
def manage_list(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    filters, sort, descending, order = _listing()
    page = paginate(registration_query(conference, filters, order))
    return render_template(
        "registration/manage/list.html", conference=conference, active="registrations", page=page,
        counts=status_counts(conference), filters=filters, sort=sort, descending=descending,
        positions=waiting_positions(conference), sessions=parallel_sessions(conference),
        status_labels=REGISTRATION_STATUS_LABELS, sector_labels=SECTOR_LABELS, needs=NEEDS,
        need_other=NEED_OTHER, yes=YES, no=NO, format_clock=format_clock,
        export_url=url_for("registration.manage_export", slug=slug, **filters.args(),
                           **({"sort": request.args["sort"]} if request.args.get("sort") else {})),
    )


@bp.get("/manage/<slug>/registrations.csv")
@login_required
def manage_export(slug: str):
    """Every registration that matches the list's current filters, in its order."""
    conference = get_conference_or_404(slug, manage=True)
    filters, _sort, _descending, order = _listing()
    registrations = db.session.scalars(registration_query(conference, filters, order)).all()
    response = Response(registrations_csv(conference, registrations), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment", filename=f"{conference.slug}-registrations.csv")
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


# --- one registration ------------------------------------------------------------------------------


def _render_show(conference: Conference, registration: Registration, *, status: int = 200,
                 errors: list[str] | None = None):
    slots = choice_slots(conference)
    chosen = {slot_key(choice.slot_starts_at): choice for choice in registration.choices}
    questions = questions_by_id(conference)
    checked_in_by = db.session.get(User, registration.checked_in_by_id) if registration.checked_in_by_id else None
    return render_template(
        "registration/manage/show.html", conference=conference, active="registrations",
        registration=registration, position=waiting_position(registration),
        choice_positions={choice.id: choice_position(choice) for choice in registration.choices},
        slots=slots, chosen=chosen, sector_labels=SECTOR_LABELS, gender_labels=GENDER_LABELS,
        answers=[(question, answer_text((registration.answers or {}).get(key)))
                 for key, question in questions.items() if key in (registration.answers or {})],
        checked_in_by=checked_in_by, errors=errors or [], format_clock=format_clock,
    ), status


@bp.get("/manage/<slug>/registrations/<int:registration_id>")
@login_required
def manage_show(slug: str, registration_id: int):
    conference = get_conference_or_404(slug, manage=True)
    return _render_show(conference, _registration_or_404(conference, registration_id))


def _act(slug: str, registration_id: int, action, done: str):
    """Run `action(registration)`; 303 back to the registration, or 422 with the message."""
    conference = get_conference_or_404(slug, manage=True)
    registration = _registration_or_404(conference, registration_id)
    try:
        action(registration)
    except DomainError as error:
        db.session.rollback()
        conference = get_conference_or_404(slug, manage=True)
        return _render_show(conference, _registration_or_404(conference, registration_id), status=422,
                            errors=[error.message])
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("registration.manage_show", slug=slug, registration_id=registration_id), code=303)


@bp.post("/manage/<slug>/registrations/<int:registration_id>/approve")
@login_required
def manage_approve(slug: str, registration_id: int):
    return _act(slug, registration_id, lambda r: approve(r, actor=current_user),
                _("The registration is approved and the attendee is told by e-mail."))


@bp.post("/manage/<slug>/registrations/<int:registration_id>/cancel")
@login_required
def manage_cancel(slug: str, registration_id: int):
    def cancel_it(registration: Registration) -> None:
        if not registration.is_active:
            raise DomainError(_("This registration is cancelled."))
        cancel(registration, actor=current_user)

    return _act(slug, registration_id, cancel_it,
                _("The registration is cancelled; its seats went to the first people waiting."))


@bp.post("/manage/<slug>/registrations/<int:registration_id>/move")
@login_required
def manage_move(slug: str, registration_id: int):
    slot = request.form.get("slot", "")
    session = request.form.get("session", "")

    def move(registration: Registration) -> None:
        if slot not in {s.key for s in choice_slots(registration.conference)}:
            raise DomainError(_("Choose one of the sessions offered for this time slot."))
        if session and not session.isdigit():
            raise DomainError(_("Choose one of the sessions offered for this time slot."))
        change_choice(registration, slot, int(session) if session else None, actor=current_user)

    return _act(slug, registration_id, move, _("The session choice is changed."))


@bp.post("/manage/<slug>/registrations/<int:registration_id>/erase")
@login_required
def manage_erase(slug: str, registration_id: int):
    def erase_it(registration: Registration) -> None:
        if request.form.get("confirm") != "yes":
            raise DomainError(_("Tick the box to confirm that the personal data is to be erased."))
        if registration.erased_at is not None:
            raise DomainError(_("This registration's personal data is already erased."))
        erase(registration, actor=current_user)

    return _act(slug, registration_id, erase_it,
                _("The personal data is erased; the anonymous record stays in the counts."))
