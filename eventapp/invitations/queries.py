"""Reading invitations for the organisers' pages: counts by state and category,
the filtered list, the CSV export, an invitation's history. Reads only.

Counts come from one GROUP BY, so the dashboard issues the same number of
queries for 3 invitations or 3,000.
"""
from __future__ import annotations

import enum
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from ..agenda.models import AgendaSession
from ..audit.models import AuditEntry
from ..conferences.models import Conference
from ..csv_export import encode, safe_writer
from ..db_types import utcnow
from ..extensions import db
from ..i18n import _l
from ..mail.models import OutboxMessage
from ..pagination import like_pattern
from .models import Invitation, InvitationCategory, InvitationKind, InvitationStatus
from .services import REMINDER_INTERVAL


class State(enum.StrEnum):
    """What the organisers see: the stored status, with "expired" split off pending."""

    PENDING = "pending"  # no answer yet, the deadline is ahead
    EXPIRED = "expired"  # the deadline passed without an answer
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"  # withdrawn by the organisers


STATE_LABELS = {
    State.PENDING: _l("No answer yet"),
    State.EXPIRED: _l("Expired without an answer"),
    State.ACCEPTED: _l("Accepted"),
    State.DECLINED: _l("Declined"),
    State.REVOKED: _l("Withdrawn"),
}


def state_of(invitation: Invitation, now: datetime | None = None) -> State:
    if invitation.status is InvitationStatus.PENDING and invitation.respond_by <= (now or utcnow()):
        return State.EXPIRED
    return State(invitation.status.value)


def _state_condition(state: State, now: datetime):
    if state is State.PENDING:
        return and_(Invitation.status == InvitationStatus.PENDING, Invitation.respond_by > now)
    if state is State.EXPIRED:
        return and_(Invitation.status == InvitationStatus.PENDING, Invitation.respond_by <= now)
    return Invitation.status == InvitationStatus(state.value)


# --- counts ------------------------------------------------------------------------------


@dataclass
class Counts:
    """Invitations by state; `answered ÷ (total − withdrawn)` is the response rate."""

    by_state: dict[State, int] = field(default_factory=lambda: dict.fromkeys(State, 0))

    def __getitem__(self, state: State | str) -> int:
        return self.by_state[State(state)]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def answered(self) -> int:
        return self.by_state[State.ACCEPTED] + self.by_state[State.DECLINED]

    @property
    def not_withdrawn(self) -> int:
        return self.total - self.by_state[State.REVOKED]

    @property
    def invited(self) -> int:
        """Invitations that still stand (everything but the withdrawn ones)."""
        return self.not_withdrawn

    @property
    def response_rate(self) -> int | None:
        """Whole percent, or None when nobody is invited."""
        if not self.not_withdrawn:
            return None
        return round(100 * self.answered / self.not_withdrawn)


@dataclass
class CategoryRow:
    category: InvitationCategory | None  # None: invitations without a category
    counts: Counts


@dataclass
class Dashboard:
    overall: Counts
    categories: list[CategoryRow]
    to_remind: int


def state_counts(conference: Conference, now: datetime | None = None) -> tuple[Counts, dict[int | None, Counts]]:
    """(overall, {category id or None: counts}) in one GROUP BY query."""
    now = now or utcnow()
    expired = case((Invitation.respond_by <= now, 1), else_=0)
    rows = db.session.execute(
        select(Invitation.category_id, Invitation.status, expired, func.count(Invitation.id))
        .where(Invitation.conference_id == conference.id)
        .group_by(Invitation.category_id, Invitation.status, expired)
    )
    overall = Counts()
    per_category: dict[int | None, Counts] = {}
    for category_id, status, is_expired, count in rows:
        state = State(status.value)
        if state is State.PENDING and is_expired:
            state = State.EXPIRED
        overall.by_state[state] += count
        per_category.setdefault(category_id, Counts()).by_state[state] += count
    return overall, per_category


def categories_of(conference: Conference) -> list[InvitationCategory]:
    return list(db.session.scalars(
        select(InvitationCategory)
        .where(InvitationCategory.conference_id == conference.id)
        .order_by(func.lower(InvitationCategory.name), InvitationCategory.id)
    ))


def remind_count(conference: Conference, now: datetime | None = None) -> int:
    """How many `services.remind_pending` would remind now (same rule, counted in SQL)."""
    now = now or utcnow()
    return db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.conference_id == conference.id,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.respond_by > now,
            or_(Invitation.last_sent_at.is_(None), Invitation.last_sent_at <= now - REMINDER_INTERVAL),
        )
    ) or 0


