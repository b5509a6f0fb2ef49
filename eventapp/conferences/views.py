from flask import render_template
from flask_login import current_user

from . import bp
from .services import agenda_days, conferences_managed_by, get_conference_or_404, published_conferences


@bp.get("/")
def home():
    return render_template(
        "conferences/public/home.html",
        conferences=published_conferences(),
        managed=conferences_managed_by(current_user),
    )


@bp.get("/c/<slug>")
def show(slug: str):
    conference = get_conference_or_404(slug)
    return render_template(
        "conferences/public/show.html",
        conference=conference,
        days=agenda_days(conference),
        can_manage=conference.can_manage(current_user),
    )
