"""The public agenda: one day as a grid of rooms by time, "now and next", the
session, speaker and sub-theme pages.

Everything comes from the latest published release (never the live rows), so a
draft session or person cannot appear here. Each page reads one snapshot row,
so the number of queries does not grow with the agenda."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404, group_agenda
from ..http_cache import conditional
from ..page_cache import cached_page
from ..i18n import current_language, format_clock, zone_label
from ..people.models import SECTOR_LABELS, Sector
from . import bp
from .models import SESSION_KIND_LABELS, RoleKind, SessionKind
from .releases import (
    PublicAgenda,
    PublicPerson,
    PublicRoom,
    PublicSession,
    latest_release,
    public_agenda,
)

STEP = timedelta(minutes=15)
NEXT_LIMIT = 6


def clock() -> datetime:
    """The current instant (tests replace it, or pass ?now= when app.testing)."""
    if current_app.testing and request.args.get("now"):
        try:
            moment = datetime.fromisoformat(request.args["now"])
        except ValueError:
            abort(400)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _load(slug: str) -> tuple[Conference, object]:
    conference = get_conference_or_404(slug)
    return conference, latest_release(conference)


def _local_day(session: PublicSession, conference: Conference) -> date:
    return session.starts_at.astimezone(conference.zone).date()


def _people_sorted(people: list[PublicPerson]) -> list[PublicPerson]:
    return sorted(people, key=lambda p: (p.full_name.casefold(), p.id))


# --- filters ----------------------------------------------------------------------


@dataclass
class Filters:
    theme: str = ""
    room: int | None = None
    kind: str = ""
    person: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.theme or self.room or self.kind or self.person or self.q)

    def args(self) -> dict[str, object]:
        return {k: v for k, v in (("theme", self.theme), ("room", self.room), ("kind", self.kind),
                                  ("person", self.person), ("q", self.q)) if v}


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() else None


def read_filters() -> Filters:
    return Filters(
        theme=request.args.get("theme", "").strip(),
        room=_int_arg("room"),
        kind=request.args.get("kind", "").strip(),
        person=_int_arg("person"),
        q=request.args.get("q", "").strip()[:200],
    )


def matches(session: PublicSession, filters: Filters) -> bool:
    """Does the session pass the visitor's filters? Text search looks at titles
    and abstracts in both languages and at people's names, ignoring case."""
    if filters.theme and (session.sub_theme is None or session.sub_theme.code != filters.theme):
        return False
    if filters.room and not session.spans_all_rooms and (session.room is None or session.room.id != filters.room):
        return False
    if filters.kind and session.kind.value != filters.kind:
        return False
    if filters.person and all(r.person.id != filters.person for r in session.roles):
        return False
    if filters.q:
        needle = filters.q.casefold()
        haystack = [session.title_id, session.title_en, session.abstract_id, session.abstract_en]
        haystack += [r.person.display_name for r in session.roles]
        if not any(needle in text.casefold() for text in haystack if text):
            return False
    return True


# --- the day grid -------------------------------------------------------------------


@dataclass
class GridColumn:
    index: int  # CSS grid column; 1 is the time axis
    room: PublicRoom | None
    label: str


@dataclass
class Placement:
    row: int
    span: int
    col: int
    col_end: int | str  # -1 when the session takes every room
    lane: int = 0
    lanes: int = 1

    @property
    def style(self) -> str:
        return (f"--row: {self.row}; --span: {self.span}; --col: {self.col}; "
                f"--col-end: {self.col_end}; --lane: {self.lane}; --lanes: {self.lanes}")


@dataclass
class HourMark:
    row: int
    span: int
    label: str


@dataclass
class DayGrid:
    columns: list[GridColumn]
    rows: int
    hours: list[HourMark]
    places: dict[int, Placement] = field(default_factory=dict)


