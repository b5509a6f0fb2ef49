"""Organiser views for sessions: the list, the session editor (with its
warnings and the people in it), duplicate and delete.

Every view: login_required, then get_conference_or_404(slug, manage=True);
sessions, roles and people are loaded scoped to that conference (404 otherwise).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..conferences.models import Conference, Room, Venue
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language, zone_label
from ..pagination import like_pattern, paginate, search_term, sort_choice
from ..people.models import Gender, Person, Sector
from ..people.services import create_person
from . import bp
from .conflicts import find_conflicts
from .forms import MoveForm, NewPersonForm, RoleForm, SessionForm, conference_days, role_choices
from .models import SESSION_KIND_LABELS, AgendaSession, RoleKind, SessionKind, SessionRole
from .services import (
    StaleEdit,
    assign_person,
    change_role,
    create_session,
    delete_session,
    duplicate_session,
    move_role,
    remove_role,
    update_session,
)

PERSON_RESULTS = 20


# --- loading, scoped to the conference -------------------------------------------


def _session_or_404(conference: Conference, session_id: int) -> AgendaSession:
    session = db.session.scalar(
        select(AgendaSession)
        .where(AgendaSession.id == session_id, AgendaSession.conference_id == conference.id)
        .options(selectinload(AgendaSession.roles).selectinload(SessionRole.person))
    )
    if session is None:
        abort(404)
    return session


def _role_or_404(session: AgendaSession, role_id: int) -> SessionRole:
    role = next((r for r in session.roles if r.id == role_id), None)
    if role is None:
        abort(404)
    return role


def _edit_url(conference: Conference, session: AgendaSession) -> str:
    return url_for("agenda.manage_edit", slug=conference.slug, session_id=session.id)


# --- the list ---------------------------------------------------------------------------


def _local_title(lang: str):
    other = "en" if lang == "id" else "id"
    first, second = getattr(AgendaSession, f"title_{lang}"), getattr(AgendaSession, f"title_{other}")
    return func.lower(func.coalesce(func.nullif(first, ""), second))


def _day_arg(conference: Conference) -> date | None:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if conference.starts_on <= day <= conference.ends_on else None


def _id_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/manage/<slug>/sessions")
@login_required
def manage_list(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    query = (
        select(AgendaSession)
        .where(AgendaSession.conference_id == conference.id)
        .outerjoin(Room, AgendaSession.room_id == Room.id)
        .options(
            selectinload(AgendaSession.room),
            selectinload(AgendaSession.sub_theme),
            selectinload(AgendaSession.roles).selectinload(SessionRole.person),
        )
    )
    term = search_term()
    if term:
        pattern = like_pattern(term)
        query = query.where(
            or_(
                func.lower(AgendaSession.title_id).like(pattern, escape="\\"),
                func.lower(AgendaSession.title_en).like(pattern, escape="\\"),
            )
        )
    filters = {
        "day": _day_arg(conference),
        "kind": request.args.get("kind") if request.args.get("kind") in {k.value for k in SessionKind} else None,
        "sub_theme": _id_arg("sub_theme"),
        "room": _id_arg("room"),
        "unscheduled": request.args.get("unscheduled") == "1",
    }
    if filters["day"] is not None:
        start = datetime.combine(filters["day"], time(0), tzinfo=conference.zone)
        query = query.where(
            AgendaSession.starts_at >= start, AgendaSession.starts_at < start + timedelta(days=1)
        )
    if filters["kind"]:
        query = query.where(AgendaSession.kind == SessionKind(filters["kind"]))
    if filters["sub_theme"] is not None:
        query = query.where(AgendaSession.sub_theme_id == filters["sub_theme"])
    if filters["room"] is not None:
        query = query.where(AgendaSession.room_id == filters["room"])
    if filters["unscheduled"]:
        query = query.where(AgendaSession.starts_at.is_(None))

    sort, descending, order = sort_choice(
        {"time": AgendaSession.starts_at, "title": _local_title(current_language()), "room": Room.name},
        "time",
    )
    if sort == "time":
        # Unscheduled sessions last, whichever the direction.
        query = query.order_by(AgendaSession.starts_at.is_(None), order, AgendaSession.id)
    elif sort == "room":
        query = query.order_by(Room.id.is_(None), order, AgendaSession.starts_at, AgendaSession.id)
    else:
        query = query.order_by(order, AgendaSession.id)
    page = paginate(query)

    rooms = db.session.scalars(
        select(Room).join(Venue).where(Venue.conference_id == conference.id)
        .order_by(Room.venue_id, Room.position, Room.id)
    ).all()
    return render_template(
        "agenda/manage/sessions.html",
        conference=conference,
        active="sessions",
        page=page,
        sort=sort,
        descending=descending,
        filters=filters,
        days=conference_days(conference),
        kinds=SESSION_KIND_LABELS,
        rooms=rooms,
        sub_themes=conference.sub_themes,
        with_conflicts=find_conflicts(conference).session_ids_with_open_conflicts(),
    )


# --- create and edit ----------------------------------------------------------------------


def _session_form(conference: Conference, **kwargs) -> SessionForm:
    form = SessionForm(**kwargs).setup(conference)
    zone = zone_label(conference.timezone)
    form.starts_at.label.text = _("Start time (%(zone)s)", zone=zone)
    form.ends_at.label.text = _("End time (%(zone)s)", zone=zone)
    return form


def _changes(form: SessionForm, conference: Conference) -> dict:
    """The service's keyword arguments from a valid form."""
    rooms = {str(room.id): room for venue in conference.venues for room in venue.rooms}
    themes = {str(theme.id): theme for theme in conference.sub_themes}
    starts_at, ends_at = form.times(conference)
    return {
        "title_id": (form.title_id.data or "").strip(),
        "title_en": (form.title_en.data or "").strip(),
        "abstract_id": form.abstract_id.data or "",
        "abstract_en": form.abstract_en.data or "",
        "kind": SessionKind(form.kind.data),
        "sub_theme": themes.get(form.sub_theme.data or ""),
        "room": rooms.get(form.room.data or ""),
        "spans_all_rooms": bool(form.spans_all_rooms.data),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": form.capacity.data,
    }


