"""A speaker's own pages: their sessions (confirm, decline, add to calendar)
and the organisers' checklist. Someone who is not a speaker of the conference,
or asks for another person's role, gets 404."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..agenda.releases import latest_release, public_agenda
from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language
from ..people.models import Person
from . import bp
from .feeds import feed_url_for
from .services import conference_by_slug, speaker_in
from .speaker_forms import ConfirmForm, DeclineForm, TaskDoneForm
from .speaker_services import (
    confirm_role,
    decline_role,
    done_task_ids,
    is_overdue,
    my_sessions,
    own_role_or_none,
    role_ics,
    set_task_done,
    task_of,
    tasks_of,
    today_in,
)


def speaker_or_404(slug: str) -> tuple[Conference, Person]:
    """Speakers' pages (sessions, profile): the conference by slug whatever its
    status (speakers prepare before the agenda is public), and the signed-in
    user's Person in it; 404 for anyone else."""
    conference = conference_by_slug(slug)
    if conference is None:
        abort(404)
    person = speaker_in(conference, current_user)
    if person is None:
        abort(404)
    return conference, person


def _back(slug: str):
    return redirect(url_for("portal.speaker_sessions", slug=slug), code=303)


@bp.get("/c/<slug>/my/sessions")
@login_required
def speaker_sessions(slug: str):
    conference, person = speaker_or_404(slug)
    feed_url = feed_url_for(conference, current_user)
    # The feed's row and secret, made on first visit; committed before loading
    # the page's rows, which a commit would expire.
    db.session.commit()
    release = latest_release(conference)
    items = my_sessions(person, public_agenda(release), conference=conference)
    tasks = tasks_of(conference)
    done = done_task_ids(person) if tasks else set()
    today = today_in(conference)
    return render_template(
        "portal/speaker/sessions.html", conference=conference, person=person, items=items,
        tasks=[(task, task.id in done, is_overdue(task, task.id in done, today)) for task in tasks],
        feed_url=feed_url, public_conference=conference.is_published and release is not None,
    )


@bp.post("/c/<slug>/my/sessions/<int:role_id>/confirm")
@login_required
def speaker_confirm(slug: str, role_id: int):
    conference, person = speaker_or_404(slug)
    role = own_role_or_none(person, role_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = role.session.local("title")
        try:
            confirm_role(role, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Thank you: you confirmed that you will take part in “%(title)s”.", title=title), "success")
    return _back(slug)


@bp.route("/c/<slug>/my/sessions/<int:role_id>/decline", methods=["GET", "POST"])
@login_required
def speaker_decline(slug: str, role_id: int):
    conference, person = speaker_or_404(slug)
    role = own_role_or_none(person, role_id) or abort(404)
    form = DeclineForm()
    title = role.session.local("title")
    if form.validate_on_submit():
        try:
            decline_role(role, note=form.message.data or "", actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("You withdrew from “%(title)s”. The organisers have been told.", title=title), "success")
            return _back(slug)
    status = 422 if request.method == "POST" else 200
    return render_template("portal/speaker/decline.html", conference=conference, role=role,
                           title=title, form=form), status


@bp.get("/c/<slug>/my/sessions/<int:role_id>/calendar.ics")
@login_required
def speaker_session_ics(slug: str, role_id: int):
    conference, person = speaker_or_404(slug)
    role = own_role_or_none(person, role_id) or abort(404)
    attachment = role_ics(role, conference, current_language())
    if attachment is None:
        abort(404)
    return Response(attachment.text, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="session-{role.session_id}.ics"',
        "Cache-Control": "private, no-store",
    })


@bp.post("/c/<slug>/my/tasks/<int:task_id>")
@login_required
def speaker_task(slug: str, task_id: int):
    conference, person = speaker_or_404(slug)
    task = task_of(conference, task_id) or abort(404)
    form = TaskDoneForm()
    if not form.validate_on_submit():
        abort(422)
    set_task_done(task, person, form.done.data == "1")
    db.session.commit()
    if form.done.data == "1":
        flash(_("Marked as done: %(title)s", title=task.local("title")), "success")
    else:
        flash(_("Marked as not done: %(title)s", title=task.local("title")), "success")
    return redirect(url_for("portal.speaker_sessions", slug=slug, _anchor="checklist"), code=303)
