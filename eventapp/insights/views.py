"""Organiser pages: the representation dashboard and its one-page printable report.

Both read the same figures (`_figures`): a fixed number of GROUP BY queries from
queries.py plus one query for the flagged panels' titles and times and one for
the sub-themes, whatever the conference's size. Organiser pages show exact counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from ..agenda.models import AgendaSession, RoleKind
from ..conferences.models import Conference, SubTheme
from ..conferences.services import get_conference_or_404
from ..extensions import db
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender
from ..registration.models import Registration
from . import bp, queries
from .charts import bar_chart, percent, stacked_chart
from .queries import Tally

TOP_PROVINCES = 10
WOMAN, NOT_STATED = Gender.WOMAN.value, Gender.NOT_STATED.value


@dataclass
class FlaggedPanel:
    session: AgendaSession
    all_male: bool
    single_sector: bool


def _merge(*tallies: Tally | None) -> Tally:
    merged = Tally()
    for tally in tallies:
        for key, count in (tally.counts if tally else {}).items():
            merged.add(key, count)
    return merged


def _genders() -> list[tuple[str, str]]:
    return [(g.value, str(GENDER_LABELS[g])) for g in Gender]


def _sectors() -> list[tuple[str, str]]:
    return [(s.value, str(label)) for s, label in SECTOR_LABELS.items()]


def women_summary(tally: Tally, what: str) -> str:
    """'Women hold 12 of 19 speaking seats (63%).' — among those whose gender is stated."""
    known = tally.total - tally.get(NOT_STATED)
    if tally.total == 0:
        return _("No %(what)s yet.", what=what)
    text = _("Women hold %(women)d of %(known)d %(what)s with a stated gender (%(share)s).",
             women=tally.get(WOMAN), known=known, what=what, share=percent(tally.get(WOMAN), known))
    if tally.get(NOT_STATED):
        text += " " + _("Gender not stated: %(count)d.", count=tally.get(NOT_STATED))
    return text


def _largest(rows: list[tuple[str, int]], total_what: str) -> str:
    total = sum(count for _label, count in rows)
    if not total:
        return _("No %(what)s yet.", what=total_what)
    label, count = max(rows, key=lambda row: row[1])
    return _("%(total)d %(what)s; the largest group is %(label)s with %(count)d (%(share)s).",
             total=total, what=total_what, label=label, count=count, share=percent(count, total))


def _figures(conference: Conference) -> dict[str, Any]:
    report = queries.speaker_report(conference)
    genders, sectors = _genders(), _sectors()
    gender_names = [label for _key, label in genders]

    # (a) Speakers: seats by role group, and people on stage.
    by_role = report.by_role
    speaking = _merge(by_role.get(RoleKind.SPEAKER.value), by_role.get(RoleKind.KEYNOTE.value))
    role_rows = [
        (_("Speaking seats (speakers and keynotes)"), speaking),
        (_("Keynotes"), _merge(by_role.get(RoleKind.KEYNOTE.value))),
        (_("Moderators"), _merge(by_role.get(RoleKind.MODERATOR.value))),
        (_("People on stage (each once)"), report.people),
    ]
    speakers_summary = women_summary(speaking, _("speaking seats"))
    speakers_chart = stacked_chart(
        _("Gender of speakers, moderators and people on stage"),
        [(label, [tally.get(key) for key, _label in genders]) for label, tally in role_rows],
        gender_names, desc=speakers_summary, chart_id="chart-speakers",
    )

    # (b) Panels to look at.
    flagged_ids = set(report.all_male_panels) | set(report.single_sector_panels)
    flagged: list[FlaggedPanel] = []
    # Always one query (even when nothing is flagged), so the page's budget is fixed.
    sessions = db.session.scalars(
        select(AgendaSession).where(AgendaSession.id.in_(flagged_ids), AgendaSession.conference_id == conference.id)
        .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
    ).all()
    for session in sessions:
        balance = report.sessions[session.id]
        flagged.append(FlaggedPanel(session, balance.all_male, balance.single_sector))
    all_male = [f for f in flagged if f.all_male]
    single_sector = [f for f in flagged if f.single_sector]

    # (c) Sector mix of everyone on stage (every sector, zeros too).
    sector_rows = [(label, report.sectors.get(key)) for key, label in sectors]
    sector_summary = _largest(sector_rows, _("seats on stage"))
    sector_chart = bar_chart(_("Sector of everyone on stage (seats)"), sector_rows,
                             desc=sector_summary, chart_id="chart-sectors")

    # (d) By sub-theme.
    sub_themes = db.session.scalars(
        select(SubTheme).where(SubTheme.conference_id == conference.id).order_by(SubTheme.position, SubTheme.id)
    ).all()
    theme_rows = []
    for theme in sub_themes:
        groups = report.by_sub_theme.get(theme.id, {})
        theme_rows.append((f"{theme.code} · {theme.local('title')}", groups))
    if None in report.by_sub_theme:
        theme_rows.append((_("No sub-theme"), report.by_sub_theme[None]))
    theme_rows = [(label, _merge(groups.get("speaking")), _merge(groups.get(RoleKind.MODERATOR.value)))
                  for label, groups in theme_rows]
    themes_total = _merge(*(speaking_tally for _label, speaking_tally, _moderators in theme_rows))
    themes_summary = women_summary(themes_total, _("speaking seats"))
    themes_chart = stacked_chart(
        _("Gender of speakers by sub-theme"),
        [(label, [tally.get(key) for key, _label in genders]) for label, tally, _mod in theme_rows],
        gender_names, desc=themes_summary, chart_id="chart-themes",
    )

    # (e) Participation.
    by_gender = queries.participation(conference, Registration.gender)
    by_sector = queries.participation(conference, Registration.sector)
    by_province = queries.participation(conference, Registration.province)
    gender_rows = [(label, by_gender.registered.get(key)) for key, label in genders]
    participation_summary = _(
        "%(registered)d confirmed registrations, %(arrived)d checked in.",
        registered=by_gender.registered.total, arrived=by_gender.checked_in.total,
    ) + " " + women_summary(by_gender.registered, _("confirmed registrations"))
    participation_gender_chart = bar_chart(
        _("Confirmed registrations by gender"), gender_rows, desc=participation_summary,
        chart_id="chart-reg-gender",
    )
    reg_sector_rows = [(label, by_sector.registered.get(key)) for key, label in sectors]
    reg_sector_summary = _largest(reg_sector_rows, _("confirmed registrations"))
    participation_sector_chart = bar_chart(
        _("Confirmed registrations by sector"), reg_sector_rows, desc=reg_sector_summary,
        chart_id="chart-reg-sector",
    )
    provinces = sorted(by_province.registered.counts.items(), key=lambda item: (-item[1], item[0]))
    province_keys = [(key, key or _("Not stated")) for key, _count in provinces]
    top = [(label, by_province.registered.get(key)) for key, label in province_keys[:TOP_PROVINCES]]
    province_summary = _largest([(label, by_province.registered.get(key)) for key, label in province_keys],
                                _("confirmed registrations"))
    province_chart = bar_chart(
        _("Top provinces of confirmed registrations"), top, desc=province_summary, chart_id="chart-provinces",
    )

    # (f) Invitations by category.
    categories = queries.invitations_by_category(conference)

    return {
        "genders": genders, "sectors": sectors,
        "role_rows": role_rows, "speaking": speaking, "speakers_summary": speakers_summary,
        "speakers_chart": speakers_chart, "report": report,
        "all_male": all_male, "single_sector": single_sector, "panels": report.panels,
        "sector_tally": report.sectors, "sector_summary": sector_summary, "sector_chart": sector_chart,
        "theme_rows": theme_rows, "themes_summary": themes_summary, "themes_chart": themes_chart,
        "by_gender": by_gender, "by_sector": by_sector, "by_province": by_province,
        "province_keys": province_keys, "participation_summary": participation_summary,
        "participation_gender_chart": participation_gender_chart,
        "reg_sector_summary": reg_sector_summary, "participation_sector_chart": participation_sector_chart,
        "province_summary": province_summary, "province_chart": province_chart,
        "categories": categories, "fmt": str, "percent": percent,
    }


@bp.route("/manage/<slug>/insights")
@login_required
def dashboard(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    from .exports import TABLE_LABELS

    return render_template("insights/manage/dashboard.html", conference=conference, active="insights",
                           csv_tables=TABLE_LABELS, **_figures(conference))


@bp.route("/manage/<slug>/insights/report")
@login_required
def report(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    return render_template("insights/manage/report.html", conference=conference, active="insights",
                           **_figures(conference))