def _floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def build_grid(sessions: list[PublicSession], rooms: list[PublicRoom], conference: Conference) -> DayGrid:
    """Place the day's sessions: one column per room, rows of 15 minutes;
    sessions for every room span all columns."""
    columns = [GridColumn(i + 2, room, room.name) for i, room in enumerate(rooms)]
    if any(s.room is None and not s.spans_all_rooms for s in sessions) or not columns:
        columns.append(GridColumn(len(columns) + 2, None, _("Other")))
    if not sessions:
        return DayGrid(columns, 0, [])
    by_room = {c.room.id: c for c in columns if c.room is not None}
    fallback = columns[-1]
    zone = conference.zone
    first = _floor(min(s.starts_at for s in sessions).astimezone(zone).replace(tzinfo=None))
    last = max(s.ends_at for s in sessions).astimezone(zone).replace(tzinfo=None)

    def row_of(moment: datetime) -> int:
        local = moment.astimezone(zone).replace(tzinfo=None)
        return int((local - first) // STEP) + 2

    rows = max(1, -(-int((last - first).total_seconds()) // int(STEP.total_seconds())))
    places: dict[int, Placement] = {}
    lanes: dict[int, list[tuple[datetime, Placement]]] = {}
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        row = row_of(s.starts_at)
        span = max(1, row_of(s.ends_at) - row + (1 if s.ends_at.astimezone(zone).minute % 15 else 0))
        if s.spans_all_rooms:
            place = Placement(row, span, 2, -1)
        else:
            column = by_room.get(s.room.id) if s.room else None
            column = column or fallback
            place = Placement(row, span, column.index, "span 1")
            # Overlapping sessions in one room sit side by side.
            busy = lanes.setdefault(column.index, [])
            overlapping = [p for end, p in busy if end > s.starts_at]
            taken = {p.lane for p in overlapping}
            place.lane = next(n for n in range(len(taken) + 1) if n not in taken)
            busy.append((s.ends_at, place))
            group = overlapping + [place]
            width = max(p.lane for p in group) + 1
            for p in group:
                p.lanes = max(p.lanes, width)
        places[s.id] = place
    hours = []
    mark = first.replace(minute=0)
    while mark < first + rows * STEP:
        start_row = max(2, int((mark - first) // STEP) + 2)
        end_row = min(rows + 2, int((mark + timedelta(hours=1) - first) // STEP) + 2)
        if end_row > start_row:
            sep = "." if current_language() == "id" else ":"
            hours.append(HourMark(start_row, end_row - start_row, f"{mark:%H}{sep}{mark:%M}"))
        mark += timedelta(hours=1)
    return DayGrid(columns, rows, hours, places)


def _choose_day(days: list[date], conference: Conference) -> date | None:
    wanted = request.args.get("day", "")
    try:
        chosen = date.fromisoformat(wanted) if wanted else None
    except ValueError:
        chosen = None
    if chosen in days:
        return chosen
    today = clock().astimezone(conference.zone).date()
    if today in days:
        return today
    return days[0] if days else None


@bp.get("/c/<slug>/agenda")
def public_day(slug: str):
    """One conference day as a grid of rooms by time, filterable without JavaScript."""
    conference, release = _load(slug)

    def build():
        agenda = public_agenda(release)
        days = sorted({_local_day(s, conference) for s in agenda.sessions})
        day = _choose_day(days, conference)
        filters = read_filters()
        todays = [s for s in agenda.sessions if day and _local_day(s, conference) == day]
        shown = [s for s in todays if matches(s, filters)]
        rooms = [r for r in agenda.rooms if not filters.room or r.id == filters.room]
        grid = build_grid(shown, rooms, conference)
        slots = group_agenda(shown, conference.zone)
        people = _people_sorted(agenda.people)
        kinds = [(k.value, str(SESSION_KIND_LABELS[k])) for k in SessionKind
                 if any(s.kind == k for s in agenda.sessions)]
        return render_template(
            "agenda/public/day.html", conference=conference, agenda=agenda, days=days, day=day,
            filters=filters, grid=grid, slots=slots[0].slots if slots else [], shown=shown,
            total=len(todays), people=people, kinds=kinds, zone=zone_label(conference.timezone),
        )

    # Without ?day the page shows today's programme when the conference is on.
    today = clock().astimezone(conference.zone).date().isoformat()
    return conditional(conference, release,
                       lambda: cached_page(conference, release, "agenda.day", build, today), today)


# --- now and next -------------------------------------------------------------------


def now_and_next(agenda: PublicAgenda, moment: datetime) -> tuple[list[PublicSession], list[PublicSession]]:
    """Sessions running at `moment`, and the next session to start in each room
    (at most NEXT_LIMIT), soonest first."""
    running = [s for s in agenda.sessions if s.starts_at <= moment < s.ends_at]
    upcoming = sorted((s for s in agenda.sessions if s.starts_at > moment),
                      key=lambda s: (s.starts_at, s.room.position if s.room else -1, s.id))
    seen: set[object] = set()
    following: list[PublicSession] = []
    for s in upcoming:
        if s.spans_all_rooms:
            # A session for every room is next everywhere, unless rooms have
            # something before it; either way nothing after it is "next".
            if not following:
                following.append(s)
            break
        key = s.room.id if s.room else None
        if key not in seen:
            seen.add(key)
            following.append(s)
    return running, following[:NEXT_LIMIT]


@bp.get("/c/<slug>/now")
def public_now(slug: str):
    """What is on now and what comes next, in the conference's zone."""
    conference, release = _load(slug)
    moment = clock()

    def build():
        agenda = public_agenda(release)
        running, following = now_and_next(agenda, moment)
        first = min((s.starts_at for s in agenda.sessions), default=None)
        last = max((s.ends_at for s in agenda.sessions), default=None)
        return render_template(
            "agenda/public/now.html", conference=conference, agenda=agenda, moment=moment,
            running=running, following=following,
            not_started=first is not None and moment < first, first=first,
            over=last is not None and moment >= last,
            clock_text=format_clock(moment, conference.timezone),
            zone=zone_label(conference.timezone, moment),
        )

    # The page changes with the clock: one validator per minute.
    minute = moment.replace(second=0, microsecond=0).isoformat()
    return conditional(conference, release,
                       lambda: cached_page(conference, release, "agenda.now", build, minute), minute)


# --- one session --------------------------------------------------------------------


def _find(items: list, wanted: int):
    for item in items:
        if item.id == wanted:
            return item
    abort(404)


def json_ld(data: dict) -> Markup:
    """JSON for a <script> element: '</' cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("</", "<\\/").replace("<!--", "\\u003c!--"))


def event_data(session: PublicSession, conference: Conference, url: str) -> dict:
    """schema.org Event describing the session (for search engines and share previews)."""
    zone = conference.zone
    venue = conference.venues[0] if conference.venues else None
    place_name = session.room.name if session.room and not session.spans_all_rooms else ""
    if venue is not None:
        place_name = f"{place_name}, {venue.name}" if place_name else venue.name
    address = ", ".join(p for p in ((venue.address, venue.city) if venue else ()) if p)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.local("title"),
        "startDate": session.starts_at.astimezone(zone).isoformat(),
        "endDate": session.ends_at.astimezone(zone).isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": {"@type": "Place", "name": place_name or conference.local("title"),
                     "address": address or place_name or conference.local("title")},
        "performer": [{"@type": "Person", "name": p.display_name} for p in session.speakers + session.moderators],
        "organizer": {"@type": "Organization", "name": conference.organisers or conference.local("title")},
        "inLanguage": current_language(),
        "url": url,
        "superEvent": {"@type": "Event", "name": conference.local("title")},
    }
    if session.local("abstract"):
        data["description"] = session.local("abstract")
    return data


@bp.get("/c/<slug>/sessions/<int:session_id>")
def public_session(slug: str, session_id: int):
    """A published session: time, room, people, calendar link and share tags."""
    conference, release = _load(slug)

    def build():
        session = _find(public_agenda(release).sessions, session_id)
        url = request.base_url
        return render_template(
            "agenda/public/session.html", conference=conference, session=session,
            rapporteurs=session.people_in(RoleKind.RAPPORTEUR), page_url=url,
            json_ld=json_ld(event_data(session, conference, url)),
        )

    return conditional(conference, release, lambda: cached_page(conference, release, "agenda.session", build))


# --- speakers ---------------------------------------------------------------------


@bp.get("/c/<slug>/speakers")
def public_people(slug: str):
    """Everyone with a role in the published agenda, filterable by sector and organisation."""
    conference, release = _load(slug)

    def build():
        agenda = public_agenda(release)
        counts: dict[int, int] = {}
        for s in agenda.sessions:
            for person_id in {r.person.id for r in s.roles}:
                counts[person_id] = counts.get(person_id, 0) + 1
        sector = request.args.get("sector", "").strip()
        organisation = request.args.get("organisation", "").strip()
        people = _people_sorted(agenda.people)
        sectors = [s for s in Sector if any(p.sector == s for p in people)]
        organisations = sorted({p.organisation for p in people if p.organisation}, key=str.casefold)
        shown = [p for p in people
                 if (not sector or p.sector.value == sector)
                 and (not organisation or p.organisation == organisation)]
        return render_template(
            "agenda/public/people.html", conference=conference, people=shown, total=len(people),
            counts=counts, sectors=sectors, sector_labels=SECTOR_LABELS, organisations=organisations,
            sector=sector, organisation=organisation,
        )

    return conditional(conference, release, lambda: cached_page(conference, release, "agenda.people", build))


@bp.get("/c/<slug>/speakers/<int:person_id>")
def public_person(slug: str, person_id: int):
    conference, release = _load(slug)

    def build():
        agenda = public_agenda(release)
        person = _find(agenda.people, person_id)
        appearances = [(s, [r.role_label for r in s.roles if r.person.id == person.id])
                       for s in agenda.sessions if any(r.person.id == person.id for r in s.roles)]
        return render_template("agenda/public/person.html", conference=conference, person=person,
                               appearances=appearances)

    return conditional(conference, release, lambda: cached_page(conference, release, "agenda.person", build))


# --- sub-themes ----------------------------------------------------------------------


@bp.get("/c/<slug>/sub-themes")
def public_sub_themes(slug: str):
    conference, release = _load(slug)

    def build():
        agenda = public_agenda(release)
        counts = {t.id: sum(1 for s in agenda.sessions if s.sub_theme and s.sub_theme.id == t.id)
                  for t in agenda.sub_themes}
        return render_template("agenda/public/sub_themes.html", conference=conference,
                               sub_themes=agenda.sub_themes, counts=counts)

    return conditional(conference, release, lambda: cached_page(conference, release, "agenda.sub_themes", build))


@bp.get("/c/<slug>/sub-themes/<code>")
def public_sub_theme(slug: str, code: str):
    conference, release = _load(slug)

    def build():
        agenda = public_agenda(release)
        theme = next((t for t in agenda.sub_themes if t.code == code), None)
        if theme is None:
            abort(404)
        sessions = [s for s in agenda.sessions if s.sub_theme and s.sub_theme.id == theme.id]
        return render_template("agenda/public/sub_theme.html", conference=conference, theme=theme,
                               days=group_agenda(sessions, conference.zone))

    return conditional(conference, release, lambda: cached_page(conference, release, "agenda.sub_theme", build))
