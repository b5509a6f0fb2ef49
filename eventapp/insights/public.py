"""The public representation page (who speaks, from the latest release) and
the organisers' switch that publishes it.

The page shows aggregates only: counts of 1–4 as "<5" and shares only for
groups of at least five people, so nobody on stage is identifiable by their
gender or sector; flagged panels are counted, never named.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ..agenda.models import RoleKind
from ..agenda.releases import latest_release, public_agenda
from ..audit.services import record
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..extensions import db
from ..http_cache import conditional
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender
from . import bp
from .queries import SMALL_COUNT, Tally, release_speaker_report, suppressed

NO_SHARE = "—"


# --- the service ----------------------------------------------------------------------


def set_representation_public(conference: Conference, value: bool, actor) -> bool:
    """Publish (or withdraw) the representation page. Records the change in the
    audit log; returns whether anything changed."""
    value = bool(value)
    if conference.representation_public == value:
        return False
    conference.representation_public = value
    record(conference, actor, "insights.representation_public",
           "Published the representation page" if value else "Withdrew the representation page")
    db.session.flush()
    return True


# --- figures for the page ---------------------------------------------------------------


@dataclass
class ShareRow:
    """One group of people: its size and its women, both suppressed, and the
    women's share only when the group is large enough."""

    label: str
    total: str
    women: str
    share: str


def women_share(label: str, tally: Tally) -> ShareRow:
    share = tally.share(Gender.WOMAN.value)
    shown = format_percent(share) if share is not None and tally.total >= SMALL_COUNT else NO_SHARE
    return ShareRow(label, suppressed(tally.total), suppressed(tally.get(Gender.WOMAN.value)), shown)


@dataclass
class CountRow:
    label: str
    count: str
    share: str


def count_rows(tally: Tally, labels: dict) -> list[CountRow]:
    """Every key with a non-zero count, in the labels' order, suppressed."""
    rows = []
    for key, label in labels.items():
        count = tally.get(key.value)
        if count:
            share = format_percent(count / tally.total) if tally.total >= SMALL_COUNT else NO_SHARE
            rows.append(CountRow(str(label), suppressed(count), share))
    return rows


@dataclass
class PublicFigures:
    by_role: list[ShareRow]
    people: list[CountRow]
    people_total: str
    sectors: list[CountRow]
    sub_themes: list[ShareRow]
    panels: str
    all_male_panels: str


def public_figures(release) -> PublicFigures:
    """The page's figures from one release's snapshot (no query)."""
    report = release_speaker_report(release.snapshot)
    roles = [(RoleKind.SPEAKER, _("Speakers")), (RoleKind.MODERATOR, _("Moderators")),
             (RoleKind.KEYNOTE, _("Keynote speakers"))]
    by_role = [women_share(label, report.by_role.get(kind.value, Tally())) for kind, label in roles]
    themes = {t.id: t for t in public_agenda(release).sub_themes}
    sub_themes = []
    ordered = sorted(report.by_sub_theme, key=lambda i: (i is None, themes[i].position if i in themes else 0, i or 0))
    for theme_id in ordered:
        theme = themes.get(theme_id)
        label = f"{theme.code} {theme.local('title')}".strip() if theme else _("No sub-theme")
        sub_themes.append(women_share(label, report.by_sub_theme[theme_id].get("speaking", Tally())))
    return PublicFigures(
        by_role=by_role,
        people=count_rows(report.people, GENDER_LABELS),
        people_total=suppressed(report.people.total),
        sectors=count_rows(report.sectors, SECTOR_LABELS),
        sub_themes=sub_themes,
        panels=suppressed(report.panels),
        all_male_panels=suppressed(len(report.all_male_panels)),
    )


# --- the public page ---------------------------------------------------------------------


@bp.get("/c/<slug>/representation")
def public_page(slug: str):
    """Only for a published conference whose organisers made the page public."""
    conference = db.session.scalar(db.select(Conference).where(Conference.slug == slug))
    if conference is None or not conference.is_published or not conference.representation_public:
        abort(404)
    release = latest_release(conference)

    def build():
        return render_template(
            "insights/public/representation.html",
            conference=conference, release=release,
            figures=public_figures(release) if release is not None else None,
        )

    return conditional(conference, release, build, "representation")


# --- the organisers' switch ------------------------------------------------------------------


class PublishForm(FlaskForm):
    public = BooleanField()


@bp.route("/manage/<slug>/insights/publish", methods=["GET", "POST"])
@login_required
def manage_publish(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    form = PublishForm()
    if request.method == "GET":
        form.public.data = conference.representation_public
    if form.validate_on_submit():
        value = bool(form.public.data)
        if set_representation_public(conference, value, current_user):
            db.session.commit()
            flash(_("The representation page is now public.") if value
                  else _("The representation page is no longer public."), "success")
        else:
            flash(_("Nothing changed."), "success")
        return redirect(url_for("insights.manage_publish", slug=conference.slug), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "insights/manage/publish.html", conference=conference, active="insights", form=form,
        release=latest_release(conference), status_code=status,
    ), status

