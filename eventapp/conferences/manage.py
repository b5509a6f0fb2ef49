"""Organiser views for the conference itself: overview, details, venues and
rooms, sub-themes. Every view: login_required, then get_conference_or_404(slug, manage=True)."""
from flask import render_template
from flask_login import login_required

from ..agenda.conflicts import find_conflicts, load_sessions
from ..agenda.releases import draft_status
from . import bp
from .services import get_conference_or_404


@bp.get("/manage/<slug>/")
@login_required
def manage_dashboard(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    sessions = load_sessions(conference)
    return render_template(
        "conferences/manage/dashboard.html",
        conference=conference,
        active="dashboard",
        sessions=sessions,
        scheduled=sum(1 for s in sessions if s.starts_at is not None),
        report=find_conflicts(conference, sessions),
        status=draft_status(conference, sessions),
    )
