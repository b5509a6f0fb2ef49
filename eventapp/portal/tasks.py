"""Organiser pages of the speakers' checklist: list with progress, add, edit, delete."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from . import bp
from .models import SpeakerTask
from .speaker_forms import ConfirmForm, TaskForm
from .speaker_services import create_task, delete_task, done_counts, speaker_count, task_of, tasks_of, update_task


def _task_or_404(conference: Conference, task_id: int) -> SpeakerTask:
    task = task_of(conference, task_id)
    if task is None:
        abort(404)
    return task


def _show_error(form: TaskForm, error: DomainError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _status() -> int:
    """A POST that renders the page again failed: 422."""
    return 422 if request.method == "POST" else 200


def _list_url(slug: str) -> str:
    return url_for("portal.manage_tasks", slug=slug)


@bp.route("/manage/<slug>/speaker-tasks", methods=["GET", "POST"])
@login_required
def manage_tasks(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = TaskForm()
    if form.validate_on_submit():
        try:
            task = create_task(conference, actor=current_user, **form.values())
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Checklist item added: %(title)s", title=task.local("title")), "success")
            return redirect(_list_url(slug), code=303)
    return render_template(
        "portal/manage/tasks.html", conference=conference, active="tasks", form=form,
        tasks=tasks_of(conference), counts=done_counts(conference), speakers=speaker_count(conference),
    ), _status()


@bp.route("/manage/<slug>/speaker-tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def manage_task_edit(slug: str, task_id: int):
    conference = get_conference_or_404(slug, manage=True)
    task = _task_or_404(conference, task_id)
    form = TaskForm(obj=task)
    if form.validate_on_submit():
        try:
            update_task(task, actor=current_user, **form.values())
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Checklist item saved: %(title)s", title=task.local("title")), "success")
            return redirect(_list_url(slug), code=303)
    return render_template("portal/manage/task_form.html", conference=conference, active="tasks",
                           form=form, task=task), _status()


@bp.route("/manage/<slug>/speaker-tasks/<int:task_id>/delete", methods=["GET", "POST"])
@login_required
def manage_task_delete(slug: str, task_id: int):
    conference = get_conference_or_404(slug, manage=True)
    task = _task_or_404(conference, task_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = task.local("title")
        delete_task(task, actor=current_user)
        db.session.commit()
        flash(_("Checklist item deleted: %(title)s", title=title), "success")
        return redirect(_list_url(slug), code=303)
    return render_template("portal/manage/task_delete.html", conference=conference, active="tasks",
                           form=form, task=task, done=len(task.done)), _status()
