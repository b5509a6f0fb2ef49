"""The organiser's agenda builder: one conference day as a grid of rooms by
time, with a Move form on every session (works without JavaScript) that
static/js/builder.js also uses for drag and drop.

Every view: login_required, then get_conference_or_404(slug, manage=True).
The builder page issues a bounded number of queries however many sessions
the conference has (load_builder_sessions loads what the blocks show in two)."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import Optional

from ..conferences.models import Conference, Room, Venue
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..i18n import format_clock, format_time_range, zone_label
from . import bp
from .conflicts import find_conflicts, load_sessions
from .models import AgendaSession
from .services import SPANNING_KINDS, StaleEdit, place_session, update_session

STEP = timedelta(minutes=15)
# The grid shows at least this much of every day, more when sessions need it.
DAY_STARTS = time(7, 0)
DAY_ENDS = time(18, 0)
ALL_ROOMS = "all"


# --- the grid ------------------------------------------------------------------


@dataclass
class Column:
    index: int  # CSS grid column (1 is the time axis)
    room: Room | None  # None: sessions that have no room yet
    label: str


@dataclass
class Block:
    """A scheduled session placed on the grid."""

    session: AgendaSession
    row: int  # CSS grid row (1 is the room headings)
    span: int
    col: int
    col_end: int  # -1 for a session that takes every room
    room_label: str
    lane: int = 0  # overlapping sessions in one column sit side by side
    lanes: int = 1
    starts: datetime = field(default=datetime.min, repr=False)
    ends: datetime = field(default=datetime.min, repr=False)


@dataclass
class HourLabel:
    row: int
    span: int
    label: str


@dataclass
class Board:
    day: date
    start: datetime  # local wall time of the first row
    rows: int
    columns: list[Column]
    blocks: list[Block]
    hours: list[HourLabel]
    hidden: int = 0  # sessions of the day in rooms the filter leaves out

    @property
    def start_clock(self) -> str:
        return f"{self.start:%H:%M}"

    @property
    def step_minutes(self) -> int:
        return int(STEP.total_seconds() // 60)


def conference_days(conference: Conference) -> list[date]:
    count = (conference.ends_on - conference.starts_on).days + 1
    return [conference.starts_on + timedelta(days=n) for n in range(count)]


def conference_rooms(conference: Conference) -> list[Room]:
    """Every room of the conference's venues, in room order."""
    return list(
        db.session.scalars(
            select(Room)
            .join(Venue, Room.venue_id == Venue.id)
            .where(Venue.conference_id == conference.id)
            .order_by(Room.position, Room.venue_id, Room.id)
        )
    )