def dashboard(conference: Conference, categories: list[InvitationCategory],
              now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    overall, per_category = state_counts(conference, now)
    rows = [CategoryRow(category, per_category.get(category.id, Counts())) for category in categories]
    if None in per_category and categories:
        rows.append(CategoryRow(None, per_category[None]))
    return Dashboard(overall, rows, remind_count(conference, now))


# --- the list ----------------------------------------------------------------------------

NO_CATEGORY = "none"

SORTS = {
    "name": func.lower(Invitation.full_name),
    "organisation": func.lower(Invitation.organisation),
    "category": func.lower(InvitationCategory.name),
    "status": Invitation.status,
    "deadline": Invitation.respond_by,
    "last_sent": Invitation.last_sent_at,
    "reminders": Invitation.reminder_count,
}
SEARCHED = (Invitation.full_name, Invitation.email, Invitation.organisation)


@dataclass
class Filters:
    """The dashboard's filters, read from the query string; unknown values are ignored."""

    state: State | None = None
    kind: InvitationKind | None = None
    category: int | str | None = None  # an id, NO_CATEGORY, or None for all
    term: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        state = args.get("status", "")
        kind = args.get("kind", "")
        category = args.get("category", "")
        return cls(
            state=State(state) if state in {s.value for s in State} else None,
            kind=InvitationKind(kind) if kind in {k.value for k in InvitationKind} else None,
            category=int(category) if category.isdigit() else (NO_CATEGORY if category == NO_CATEGORY else None),
            term=args.get("q", "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.state or self.kind or self.category or self.term)

    def args(self) -> dict[str, str]:
        """The filters as query-string values (for links that keep them)."""
        values = {"status": self.state.value if self.state else "",
                  "kind": self.kind.value if self.kind else "",
                  "category": str(self.category) if self.category else "",
                  "q": self.term}
        return {key: value for key, value in values.items() if value}


def invitation_query(conference: Conference, filters: Filters, order=None,
                     now: datetime | None = None) -> Select:
    """The conference's invitations matching `filters`, with their sessions loaded.
    Load `categories_of(conference)` first: the categories then come from the
    session's identity map, without a query."""
    now = now or utcnow()
    query = (
        select(Invitation)
        .outerjoin(InvitationCategory, Invitation.category_id == InvitationCategory.id)
        .where(Invitation.conference_id == conference.id)
        .options(selectinload(Invitation.session).selectinload(AgendaSession.room))
    )
    if filters.state is not None:
        query = query.where(_state_condition(filters.state, now))
    if filters.kind is not None:
        query = query.where(Invitation.kind == filters.kind)
    if filters.category == NO_CATEGORY:
        query = query.where(Invitation.category_id.is_(None))
    elif filters.category is not None:
        query = query.where(Invitation.category_id == filters.category)
    if filters.term:
        pattern = like_pattern(filters.term)
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in SEARCHED)))
    if order is not None:
        query = query.order_by(order.nulls_last())
    return query.order_by(func.lower(Invitation.full_name), Invitation.id)


# --- CSV ---------------------------------------------------------------------------------

CSV_COLUMNS = (
    "name", "email", "honorific", "position", "organisation", "sector", "gender", "language",
    "category", "kind", "session", "role", "status", "responded_at", "response_note", "deadline",
    "sent", "reminders",
)


def _local(instant: datetime | None, conference: Conference) -> str:
    return instant.astimezone(conference.zone).strftime("%Y-%m-%d %H:%M") if instant else ""


def invitations_csv(conference: Conference, invitations: Iterable[Invitation],
                    now: datetime | None = None) -> bytes:
    """One row per invitation; the first nine columns are the import's, so a
    list can go back in. Times in the conference's zone. UTF-8 with a BOM so
    Excel reads the accents; cells that could run as formulas are neutralised."""
    now = now or utcnow()
    out = io.StringIO()
    writer = safe_writer(out)  # no cell can run as a formula (see csv_export)
    writer.writerow(CSV_COLUMNS)
    for inv in invitations:
        row = [
            inv.full_name, inv.email, inv.honorific, inv.position, inv.organisation,
            inv.sector.value, inv.gender.value, inv.language,
            inv.category.name if inv.category else "", inv.kind.value,
            inv.session.local("title") if inv.session else "", inv.role.value if inv.role else "",
            state_of(inv, now).value, _local(inv.responded_at, conference), inv.response_note,
            _local(inv.respond_by, conference), str(inv.sent_count), str(inv.reminder_count),
        ]
        writer.writerow(row)
    return encode(out)


# --- one invitation ----------------------------------------------------------------------


def history(invitation: Invitation, limit: int = 50) -> list[AuditEntry]:
    """The audit entries about this invitation (they name its e-mail address), newest first."""
    pattern = like_pattern(invitation.email)
    # The LIKE narrows it down; the check below drops "rani@…" when looking for "ani@…".
    exact = re.compile(r"(?<![\w.+-])" + re.escape(invitation.email) + r"(?![\w-]|\.\w)")
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.conference_id == invitation.conference_id,
               AuditEntry.action.like("invitation.%"),
               func.lower(AuditEntry.summary).like(pattern, escape="\\"))
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [entry for entry in entries if exact.search(entry.summary.lower())]


def messages_to(invitation: Invitation, limit: int = 50) -> list[OutboxMessage]:
    """The outbox messages of this conference to the invitee's address, newest first."""
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.conference_id == invitation.conference_id,
               func.lower(OutboxMessage.to_address) == invitation.email)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ))


def sessions_for_invitations(conference: Conference) -> list[AgendaSession]:
    """The sessions a speaker may be invited to, in time order (unscheduled last)."""
    return list(db.session.scalars(
        select(AgendaSession)
        .where(AgendaSession.conference_id == conference.id)
        .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
    ))
