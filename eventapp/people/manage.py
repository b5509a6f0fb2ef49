"""Organiser views for people (speakers, moderators, rapporteurs): list,
add, edit, delete. Every view: login_required, then
get_conference_or_404(slug, manage=True), then the person within that conference."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from ..conferences.forms import ConfirmForm, show_domain_error
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..pagination import like_pattern, paginate, search_term, sort_choice
from . import bp
from .forms import PersonForm
from .photos import max_bytes
from .models import GENDER_LABELS, SECTOR_LABELS, Person, Sector
from .profile import remove_photo, set_locks, set_photo
from .services import create_person, delete_person, roles_of, session_counts, update_person

SORTS = {
    "name": Person.full_name,
    "organisation": Person.organisation,
    "sector": Person.sector,
}
SEARCHED = (Person.full_name, Person.honorific, Person.organisation, Person.position, Person.email)


def _person_or_404(conference: Conference, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or person.conference_id != conference.id:
        abort(404)
    return person


@bp.get("/manage/<slug>/people")
@login_required
def manage_list(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    sort, descending, order = sort_choice(SORTS, "name")
    query = select(Person).where(Person.conference_id == conference.id)
    term = search_term()
    if term:
        pattern = like_pattern(term)
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in SEARCHED)))
    sector = request.args.get("sector", "")
    if sector in {member.value for member in Sector}:
        query = query.where(Person.sector == Sector(sector))
    else:
        sector = ""
    page = paginate(query.order_by(order, Person.full_name, Person.id))
    return render_template(
        "people/manage/list.html",
        conference=conference,
        active="people",
        page=page,
        role_counts=session_counts(page.items),
        sort=sort,
        descending=descending,
        term=term,
        sector=sector,
        sector_labels=SECTOR_LABELS,
        gender_labels=GENDER_LABELS,
    )


def _render_form(conference: Conference, form: PersonForm, person: Person | None):
    status = 422 if request.method == "POST" else 200
    return render_template(
        "people/manage/form.html",
        conference=conference,
        active="people",
        form=form,
        person=person,
        roles=roles_of(person) if person is not None else [],
    ), status


@bp.route("/manage/<slug>/people/new", methods=["GET", "POST"])
@login_required
def manage_new(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = PersonForm()
    if form.validate_on_submit():
        values = form.values()
        try:
            person = create_person(conference, values.pop("full_name"), actor=current_user, **values)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            name = person.display_name
            db.session.commit()
            flash(_("%(name)s added.", name=name), "success")
            return redirect(url_for("people.manage_list", slug=slug), code=303)
    return _render_form(conference, form, None)


@bp.route("/manage/<slug>/people/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(slug: str, person_id: int):
    conference = get_conference_or_404(slug, manage=True)
    person = _person_or_404(conference, person_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            update_person(person, actor=current_user, **form.values())
            set_locks(person, form.locked_fields.data or [], actor=current_user)
            if form.remove_photo.data:
                remove_photo(person, actor=current_user, by_organiser=True)
            upload = form.photo_upload.data
            if upload:
                set_photo(person, upload.read(max_bytes() + 1), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            if error.field == "photo":
                error.field = "photo_upload"
            show_domain_error(form, error)
        else:
            name = person.display_name
            db.session.commit()
            flash(_("%(name)s saved.", name=name), "success")
            return redirect(url_for("people.manage_list", slug=slug), code=303)
    return _render_form(conference, form, person)


@bp.route("/manage/<slug>/people/<int:person_id>/delete", methods=["GET", "POST"])
@login_required
def manage_delete(slug: str, person_id: int):
    conference = get_conference_or_404(slug, manage=True)
    person = _person_or_404(conference, person_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = person.display_name
        try:
            delete_person(person, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s deleted.", name=name), "success")
            return redirect(url_for("people.manage_list", slug=slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "people/manage/delete.html", conference=conference, active="people",
        form=form, person=person, roles=roles_of(person),
    ), status
