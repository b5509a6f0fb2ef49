"""Organiser pages for invitations."""
from __future__ import annotations

from flask_login import login_required

from ..conferences.services import get_conference_or_404
from . import bp


@bp.get("/manage/<slug>/invitations")
@login_required
def manage_list(slug: str):
    get_conference_or_404(slug, manage=True)
    return "placeholder"
