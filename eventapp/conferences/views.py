from flask import render_template
from flask_login import current_user

from ..agenda.releases import latest_release, public_agenda
from ..http_cache import conditional
from ..page_cache import cached_page
from . import bp
from .services import conferences_managed_by, get_conference_or_404, group_agenda, published_conferences


@bp.get("/")
def home():
    return render_template(
        "conferences/public/home.html",
        conferences=published_conferences(),
        managed=conferences_managed_by(current_user),
    )


@bp.get("/c/<slug>")
def show(slug: str):
    """The conference and its latest published agenda release (never the draft)."""
    conference = get_conference_or_404(slug)
    release = latest_release(conference)

    def build():
        agenda = public_agenda(release)
        return render_template(
            "conferences/public/show.html",
            conference=conference,
            agenda=agenda,
            sub_themes=agenda.sub_themes,
            days=group_agenda(agenda.sessions, conference.zone),
            can_manage=conference.can_manage(current_user),
        )

    return conditional(conference, release, lambda: cached_page(conference, release, "conference", build))