def _put_error(form, error: DomainError, form_errors: list[str]) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors") and field.name != "csrf_token":
        field.errors = list(field.errors) + [error.message]
    else:
        form_errors.append(error.message)


def _flash_saved(conference: Conference, session: AgendaSession) -> None:
    open_count = sum(
        1 for c in find_conflicts(conference).for_session(session.id) if c.blocking or not c.acknowledged
    )
    if open_count:
        flash(ngettext("Saved with %(num)d warning.", "Saved with %(num)d warnings.", open_count), "success")
    else:
        flash(_("Saved."), "success")


@bp.route("/manage/<slug>/sessions/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = _session_form(conference)
    form_errors: list[str] = []
    if request.method == "GET":
        form.client_token.data = uuid.uuid4().hex
    if form.validate_on_submit():
        try:
            session = create_session(
                conference, client_token=(form.client_token.data or None), actor=current_user,
                **_changes(form, conference),
            )
        except DomainError as error:
            db.session.rollback()
            _put_error(form, error, form_errors)
        else:
            db.session.commit()
            _flash_saved(conference, session)
            return redirect(_edit_url(conference, session), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "agenda/manage/session_form.html", conference=conference, active="sessions",
        form=form, form_errors=form_errors, session=None,
    ), status


def _person_results(conference: Conference, session: AgendaSession | None) -> tuple[str, list[Person]]:
    term = request.args.get("person_q", "").strip()[:100]
    if not term or session is None:
        return term, []
    pattern = like_pattern(term)
    people = db.session.scalars(
        select(Person)
        .where(
            Person.conference_id == conference.id,
            or_(
                func.lower(Person.full_name).like(pattern, escape="\\"),
                func.lower(Person.organisation).like(pattern, escape="\\"),
            ),
        )
        .order_by(func.lower(Person.full_name), Person.id)
        .limit(PERSON_RESULTS)
    ).all()
    return term, list(people)


def _render_edit(
    conference: Conference,
    session: AgendaSession,
    *,
    form: SessionForm | None = None,
    form_errors: list[str] | None = None,
    person_form: NewPersonForm | None = None,
    people_errors: list[str] | None = None,
    status: int = 200,
):
    if form is None:
        # Not bound to the request: this POST may have been a role form.
        form = _session_form(conference, formdata=None)
        form.fill_from(session)
    person_form = person_form or NewPersonForm(prefix="new_person", formdata=None)
    term, results = _person_results(conference, session)
    in_session = {role.person_id for role in session.roles}
    return render_template(
        "agenda/manage/session_form.html",
        conference=conference,
        active="sessions",
        session=session,
        form=form,
        form_errors=form_errors or [],
        person_form=person_form,
        people_errors=people_errors or [],
        warnings=find_conflicts(conference).for_session(session.id),
        panel_warnings=_panel_warnings(session),
        person_q=term,
        person_results=results,
        in_session=in_session,
        role_choices=role_choices(),
    ), status


@bp.route("/manage/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    if request.method == "GET":
        return _render_edit(conference, session)
    form = _session_form(conference)
    form_errors: list[str] = []
    if form.validate_on_submit():
        version = form.version.data or ""
        try:
            update_session(
                session,
                expected_version=int(version) if version.isdigit() else None,
                actor=current_user,
                **_changes(form, conference),
            )
        except StaleEdit as error:
            db.session.rollback()
            form_errors.append(error.message)
            session = _session_or_404(conference, session_id)
            return _render_edit(conference, session, form=form, form_errors=form_errors, status=409)
        except DomainError as error:
            db.session.rollback()
            _put_error(form, error, form_errors)
            session = _session_or_404(conference, session_id)
        else:
            db.session.commit()
            _flash_saved(conference, session)
            return redirect(_edit_url(conference, session), code=303)
    return _render_edit(conference, session, form=form, form_errors=form_errors, status=422)


@bp.post("/manage/<slug>/sessions/<int:session_id>/duplicate")
@login_required
def manage_duplicate(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    copy = duplicate_session(session, actor=current_user)
    db.session.commit()
    flash(_("Session duplicated. The copy is not scheduled yet."), "success")
    return redirect(_edit_url(conference, copy), code=303)


@bp.route("/manage/<slug>/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@login_required
def manage_delete(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    if request.method == "POST":
        delete_session(session, actor=current_user)
        db.session.commit()
        flash(_("Session deleted."), "success")
        return redirect(url_for("agenda.manage_list", slug=conference.slug), code=303)
    return render_template(
        "agenda/manage/session_delete.html", conference=conference, active="sessions", session=session
    )


# --- people in a session --------------------------------------------------------------------


def _people_error(conference: Conference, session_id: int, message: str):
    db.session.rollback()
    session = _session_or_404(conference, session_id)
    return _render_edit(conference, session, people_errors=[message], status=422)


def _panel_warnings(session: AgendaSession) -> list[str]:
    from ..insights.warnings import panel_warnings  # late: insights imports agenda

    return panel_warnings(session)


def _back_to_people(conference: Conference, session: AgendaSession, message: str,
                    before: list[str] | None = None):
    db.session.commit()
    flash(message, "success")
    if before is not None:
        from ..insights.warnings import flash_new_panel_warnings

        flash_new_panel_warnings(session, before)
    return redirect(_edit_url(conference, session) + "#people", code=303)


@bp.post("/manage/<slug>/sessions/<int:session_id>/roles")
@login_required
def manage_role_add(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    form = RoleForm()
    if not form.validate_on_submit() or form.person_id.data is None:
        return _people_error(conference, session_id, _("Choose a person and a role."))
    person = db.session.scalar(
        select(Person).where(Person.id == form.person_id.data, Person.conference_id == conference.id)
    )
    if person is None:
        abort(404)
    before = _panel_warnings(session)
    try:
        assign_person(session, person, RoleKind(form.role.data), actor=current_user)
    except DomainError as error:
        return _people_error(conference, session_id, error.message)
    return _back_to_people(conference, session, _("%(name)s added.", name=person.display_name), before)


@bp.post("/manage/<slug>/sessions/<int:session_id>/roles/new-person")
@login_required
def manage_role_new_person(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    form = NewPersonForm(prefix="new_person")
    if not form.validate_on_submit():
        return _render_edit(conference, session, person_form=form, status=422)
    before = _panel_warnings(session)
    try:
        # One transaction: the person exists only if the role does.
        person = create_person(
            conference=conference,
            full_name=form.full_name.data or "",
            honorific=(form.honorific.data or "").strip(),
            position=(form.position.data or "").strip(),
            organisation=(form.organisation.data or "").strip(),
            sector=Sector(form.sector.data),
            gender=Gender(form.gender.data),
            email=form.email.data or None,
            actor=current_user,
        )
        assign_person(session, person, RoleKind(form.role.data), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        session = _session_or_404(conference, session_id)
        people_errors: list[str] = []
        _put_error(form, error, people_errors)
        return _render_edit(conference, session, person_form=form, people_errors=people_errors, status=422)
    return _back_to_people(conference, session, _("%(name)s added.", name=person.display_name), before)


@bp.post("/manage/<slug>/sessions/<int:session_id>/roles/<int:role_id>")
@login_required
def manage_role_update(slug: str, session_id: int, role_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    role = _role_or_404(session, role_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _people_error(conference, session_id, _("Choose a role."))
    before = _panel_warnings(session)
    change_role(role, RoleKind(form.role.data), actor=current_user)
    return _back_to_people(conference, session, _("Role changed."), before)


@bp.post("/manage/<slug>/sessions/<int:session_id>/roles/<int:role_id>/move")
@login_required
def manage_role_move(slug: str, session_id: int, role_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    role = _role_or_404(session, role_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _people_error(conference, session_id, _("Choose up or down."))
    move_role(role, -1 if form.direction.data == "up" else 1, actor=current_user)
    return _back_to_people(conference, session, _("Order changed."))


@bp.post("/manage/<slug>/sessions/<int:session_id>/roles/<int:role_id>/remove")
@login_required
def manage_role_remove(slug: str, session_id: int, role_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    role = _role_or_404(session, role_id)
    name = role.person.display_name
    before = _panel_warnings(session)
    remove_role(role, actor=current_user)
    return _back_to_people(conference, session, _("%(name)s removed from the session.", name=name), before)

