"""A speaker's own profile page: their texts and photo, except what the
organisers locked. Someone who is not a speaker of the conference gets 404."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..conferences.forms import ConfirmForm, show_domain_error
from ..errors import DomainError
from ..extensions import db
from ..people.models import Person
from ..people.photos import max_bytes
from ..people.profile import (
    FIELD_LABELS,
    TEXT_FIELDS,
    locked_message,
    remove_photo,
    set_own_photo,
    update_own_profile,
)
from . import bp
from .profile_forms import ProfileForm
from .speaker import speaker_or_404


def _stale_locked(form: ProfileForm, person: Person) -> bool:
    """A form opened before the organisers locked a field may still send it:
    refuse a changed value there (the field is not passed on, whatever it says)."""
    stale = False
    for name in TEXT_FIELDS:
        if person.is_locked(name) and name in request.form and form[name].data != getattr(person, name):
            form[name].errors = [*form[name].errors, locked_message()]
            stale = True
    return stale


@bp.route("/c/<slug>/my/profile", methods=["GET", "POST"])
@login_required
def profile(slug: str):
    conference, person = speaker_or_404(slug)
    form = ProfileForm(person=person) if request.method == "GET" else ProfileForm()
    locked = [name for name in (*TEXT_FIELDS, "photo") if person.is_locked(name)]
    if form.validate_on_submit() and not _stale_locked(form, person):
        try:
            changed = update_own_profile(person, actor=current_user, **form.values(locked))
            if form.photo.data:
                set_own_photo(person, form.photo.data.read(max_bytes() + 1), actor=current_user)
                changed.append("photo")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            if changed:
                flash(_("Your profile is saved. The public agenda shows it when the organisers "
                        "publish the next version."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("portal.profile", slug=slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "portal/profile.html", conference=conference, person=person, form=form,
        locked=locked, labels=FIELD_LABELS,
    ), status


@bp.route("/c/<slug>/my/profile/photo/delete", methods=["GET", "POST"])
@login_required
def profile_photo_delete(slug: str):
    conference, person = speaker_or_404(slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            removed = remove_photo(person, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your photo is removed.") if removed else _("You have no photo."), "success")
            return redirect(url_for("portal.profile", slug=slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "portal/profile_photo_delete.html", conference=conference, person=person, form=form,
    ), status