def _floor(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def _ceil(moment: datetime) -> datetime:
    floored = _floor(moment)
    return floored if floored == moment else floored + STEP


def _local(instant: datetime, conference: Conference) -> datetime:
    """Wall-clock time in the conference's zone, without tzinfo (grid arithmetic)."""
    return instant.astimezone(conference.zone).replace(tzinfo=None)


def _assign_lanes(blocks: list[Block]) -> None:
    """Overlapping blocks in one column get lanes (greedy, by start); every
    block of an overlapping cluster knows how many lanes the cluster uses."""
    cluster: list[Block] = []
    lane_ends: list[datetime] = []
    cluster_end = datetime.min

    def close() -> None:
        for item in cluster:
            item.lanes = len(lane_ends)

    for block in sorted(blocks, key=lambda b: (b.starts, b.ends, b.session.id)):
        if cluster and block.starts >= cluster_end:
            close()
            cluster, lane_ends = [], []
        lane = next((n for n, end in enumerate(lane_ends) if end <= block.starts), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(block.ends)
        else:
            lane_ends[lane] = block.ends
        block.lane = lane
        cluster.append(block)
        cluster_end = max(cluster_end, block.ends) if len(cluster) > 1 else block.ends
    close()


def build_board(
    conference: Conference,
    sessions: list[AgendaSession],
    day: date,
    rooms: list[Room],
    filtered: bool,
) -> Board:
    """Place the day's scheduled sessions: rows are 15-minute slots in the
    conference's zone, columns are `rooms` (plus "no room" when some session
    has none and no filter is on); spanning sessions take every column."""
    todays = sorted(
        (s for s in sessions if s.starts_at is not None and s.ends_at is not None
         and _local(s.starts_at, conference).date() == day),
        key=lambda s: (s.starts_at, not s.spans_all_rooms, s.room.position if s.room else 0, s.id),
    )
    midnight = datetime.combine(day + timedelta(days=1), time(0))
    start = datetime.combine(day, DAY_STARTS)
    end = datetime.combine(day, DAY_ENDS)
    for s in todays:
        start = min(start, _floor(_local(s.starts_at, conference)))
        end = max(end, _ceil(min(_local(s.ends_at, conference), midnight)))
    end = min(end, midnight)
    rows = max(1, math.ceil((end - start) / STEP))

    columns = [Column(n + 2, room, room.name) for n, room in enumerate(rooms)]
    column_of = {column.room.id: column.index for column in columns if column.room}
    roomless = [s for s in todays if s.room is None and not s.spans_all_rooms]
    if (roomless and not filtered) or (not columns and todays):
        columns.append(Column(len(columns) + 2, None, _("No room")))
    no_room_col = columns[-1].index if columns and columns[-1].room is None else None

    blocks: list[Block] = []
    hidden = 0
    for s in todays:
        if s.spans_all_rooms:
            col, col_end, label = 2, -1, _("All rooms")
        elif s.room_id in column_of:
            col = column_of[s.room_id]
            col_end, label = col + 1, s.room.name
        elif s.room is None and no_room_col is not None:
            col, col_end, label = no_room_col, no_room_col + 1, _("No room")
        else:
            hidden += 1
            continue
        starts = _floor(_local(s.starts_at, conference))
        ends = max(min(_local(s.ends_at, conference), midnight), starts + STEP)
        row = 2 + int((starts - start) / STEP)
        span = max(1, min(math.ceil((ends - starts) / STEP), rows + 2 - row))
        blocks.append(Block(s, row, span, col, col_end, label, starts=starts, ends=ends))

    by_column: dict[Any, list[Block]] = defaultdict(list)
    for block in blocks:
        by_column["all" if block.col_end == -1 else block.col].append(block)
    for group in by_column.values():
        _assign_lanes(group)

    hours: list[HourLabel] = []
    for n in range(rows):
        moment = start + n * STEP
        if moment.minute == 0 or n == 0:
            if hours:
                hours[-1].span = n + 2 - hours[-1].row
            hours.append(HourLabel(n + 2, 1, format_clock(moment.replace(tzinfo=conference.zone),
                                                          conference.timezone)))
    if hours:
        hours[-1].span = rows + 2 - hours[-1].row
    return Board(day, start, rows, columns, blocks, hours, hidden)


# --- reading the request ----------------------------------------------------------


def _chosen_day(value: str | None, days: list[date]) -> date:
    try:
        chosen = date.fromisoformat(value or "")
    except ValueError:
        return days[0]
    return chosen if chosen in days else days[0]


def _chosen_room_ids(values: list[str], rooms: list[Room]) -> list[int]:
    """Room ids of this conference picked by ?room=, in room order."""
    wanted = {int(v) for v in values if v.isdigit()}
    return [room.id for room in rooms if room.id in wanted]


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _builder_url(conference: Conference, day: date | str | None, room_ids: list[int],
                 session_id: int | None = None) -> str:
    params: dict[str, Any] = {}
    if day:
        params["day"] = day.isoformat() if isinstance(day, date) else day
    if room_ids:
        params["room"] = room_ids
    if session_id is not None:
        params["_anchor"] = f"session-{session_id}"
    return url_for("agenda.builder", slug=conference.slug, **params)


def _session_or_404(conference: Conference, session_id: int) -> AgendaSession:
    session = db.session.get(AgendaSession, session_id)
    if session is None or session.conference_id != conference.id:
        abort(404)
    return session


# --- views -------------------------------------------------------------------------


@bp.get("/manage/<slug>/builder")
@login_required
def builder(slug: str):
    conference = get_conference_or_404(slug, manage=True)
    days = conference_days(conference)
    day = _chosen_day(request.args.get("day"), days)
    rooms = conference_rooms(conference)
    chosen = _chosen_room_ids(request.args.getlist("room"), rooms)
    sessions = load_sessions(conference)
    report = find_conflicts(conference, sessions)
    shown = [room for room in rooms if room.id in chosen] if chosen else rooms
    board = build_board(conference, sessions, day, shown, filtered=bool(chosen))
    unscheduled = sorted((s for s in sessions if s.starts_at is None), key=lambda s: s.id)
    return render_template(
        "agenda/manage/builder.html",
        conference=conference,
        active="builder",
        days=days,
        day=day,
        rooms=rooms,
        chosen=chosen,
        board=board,
        unscheduled=unscheduled,
        conflicted=report.session_ids_with_open_conflicts(),
        spanning_kinds=SPANNING_KINDS,
        sub_themes=conference.sub_themes,
        zone=zone_label(conference.timezone),
        local_day=lambda s: _local(s.starts_at, conference).date() if s.starts_at else day,
        local_start=lambda s: f"{_local(s.starts_at, conference):%H:%M}" if s.starts_at else "09:00",
        move_url=lambda s: url_for("agenda.builder_move", slug=conference.slug, session_id=s.id,
                                   day=day.isoformat(), room=chosen),
        span_url=lambda s: url_for("agenda.builder_span", slug=conference.slug, session_id=s.id,
                                   day=day.isoformat(), room=chosen),
    )


class MoveForm(FlaskForm):
    """Shape only: which room ("all" or an id), which day, what start time."""

    room = StringField()
    day = DateField(format="%Y-%m-%d")
    start = TimeField(format=["%H:%M", "%H:%M:%S", "%H.%M"])
    version = IntegerField(validators=[Optional()])


class SpanForm(FlaskForm):
    value = StringField()
    version = IntegerField(validators=[Optional()])


def _session_json(conference: Conference, session: AgendaSession) -> dict[str, Any]:
    scheduled = session.starts_at is not None and session.ends_at is not None
    return {
        "id": session.id,
        "version": session.version,
        "title": session.local("title"),
        "room_id": session.room_id,
        "spans_all_rooms": session.spans_all_rooms,
        "starts_at": session.starts_at.astimezone(conference.zone).isoformat() if scheduled else None,
        "ends_at": session.ends_at.astimezone(conference.zone).isoformat() if scheduled else None,
        "day": _local(session.starts_at, conference).date().isoformat() if scheduled else None,
        "start": f"{_local(session.starts_at, conference):%H:%M}" if scheduled else None,
    }


def _refused(conference: Conference, session_id: int, message: str, status: int):
    """A refused change: JSON for the script, otherwise back to the builder with the message."""
    if _wants_json():
        return jsonify(ok=False, error=message), status
    flash(message, "error")
    back = _builder_url(conference, request.args.get("day"),
                        [int(v) for v in request.args.getlist("room") if v.isdigit()], session_id)
    return redirect(back, 303)


def _done(conference: Conference, session: AgendaSession, message: str, day: date | str | None):
    flash(message, "success")
    if _wants_json():
        return jsonify(ok=True, session=_session_json(conference, session)), 200
    rooms = [int(v) for v in request.args.getlist("room") if v.isdigit()]
    return redirect(_builder_url(conference, day, rooms, session.id), 303)


@bp.post("/manage/<slug>/builder/sessions/<int:session_id>/move")
@login_required
def builder_move(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    form = MoveForm()
    if not form.validate() or form.day.data is None or form.start.data is None:
        return _refused(conference, session.id, _("Choose a room, a day and a start time."), 422)
    choice = (form.room.data or "").strip()
    if choice == ALL_ROOMS:
        room, spans = session.room, True
    else:
        room = db.session.get(Room, int(choice)) if choice.isdigit() else None
        if room is None or room.venue.conference_id != conference.id:
            return _refused(conference, session.id, _("Choose a room of this conference."), 422)
        spans = False
    starts_at = datetime.combine(form.day.data, form.start.data, tzinfo=conference.zone)
    try:
        place_session(session, room=room, spans_all_rooms=spans, starts_at=starts_at,
                      expected_version=form.version.data, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return _refused(conference, session_id, error.message,
                        409 if isinstance(error, StaleEdit) else 422)
    db.session.commit()
    where = _("all rooms") if session.spans_all_rooms else (session.room.name if session.room else "")
    message = _("Moved “%(title)s” to %(when)s, %(where)s.", title=session.local("title"),
                when=format_time_range(session.starts_at, session.ends_at, conference.timezone),
                where=where)
    return _done(conference, session, message, _local(session.starts_at, conference).date())


@bp.post("/manage/<slug>/builder/sessions/<int:session_id>/span")
@login_required
def builder_span(slug: str, session_id: int):
    conference = get_conference_or_404(slug, manage=True)
    session = _session_or_404(conference, session_id)
    form = SpanForm()
    if not form.validate() or form.value.data not in ("on", "off"):
        return _refused(conference, session.id, _("Choose whether the session takes every room."), 422)
    spans = form.value.data == "on"
    if spans and session.kind not in SPANNING_KINDS:
        return _refused(
            conference, session.id,
            _("Only an opening, plenary, break or closing can span all rooms."), 422,
        )
    try:
        update_session(session, expected_version=form.version.data, actor=current_user,
                       spans_all_rooms=spans)
    except DomainError as error:
        db.session.rollback()
        return _refused(conference, session_id, error.message,
                        409 if isinstance(error, StaleEdit) else 422)
    db.session.commit()
    message = (_("“%(title)s” now takes every room.", title=session.local("title")) if spans
               else _("“%(title)s” now takes one room.", title=session.local("title")))
    return _done(conference, session, message, request.args.get("day"))
