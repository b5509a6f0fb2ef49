"""Reading registrations for the organisers' pages: counts, the filtered list,
waiting positions, the CSV export. Reads only.

Counts come from one GROUP BY and waiting positions from one ordered query, so
the list issues the same number of queries for 3 registrations or 3,000.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..agenda.models import AgendaSession, SessionKind
from ..conferences.models import Conference
from ..csv_export import encode, safe_writer
from ..extensions import db
from ..i18n import format_datetime_local
from ..pagination import like_pattern
from ..people.models import Sector
from .models import NEEDS, Registration, RegistrationQuestion, RegistrationStatus, SessionChoice
from .services import normalise_ticket_code

NEED_OTHER = "other"
NEED_COLUMNS = tuple(column for column, _label in NEEDS)
YES, NO = "yes", "no"


# --- counts --------------------------------------------------------------------------------


@dataclass
class Counts:
    by_status: dict[RegistrationStatus, int] = field(default_factory=lambda: dict.fromkeys(RegistrationStatus, 0))
    checked_in: int = 0

    def __getitem__(self, status: RegistrationStatus | str) -> int:
        return self.by_status[RegistrationStatus(status)]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def status_counts(conference: Conference) -> Counts:
    """Registrations by status, and how many have checked in: one query."""
    arrived = func.sum(case((Registration.checked_in_at.is_not(None), 1), else_=0))
    counts = Counts()
    for status, number, checked_in in db.session.execute(
        select(Registration.status, func.count(Registration.id), arrived)
        .where(Registration.conference_id == conference.id).group_by(Registration.status)
    ):
        counts.by_status[status] += number
        counts.checked_in += checked_in or 0
    return counts


# --- the list --------------------------------------------------------------------------------

SORTS = {
    "name": func.lower(Registration.full_name),
    "organisation": func.lower(Registration.organisation),
    "status": Registration.status,
    "registered": Registration.created_at,
    "checked_in": Registration.checked_in_at,
}


@dataclass
class Filters:
    """The list's filters, from the query string; unknown values are ignored."""

    status: RegistrationStatus | None = None
    session: int | None = None
    sector: Sector | None = None
    need: str | None = None  # a NEEDS column or NEED_OTHER
    checked_in: str | None = None  # YES / NO
    term: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        status, sector = args.get("status", ""), args.get("sector", "")
        session, need, checked_in = args.get("session", ""), args.get("need", ""), args.get("checked_in", "")
        return cls(
            status=RegistrationStatus(status) if status in {s.value for s in RegistrationStatus} else None,
            session=int(session) if session.isdigit() else None,
            sector=Sector(sector) if sector in {s.value for s in Sector} else None,
            need=need if need in (*NEED_COLUMNS, NEED_OTHER) else None,
            checked_in=checked_in if checked_in in (YES, NO) else None,
            term=args.get("q", "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return any((self.status, self.session, self.sector, self.need, self.checked_in, self.term))

    def args(self) -> dict[str, str]:
        values = {"status": self.status.value if self.status else "", "session": str(self.session or ""),
                  "sector": self.sector.value if self.sector else "", "need": self.need or "",
                  "checked_in": self.checked_in or "", "q": self.term}
        return {key: value for key, value in values.items() if value}


def registration_query(conference: Conference, filters: Filters, order=None) -> Select:
    """The conference's registrations matching `filters`, their choices and sessions loaded."""
    query = (
        select(Registration).where(Registration.conference_id == conference.id)
        .options(selectinload(Registration.choices).selectinload(SessionChoice.session))
    )
    if filters.status is not None:
        query = query.where(Registration.status == filters.status)
    if filters.session is not None:
        query = query.where(exists().where(SessionChoice.registration_id == Registration.id,
                                           SessionChoice.session_id == filters.session))
    if filters.sector is not None:
        query = query.where(Registration.sector == filters.sector)
    if filters.need == NEED_OTHER:
        query = query.where(Registration.needs_other != "")
    elif filters.need:
        query = query.where(getattr(Registration, filters.need).is_(True))
    if filters.checked_in == YES:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif filters.checked_in == NO:
        query = query.where(Registration.checked_in_at.is_(None))
    if filters.term:
        pattern = like_pattern(filters.term)
        matches = [func.lower(column).like(pattern, escape="\\")
                   for column in (Registration.full_name, Registration.email, Registration.organisation)]
        code = normalise_ticket_code(filters.term)
        if len(code) >= 4:
            matches.append(Registration.ticket_code.like(like_pattern(code).upper(), escape="\\"))
        query = query.where(or_(*matches))
    if order is not None:
        query = query.order_by(order.nulls_last())
    return query.order_by(func.lower(Registration.full_name), Registration.id)


def waiting_positions(conference: Conference) -> dict[int, int]:
    """{registration id: place on the conference's waiting list}, in one query."""
    ids = db.session.scalars(
        select(Registration.id).where(Registration.conference_id == conference.id,
                                      Registration.status == RegistrationStatus.WAITING)
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    return {registration_id: place for place, registration_id in enumerate(ids, start=1)}


def parallel_sessions(conference: Conference) -> list[AgendaSession]:
    """The sessions attendees can choose (scheduled parallel sessions), in time order."""
    return list(db.session.scalars(
        select(AgendaSession).where(AgendaSession.conference_id == conference.id,
                                    AgendaSession.kind == SessionKind.PARALLEL,
                                    AgendaSession.starts_at.is_not(None))
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ))


def questions_by_id(conference: Conference) -> dict[str, RegistrationQuestion]:
    questions = db.session.scalars(
        select(RegistrationQuestion).where(RegistrationQuestion.conference_id == conference.id)
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    )
    return {str(question.id): question for question in questions}


def answer_text(value: Any) -> str:
    """An answer as text: choices joined, yes/no spelt out."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


# --- CSV ---------------------------------------------------------------------------------------


def _local(instant: datetime | None, conference: Conference) -> str:
    return instant.astimezone(conference.zone).strftime("%Y-%m-%d %H:%M") if instant else ""


def registrations_csv(conference: Conference, registrations: Iterable[Registration]) -> bytes:
    """One row per registration: one column per need, per time slot with parallel
    sessions (the chosen session, marked when waiting) and per question. Times in
    the conference's zone; UTF-8 with a BOM for Excel; cells that could run as
    formulas are neutralised."""
    slots = sorted({session.starts_at for session in parallel_sessions(conference)})
    questions = questions_by_id(conference)
    positions = waiting_positions(conference)
    out = io.StringIO()
    writer = safe_writer(out)  # no cell can run as a formula (see csv_export)
    writer.writerow([
        "id", "name", "email", "honorific", "position", "organisation", "sector", "gender", "language",
        "phone", "province", "regency", "status", "waiting_position", "source", "reserved_seat",
        *NEED_COLUMNS, "need_other", "dietary", "public_listing", "consented_at", "registered_at",
        "checked_in_at",
        *(f"session {_local(slot, conference)}" for slot in slots),
        *(f"question {question.local('label')}" for question in questions.values()),
    ])
    for r in registrations:
        by_slot = {choice.slot_starts_at: choice for choice in r.choices}
        chosen = []
        for slot in slots:
            choice = by_slot.get(slot)
            if choice is None:
                chosen.append("")
            else:
                title = choice.session.local("title")
                chosen.append(title if choice.status.value == "confirmed" else f"{title} ({_('waiting list')})")
        row = [
            str(r.id), r.full_name, r.email, r.honorific, r.position, r.organisation, r.sector.value,
            r.gender.value, r.language, r.phone, r.province, r.regency, r.status.value,
            str(positions.get(r.id, "")), r.source.value, YES if r.reserved_seat else NO,
            *(YES if getattr(r, column) else NO for column in NEED_COLUMNS), r.needs_other, r.dietary,
            YES if r.public_listing else NO, _local(r.consented_at, conference), _local(r.created_at, conference),
            _local(r.checked_in_at, conference), *chosen,
            *(answer_text((r.answers or {}).get(key)) for key in questions),
        ]
        writer.writerow(row)
    return encode(out)


def slot_label(starts_at: datetime, conference: Conference) -> str:
    return format_datetime_local(starts_at, conference.timezone)
