"""Conflicts panel, releases (publish, history, draft preview) and the public changelog."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..conferences.services import get_conference_or_404, group_agenda
from ..errors import DomainError
from ..extensions import db
from ..urls import safe_next
from . import bp
from .conflicts import acknowledge, find_conflicts, load_sessions
from .models import AgendaSession
from .releases import draft_status, publish, releases


@bp.get("/manage/<slug>/conflicts")
@login_required
def manage_conflicts(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    report = find_conflicts(conference)
    return render_template(
        "agenda/manage/conflicts.html", conference=conference, active="conflicts", report=report
    )


@bp.post("/manage/<slug>/conflicts/acknowledge")
@login_required
def manage_acknowledge(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    session_id = request.form.get("session_id", "")
    session = db.session.get(AgendaSession, int(session_id)) if session_id.isdigit() else None
    if session is None or session.conference_id != conference.id:
        abort(404)
    try:
        acknowledge(session, request.form.get("key", ""), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Warning acknowledged."), "success")
    default = url_for("agenda.manage_conflicts", slug=conference.slug)
    target = request.form.get("next") or default
    return redirect(safe_next(target) if target.startswith("/manage/") else default, code=303)


@bp.get("/manage/<slug>/releases")
@login_required
def manage_releases(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    sessions = load_sessions(conference)
    return render_template(
        "agenda/manage/releases.html",
        conference=conference,
        active="releases",
        status=draft_status(conference, sessions),
        report=find_conflicts(conference, sessions),
        releases=releases(conference),
    )


@bp.post("/manage/<slug>/releases")
@login_required
def manage_publish(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    try:
        release = publish(conference, actor=current_user, note=request.form.get("note", "")[:500])
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Published agenda %(label)s. The public pages show it now.", label=release.label), "success")
    return redirect(url_for("agenda.manage_releases", slug=conference.slug), code=303)


@bp.get("/manage/<slug>/preview")
@login_required
def manage_preview(slug: str):
    """The public conference page, built from the draft instead of the release."""
    conference = get_conference_or_404(slug, manage=True)
    sessions = [s for s in load_sessions(conference) if s.starts_at is not None]
    themes = sorted({s.sub_theme for s in sessions if s.sub_theme}, key=lambda t: (t.position, t.id))
    return render_template(
        "conferences/public/show.html",
        conference=conference,
        agenda=None,
        preview=True,
        sub_themes=themes,
        days=group_agenda(sessions, conference.zone),
        can_manage=True,
    )


@bp.get("/c/<slug>/changes")
def public_changes(slug: str):
    """Every release with what it changed, newest first."""
    conference = get_conference_or_404(slug)
    return render_template(
        "agenda/public/changes.html", conference=conference, releases=releases(conference)
    )
