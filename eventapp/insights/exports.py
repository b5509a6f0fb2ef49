"""The insight tables as CSV files for the organisers' own reports.

Exports leave the app (mailed, pasted into slides), so every count in them is
suppressed like on the public page: 1–4 becomes "<5". UTF-8 with a BOM so
Excel reads the accents; cells that could run as formulas are neutralised.
Each table is a fixed, small number of GROUP BY queries whatever the size of
the conference.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Response, abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from ..agenda.models import ROLE_LABELS, AgendaSession, RoleKind
from ..conferences.models import Conference, SubTheme
from ..conferences.services import get_conference_or_404
from ..csv_export import csv_bytes
from ..extensions import db
from ..i18n import current_language
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Sector
from ..registration.models import NEEDS, Registration
from . import bp
from .queries import (
    NEED_KEYS,
    Tally,
    invitations_by_category,
    needs_by_session,
    participation,
    speaker_report,
    suppressed,
)

Rows = Iterable[list[str]]
GENDERS = list(Gender)


def _gender_headers() -> list[str]:
    return [str(GENDER_LABELS[g]) for g in GENDERS]


def _gender_counts(tally: Tally) -> list[str]:
    return [suppressed(tally.get(g.value)) for g in GENDERS]


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _sessions(conference: Conference) -> list[tuple[int, str, str, str]]:
    """(id, Indonesian title, English title, local start) of every session; one query."""
    rows = db.session.execute(
        select(AgendaSession.id, AgendaSession.title_id, AgendaSession.title_en, AgendaSession.starts_at)
        .where(AgendaSession.conference_id == conference.id)
        .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
    )
    return [(sid, title_id, title_en,
             starts.astimezone(conference.zone).strftime("%Y-%m-%d %H:%M") if starts else "")
            for sid, title_id, title_en, starts in rows]


def _title(title_id: str, title_en: str) -> str:
    if current_language() == "en":
        return title_en or title_id
    return title_id or title_en


# --- the tables -------------------------------------------------------------------------


def speakers_by_role(conference: Conference) -> Rows:
    report = speaker_report(conference)
    yield [_("Role"), _("Seats"), *_gender_headers()]
    for kind in RoleKind:
        tally = report.by_role.get(kind.value, Tally())
        yield [str(ROLE_LABELS[kind]), suppressed(tally.total), *_gender_counts(tally)]
    yield [_("People (each once)"), suppressed(report.people.total), *_gender_counts(report.people)]


def sector_mix(conference: Conference) -> Rows:
    report = speaker_report(conference)
    yield [_("Sector"), _("Seats")]
    for sector in Sector:
        yield [str(SECTOR_LABELS[sector]), suppressed(report.sectors.get(sector.value))]


def sub_themes(conference: Conference) -> Rows:
    report = speaker_report(conference)
    themes = db.session.scalars(
        select(SubTheme).where(SubTheme.conference_id == conference.id).order_by(SubTheme.position, SubTheme.id)
    ).all()
    groups = [("speaking", _("Speaking")), (RoleKind.MODERATOR.value, str(ROLE_LABELS[RoleKind.MODERATOR])),
              (RoleKind.RAPPORTEUR.value, str(ROLE_LABELS[RoleKind.RAPPORTEUR])), ("all", _("Everyone"))]
    yield [_("Sub-theme code"), _("Sub-theme"), _("Group"), _("Seats"), *_gender_headers()]
    keys: list[tuple[str, str, int | None]] = [(t.code, t.local("title"), t.id) for t in themes]
    keys.append(("", _("No sub-theme"), None))
    for code, title, theme_id in keys:
        by_group = report.by_sub_theme.get(theme_id, {})
        if theme_id is None and not by_group:
            continue
        for key, label in groups:
            tally = by_group.get(key, Tally())
            yield [code, title, label, suppressed(tally.total), *_gender_counts(tally)]


def sessions(conference: Conference) -> Rows:
    report = speaker_report(conference)
    yield [_("Session"), _("Start"), _("Speakers: women"), _("Speakers: men"),
           _("Speakers: another gender"), _("Speakers: not stated"), _("Sectors"),
           _("No woman speaking"), _("One sector only")]
    for sid, title_id, title_en, starts in _sessions(conference):
        balance = report.sessions.get(sid)
        speakers = balance.speakers if balance else Tally()
        sectors = len([c for c in balance.sectors.counts.values() if c]) if balance else 0
        yield [_title(title_id, title_en), starts,
               *(suppressed(speakers.get(g.value)) for g in (Gender.WOMAN, Gender.MAN, Gender.ANOTHER,
                                                             Gender.NOT_STATED)),
               suppressed(sectors), _yes_no(bool(balance and balance.all_male)),
               _yes_no(bool(balance and balance.single_sector))]


def _participation(column, labels: dict | None, heading) -> Callable[[Conference], Rows]:
    def table(conference: Conference) -> Rows:
        result = participation(conference, column)
        yield [str(heading), _("Registered"), _("Checked in")]
        if labels is not None:
            keys = [(key.value, str(label)) for key, label in labels.items()]
        else:
            keys = [(key, key or _("Not stated")) for key in sorted(result.registered.counts)]
        for key, label in keys:
            yield [label, suppressed(result.registered.get(key)), suppressed(result.checked_in.get(key))]
        yield [_("Total"), suppressed(result.registered.total), suppressed(result.checked_in.total)]

    return table


def invitations(conference: Conference) -> Rows:
    yield [_("Category"), _("Quota"), _("Invited"), _("Accepted"), _("Declined"), _("Attended")]
    for row in invitations_by_category(conference):
        yield [row.name or _("No category"), "" if row.quota is None else str(row.quota),
               suppressed(row.invited), suppressed(row.accepted), suppressed(row.declined),
               suppressed(row.attended)]


def accessibility_sessions(conference: Conference) -> Rows:
    needs = needs_by_session(conference)
    yield [_("Session"), _("Start"), _("Confirmed attendees"), *(str(label) for _c, label in NEEDS),
           _("Other needs")]
    for sid, title_id, title_en, starts in _sessions(conference):
        if sid not in needs:
            continue
        counts = needs[sid]
        yield [_title(title_id, title_en), starts, suppressed(counts["total"]),
               *(suppressed(counts[key]) for key in NEED_KEYS)]


TABLES: dict[str, Callable[[Conference], Rows]] = {
    "speakers-by-role": speakers_by_role,
    "sector-mix": sector_mix,
    "sub-themes": sub_themes,
    "sessions": sessions,
    "participation-gender": _participation(Registration.gender, GENDER_LABELS, _l("Gender")),
    "participation-sector": _participation(Registration.sector, SECTOR_LABELS, _l("Sector")),
    "participation-province": _participation(Registration.province, None, _l("Province")),
    "invitations": invitations,
    "accessibility-sessions": accessibility_sessions,
}


# The dashboard's download list: (table, label).
TABLE_LABELS = [
    ("speakers-by-role", _l("Speakers by role and gender")),
    ("sector-mix", _l("Sector mix")),
    ("sub-themes", _l("By sub-theme")),
    ("sessions", _l("Sessions: balance and flags")),
    ("participation-gender", _l("Participation by gender")),
    ("participation-sector", _l("Participation by sector")),
    ("participation-province", _l("Participation by province")),
    ("invitations", _l("Invitations by category")),
    ("accessibility-sessions", _l("Accessibility needs by session")),
]


def to_csv(rows: Rows) -> bytes:
    return csv_bytes(rows)  # no cell can run as a formula (see csv_export)


@bp.get("/manage/<slug>/insights/<table>.csv")
@login_required
def export_csv(slug: str, table: str):
    conference = get_conference_or_404(slug, manage=True)
    build = TABLES.get(table)
    if build is None:
        abort(404)
    response = Response(to_csv(build(conference)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment", filename=f"{conference.slug}-{table}.csv")
    response.headers["Cache-Control"] = "private, no-store"
    return response
