"""Rules and writes for registrations: seats, waiting lists, session choices,
tickets, check-in, erasure.

Seats are counters (`Conference.seats_taken`, `AgendaSession.seats_taken`)
changed only by conditional UPDATEs — "take a seat if one is free" is one
atomic statement on every database, so concurrent registrations can never
overfill a conference or a session. On SQLite the registering transaction
also starts with BEGIN IMMEDIATE (`database.begin_write`), so the checks that
read before writing (is this e-mail registered? which choices are valid?)
cannot interleave with another registration.

When a seat frees (a cancellation, a changed choice, a larger capacity) the
first person waiting is promoted at once and told by e-mail.
"""
from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import segno
from flask_babel import gettext as _
from sqlalchemy import String, bindparam, func, literal, or_, select, text, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..agenda.models import AgendaSession, SessionKind
from ..audit.services import actor_id, record
from ..conferences.models import Conference, RegistrationMode, Room
from ..database import begin_write, insert_as_loaded
from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import cache, db
from ..invitations.models import Invitation, InvitationKind, InvitationStatus, ResponseChannel
from ..invitations.services import DELEGATE_TARGET, LinkState, link_state
from ..mail.models import OutboxMessage
from ..mail.services import SECRET_PLACEHOLDER, compose_mail, external_url
from ..people.models import Gender, Sector
from ..tokens import hash_token, new_token, well_formed
from .models import (
    NEEDS,
    ChoiceStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionChoice,
)

SLOT_KEY_FORMAT = "%Y%m%dT%H%M"


def slot_key(starts_at: datetime) -> str:
    """A slot's key (and form field `slot-<key>`): its start time in UTC."""
    return (starts_at.astimezone(timezone.utc) if starts_at.tzinfo else starts_at).strftime(SLOT_KEY_FORMAT)


TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the desk


# --- finding ------------------------------------------------------------------------


def find_registration(conference: Conference, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(Registration.conference_id == conference.id,
                                   Registration.email == email.strip().lower())
    )


def find_by_manage_token(token: str) -> Registration | None:
    if not well_formed(token):
        return None
    return db.session.scalar(select(Registration).where(Registration.manage_token_hash == hash_token(token)))


def new_ticket_code() -> str:
    """16 characters from a 32-letter alphabet: 80 bits, easy to type at the desk."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(16))


def ticket_qr(code: str) -> segno.QRCode:
    """The ticket's QR code: always a full QR, never a Micro QR (segno.make picks
    Micro QR for a 16-letter code, and phone cameras and BarcodeDetector do not read it)."""
    return segno.make_qr(code, error="m")


def normalise_ticket_code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def issue_manage_token(registration: Registration) -> str:
    """A new private manage link (the previous one stops working)."""
    token = new_token()
    registration.manage_token_hash = hash_token(token)
    return token


# --- windows and modes ------------------------------------------------------------------


class Availability(enum.StrEnum):
    OPEN = "open"
    NOT_YET = "not_yet"
    ENDED = "ended"
    CLOSED = "closed"
    INVITATION_ONLY = "invitation_only"


def availability(conference: Conference, now: datetime | None = None) -> Availability:
    """Whether the public form takes registrations now (before looking at seats)."""
    now = now or utcnow()
    if conference.registration_mode is RegistrationMode.CLOSED:
        return Availability.CLOSED
    if conference.registration_opens_at and now < conference.registration_opens_at:
        return Availability.NOT_YET
    if conference.registration_closes_at and now >= conference.registration_closes_at:
        return Availability.ENDED
    if conference.registration_mode is RegistrationMode.INVITATION_ONLY:
        return Availability.INVITATION_ONLY
    return Availability.OPEN


def valid_invitation_for(conference: Conference, email: str):
    """A delegate invitation for `email` that can still be used, or None."""
    return _usable(db.session.scalar(
        select(Invitation).where(*_delegate_invitation(conference.id, email.strip().lower())).limit(1)
    ))


def _delegate_invitation(conference_id, email) -> tuple:
    """The conditions for a conference's delegate invitation of an e-mail
    (values or bound parameters: _LOOK_UP uses them too)."""
    invitation = Invitation.__table__
    return (invitation.c.conference_id == conference_id, invitation.c.email == email,
            invitation.c.target == DELEGATE_TARGET, invitation.c.kind == InvitationKind.DELEGATE)


def _usable(invitation: Invitation | None) -> Invitation | None:
    """The invitation if it can still be used to register, else None."""
    if invitation is None or invitation.status not in (InvitationStatus.PENDING, InvitationStatus.ACCEPTED):
        return None
    return invitation if link_state(invitation) is LinkState.OPEN else None


def check_registration_allowed(conference: Conference, email: str, now: datetime | None = None):
    """Open: anyone, within the dates. Invitation only: a valid delegate
    invitation for this e-mail is required (and returned). Closed, not yet
    open or ended: nobody registers through the public form."""
    invitation = valid_invitation_for(conference, email)
    _check_open(conference, invitation, now)
    return invitation


def _check_open(conference: Conference, invitation: Invitation | None, now: datetime | None = None) -> None:
    """check_registration_allowed with the usable invitation already read."""
    state = availability(conference, now)
    if state is Availability.CLOSED:
        raise DomainError(_("Registration for this conference is closed."))
    if state is Availability.NOT_YET:
        raise DomainError(_("Registration has not opened yet."))
    if state is Availability.ENDED:
        raise DomainError(_("Registration has ended."))
    if state is Availability.INVITATION_ONLY and invitation is None:
        raise DomainError(
            _("This conference is by invitation only, and there is no valid invitation for this e-mail address."),
            "email",
        )


# --- seats ----------------------------------------------------------------------------------


# The statements every registration runs are built once, with parameters:
# building and keying one (for SQLAlchemy's compiled cache) costs more than
# running it. Core on the connection: the ORM's bulk-update machinery costs
# more than the UPDATE itself, and nothing loaded needs syncing.
_CONFERENCES = Conference.__table__
_TAKE_CONFERENCE_SEAT = (
    update(_CONFERENCES)
    .where(_CONFERENCES.c.id == bindparam("conference_id"),
           or_(_CONFERENCES.c.registration_capacity.is_(None),
               _CONFERENCES.c.seats_taken < _CONFERENCES.c.registration_capacity))
    .values(seats_taken=_CONFERENCES.c.seats_taken + 1)
)


def _take_conference_seat(conference: Conference) -> bool:
    return bool(db.session.connection().execute(_TAKE_CONFERENCE_SEAT, {"conference_id": conference.id}).rowcount)


def _give_back_conference_seat(conference: Conference) -> None:
    db.session.execute(
        update(Conference).where(Conference.id == conference.id, Conference.seats_taken > 0)
        .values(seats_taken=Conference.seats_taken - 1),
        execution_options={"synchronize_session": False},
    )


def session_capacity(session: AgendaSession) -> int | None:
    """The session's own capacity, else its room's; None means no limit."""
    return session.effective_capacity


def _session_seats_statement(queue_check: bool):
    sessions, choice, registration, room = (AgendaSession.__table__, SessionChoice.__table__,
                                            Registration.__table__, Room.__table__)
    capacity = func.coalesce(sessions.c.capacity,
                             select(room.c.capacity).where(room.c.id == sessions.c.room_id).scalar_subquery())
    condition = [sessions.c.id.in_(bindparam("ids", expanding=True)),
                 or_(capacity.is_(None), sessions.c.seats_taken < capacity)]
    if queue_check:
        # The statuses as literals: a prepared statement's generic plan, blind to
        # how rare waiting choices are, would read every registration.
        condition.append(~select(choice.c.id).join(registration).where(
            choice.c.session_id == sessions.c.id,
            choice.c.status == literal(ChoiceStatus.WAITING.value, String, literal_execute=True),
            registration.c.status == literal(RegistrationStatus.CONFIRMED.value, String, literal_execute=True),
            choice.c.created_at < bindparam("queued_since"),
        ).exists())
    # The version counter is for editors' saves; seats must not make their save stale.
    return update(sessions).where(*condition).values(seats_taken=sessions.c.seats_taken + 1).returning(sessions.c.id)


_TAKE_SESSION_SEATS = {queue_check: _session_seats_statement(queue_check) for queue_check in (False, True)}


def _take_session_seats(sessions: list[AgendaSession], *, queued_since: datetime | None = None) -> set[int]:
    """Take a seat in each of `sessions` that has one free, in one statement;
    the ids of those taken. With `queued_since` (choices made then), not in a
    session where a confirmed attendee has waited since earlier: someone
    already queueing keeps their place ahead. The capacity is the session's
    own, else its room's, read in the same statement."""
    if not sessions:
        return set()
    parameters = {"ids": [session.id for session in sessions], "queued_since": queued_since}
    return set(db.session.connection().scalars(_TAKE_SESSION_SEATS[queued_since is not None], parameters))


def _take_session_seat(session: AgendaSession, *, queued_since: datetime | None = None) -> bool:
    return session.id in _take_session_seats([session], queued_since=queued_since)


def _give_back_session_seat(session_id: int) -> None:
    db.session.execute(
        update(AgendaSession).where(AgendaSession.id == session_id, AgendaSession.seats_taken > 0)
        .values(seats_taken=AgendaSession.seats_taken - 1),
        execution_options={"synchronize_session": False},
    )


def seats_left(conference: Conference) -> int | None:
    if conference.registration_capacity is None:
        return None
    return max(conference.registration_capacity - conference.seats_taken, 0)


# --- parallel-session slots ----------------------------------------------------------------------


@dataclass
class Slot:
    """Parallel sessions that start together: the attendee picks one.
    `session_ids` always; `sessions` (the rows, rooms loaded) from choice_slots only."""

    starts_at: datetime
    ends_at: datetime
    session_ids: list[int] = field(default_factory=list)
    sessions: list[AgendaSession] = field(default_factory=list)

    @property
    def key(self) -> str:
        return slot_key(self.starts_at)


def slot_outline(conference: Conference) -> list[Slot]:
    """Every time slot with parallel sessions, in time order, as ids and times
    only (one light query, the published ids read inside the database, the
    result cached); choice_slots adds the sessions. The sessions are the
    scheduled parallel sessions of the draft that are also in the latest
    published release (attendees choose from what is public). A submitted
    choice is checked against the same rule by _check_choices, without it."""
    from ..agenda.releases import latest_release, release_session_ids

    release = latest_release(conference)
    if release is None:
        return []
    # Every edit of a session bumps its version (optimistic locking; seat counts
    # do not), and adding or deleting one changes the count and the id sum: the
    # outline is cached until one of those or the release changes.
    parallel = (AgendaSession.conference_id == conference.id, AgendaSession.kind == SessionKind.PARALLEL)
    count, versions, ids = db.session.execute(
        select(func.count(), func.coalesce(func.sum(AgendaSession.version), 0),
               func.coalesce(func.sum(AgendaSession.id), 0)).where(*parallel)
    ).one()
    key = (f"slot-outline:{conference.id}:{release.id}:{release.created_at.isoformat()}:"
           f"{count}:{versions}:{ids}")
    cached = cache.get(key)
    if cached is not None:
        return [Slot(starts_at, ends_at, list(session_ids)) for starts_at, ends_at, session_ids in cached]
    slots = _outline(conference, release_session_ids(release))
    cache.set(key, [(slot.starts_at, slot.ends_at, slot.session_ids) for slot in slots])
    return slots


def _outline(conference: Conference, public_ids: set[int]) -> list[Slot]:
    rows = db.session.execute(
        select(AgendaSession.id, AgendaSession.starts_at, AgendaSession.ends_at)
        .where(AgendaSession.conference_id == conference.id, AgendaSession.kind == SessionKind.PARALLEL,
               AgendaSession.starts_at.is_not(None))
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()
    slots: dict[datetime, Slot] = {}
    for session_id, starts_at, ends_at in rows:
        if session_id not in public_ids:
            continue
        slot = slots.setdefault(starts_at, Slot(starts_at, ends_at))
        slot.ends_at = max(slot.ends_at, ends_at)
        slot.session_ids.append(session_id)
    return list(slots.values())


def choice_slots(conference: Conference) -> list[Slot]:
    """slot_outline with the sessions themselves (and their rooms), for pages
    that show them."""
    slots = slot_outline(conference)
    ids = [session_id for slot in slots for session_id in slot.session_ids]
    loaded = {session.id: session for session in db.session.scalars(
        select(AgendaSession).where(AgendaSession.id.in_(ids)).options(selectinload(AgendaSession.room))
    )} if ids else {}
    for slot in slots:
        slot.sessions = [loaded[session_id] for session_id in slot.session_ids]
    return slots


def _check_choices(conference: Conference, chosen: dict[str, int | str | None]) -> dict[str, AgendaSession]:
    """{slot key: session id} → {slot key: session}; each a parallel session of
    this conference in the latest published release, starting at that slot's
    time (what slot_outline offers). Only the chosen sessions are read (with
    their rooms, for the capacity), in one query; the published ids are cached
    per release."""
    from ..agenda.releases import published_session_ids

    picked: dict[str, int] = {}
    for key, session_id in chosen.items():
        if session_id in (None, ""):
            continue
        if not str(session_id).isdigit():
            raise DomainError(_("Choose one of the sessions offered for this time slot."), f"slot-{key}")
        picked[key] = int(session_id)
    if not picked:
        return {}
    public = published_session_ids(conference)
    loaded = {session.id: session for session in db.session.scalars(
        select(AgendaSession).where(AgendaSession.id.in_(picked.values())).options(joinedload(AgendaSession.room))
    )}
    result = {}
    for key, session_id in picked.items():
        session = loaded.get(session_id)
        if (session is None or session_id not in public or session.conference_id != conference.id
                or session.kind is not SessionKind.PARALLEL or session.starts_at is None
                or slot_key(session.starts_at) != key):
            raise DomainError(_("Choose one of the sessions offered for this time slot."), f"slot-{key}")
        result[key] = session
    return result


# --- registering ---------------------------------------------------------------------------------


@dataclass
class Registrant:
    """What the form asks."""

    email: str
    full_name: str
    phone: str = ""
    organisation: str = ""
    position: str = ""
    honorific: str = ""
    sector: Sector = Sector.OTHER
    gender: Gender = Gender.NOT_STATED
    province: str = ""
    regency: str = ""
    needs: set[str] = field(default_factory=set)  # NEEDS columns
    needs_other: str = ""
    dietary: str = ""
    public_listing: bool = False
    language: str = "id"
    answers: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.email = self.email.strip().lower()
        self.full_name = self.full_name.strip()


def _fill(registration: Registration, person: Registrant) -> None:
    for name in ("email", "full_name", "phone", "organisation", "position", "honorific", "sector", "gender",
                 "province", "regency", "needs_other", "dietary", "public_listing", "language", "answers"):
        setattr(registration, name, getattr(person, name))
    for column, _label in NEEDS:
        setattr(registration, column, column in person.needs)


@dataclass
class Outcome:
    registration: Registration
    created: bool
    manage_token: str | None = None  # only when a new link was made (for the confirmation page)


_LOCK_EMAIL = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def _lock_email(conference: Conference, email: str) -> None:
    """PostgreSQL: simultaneous registrations of one e-mail wait for each other
    (an advisory lock held until commit), so the later ones see the first and
    are refused, instead of failing on the unique constraint. SQLite needs
    nothing: BEGIN IMMEDIATE already lets one registration in at a time."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK_EMAIL, {"key": f"registration:{conference.id}:{email.strip().lower()}"})


def register(
    conference: Conference,
    person: Registrant,
    choices: dict[str, int | None] | None = None,
    *,
    client_token: str | None = None,
    consent: bool,
    now: datetime | None = None,
) -> Outcome:
    """Register through the public form.

    One registration per e-mail (a second is refused, pointing to the manage
    link); a repeated form token returns the first (double submit). The seat:
    confirmed while the capacity allows, else on the waiting list; with
    organiser approval, pending until approved. A valid delegate invitation for
    the e-mail counts as accepting it (its reserved seat included)."""
    begin_write()
    _lock_email(conference, person.email)
    now = now or utcnow()
    earlier, existing, invitation = _look_up(conference, person.email, client_token)
    if earlier is not None:
        return Outcome(earlier, created=False)
    if not consent:
        raise DomainError(_("Registration needs your consent to the processing of your data."), "consent")
    invitation = _usable(invitation)
    _check_open(conference, invitation, now)
    if existing is not None and existing.status is not RegistrationStatus.CANCELLED:
        raise DomainError(
            _("This e-mail address is already registered. Use the link in your confirmation e-mail to "
              "see or change your registration, or ask for the link again below."),
            "email",
        )
    picked = _check_choices(conference, choices or {})
    registration = existing or Registration(conference_id=conference.id, email=person.email)
    _fill(registration, person)
    registration.client_token = client_token
    registration.consented_at = now
    registration.source = RegistrationSource.PUBLIC
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.ticket_code = registration.ticket_code or new_ticket_code()
    if invitation is not None:
        registration.source = RegistrationSource.INVITATION
        registration.reserved_seat = invitation.reserved_seat
    token = issue_manage_token(registration)
    pending = conference.registration_requires_approval and invitation is None
    public_seat = not registration.reserved_seat and not pending
    # Written with the outcome expected from what was read (a free seat, a
    # session that is not full) and the e-mail rendered for it; the counters,
    # the rows every registration updates, are taken last, so that their
    # locks are held only until the commit.
    if public_seat:
        registration.status = (RegistrationStatus.CONFIRMED if seats_left(conference) != 0
                               else RegistrationStatus.WAITING)
    else:
        registration.status = RegistrationStatus.PENDING if pending else RegistrationStatus.CONFIRMED
    registration.waitlisted_at = now if registration.status is RegistrationStatus.WAITING else None
    chosen = []
    for session in picked.values():
        capacity = session_capacity(session)
        free = capacity is None or session.seats_taken < capacity
        choice = SessionChoice(
            session_id=session.id, slot_starts_at=session.starts_at, created_at=now,
            status=(ChoiceStatus.CONFIRMED if free and registration.status is RegistrationStatus.CONFIRMED
                    else ChoiceStatus.WAITING),
        )
        set_committed_value(choice, "session", session)
        chosen.append(choice)
    if invitation is not None and invitation.status is InvitationStatus.PENDING:
        invitation.status = InvitationStatus.ACCEPTED
        invitation.responded_at = now
        invitation.response_channel = ResponseChannel.LINK
    if existing is None:
        _insert_new(registration, conference, invitation, chosen)
    else:  # registering again after cancelling: its earlier choices go
        registration.choices = chosen
        if invitation is not None:
            registration.invitation = invitation
        db.session.flush()
    mail = registration_mail(registration, "registration_confirmation", token)
    insert_as_loaded(mail)
    expected = (registration.status, [choice.status for choice in registration.choices])
    status = registration.status
    if public_seat:
        status = RegistrationStatus.CONFIRMED if _take_conference_seat(conference) else RegistrationStatus.WAITING
    seated = (_take_session_seats([choice.session for choice in registration.choices], queued_since=now)
              if status is RegistrationStatus.CONFIRMED else set())
    outcome = (status, [ChoiceStatus.CONFIRMED if choice.session_id in seated else ChoiceStatus.WAITING
                        for choice in registration.choices])
    if outcome != expected:
        # Someone took the last seat meanwhile (or freed one): the e-mail says what happened.
        registration.status = status
        registration.waitlisted_at = now if status is RegistrationStatus.WAITING else None
        for choice, choice_status in zip(registration.choices, outcome[1]):
            choice.status = choice_status
        db.session.delete(mail)
        db.session.flush()
        queue_registration_mail(registration, "registration_confirmation", token)
    db.session.expire(conference, ["seats_taken"])
    return Outcome(registration, created=True, manage_token=token)


def _insert_new(registration: Registration, conference: Conference, invitation: Invitation | None,
                chosen: list[SessionChoice]) -> None:
    """Write a new registration and its choices with one INSERT each (the unit
    of work's flush of them cost more than the statements), and link the
    loaded objects as the ORM would have."""
    if invitation is not None:
        registration.invitation_id = invitation.id
    insert_as_loaded(registration)
    for choice in chosen:
        choice.registration_id = registration.id
    insert_as_loaded(*chosen)
    set_committed_value(registration, "conference", conference)
    set_committed_value(registration, "invitation", invitation)
    set_committed_value(registration, "choices", chosen)
    for choice in chosen:
        set_committed_value(choice, "registration", registration)
    if invitation is not None:
        set_committed_value(invitation, "registration", registration)


def _look_up_statement():
    registration = Registration.__table__
    return select(
        select(registration.c.id).where(registration.c.client_token == bindparam("client_token"))
        .limit(1).scalar_subquery(),
        select(registration.c.id).where(registration.c.conference_id == bindparam("conference_id"),
                                        registration.c.email == bindparam("email")).scalar_subquery(),
        select(Invitation.__table__.c.id)
        .where(*_delegate_invitation(bindparam("conference_id"), bindparam("email"))).limit(1).scalar_subquery(),
    )


_LOOK_UP = _look_up_statement()


def _look_up(conference: Conference, email: str, client_token: str | None):
    """(the registration a repeated form token made (a double submit), this
    conference's registration of `email`, a delegate invitation for it), each
    None when there is none. One statement reads the three ids; the rows are
    loaded only when found (for a new registrant, none is)."""
    email = email.strip().lower()
    earlier, existing, invitation = db.session.connection().execute(_LOOK_UP, {
        "client_token": client_token, "conference_id": conference.id, "email": email}).one()
    # Without a token its subquery compares with NULL and finds nothing.
    return (db.session.get(Registration, earlier) if earlier is not None else None,
            db.session.get(Registration, existing) if existing is not None else None,
            db.session.get(Invitation, invitation) if invitation is not None else None)


def _seat(registration: Registration, now: datetime | None = None) -> None:
    """Confirmed on a free public seat, or on the waiting list."""
    if registration.reserved_seat or _take_conference_seat(registration.conference):
        registration.status = RegistrationStatus.CONFIRMED
        registration.waitlisted_at = None
    else:
        registration.status = RegistrationStatus.WAITING
        registration.waitlisted_at = now or utcnow()


def _seat_choices(registration: Registration) -> None:
    """Try to confirm the waiting choices of a confirmed registration (in slot order).
    Someone already queueing for a session keeps their place ahead."""
    for choice in registration.choices:
        if choice.status is ChoiceStatus.WAITING and _take_session_seat(choice.session,
                                                                          queued_since=choice.created_at):
            choice.status = ChoiceStatus.CONFIRMED
    db.session.flush()


def register_invitee(invitation) -> Registration:
    """Register the person an accepted delegate invitation names.

    A reserved seat is confirmed whatever the capacity or mode; otherwise the
    invitee is confirmed while public seats remain and waits for one when full.
    Registration being closed or invitation-only does not stop an invitee."""
    conference = invitation.conference
    begin_write()
    registration = find_registration(conference, invitation.email)
    if registration is not None and registration.status is not RegistrationStatus.CANCELLED:
        # Already registered (e.g. publicly): attach the invitation and any reserved seat.
        registration.invitation = invitation
        if invitation.reserved_seat and not registration.reserved_seat:
            if registration.status is RegistrationStatus.CONFIRMED:
                _give_back_conference_seat(conference)
            registration.reserved_seat = True
            registration.status = RegistrationStatus.CONFIRMED
            _seat_choices(registration)
        db.session.flush()
        return registration
    if registration is None:
        registration = Registration(conference=conference, email=invitation.email)
        db.session.add(registration)
    for name in ("full_name", "honorific", "position", "organisation", "sector", "gender", "language"):
        setattr(registration, name, getattr(invitation, name))
    registration.invitation = invitation
    registration.source = RegistrationSource.INVITATION
    registration.reserved_seat = invitation.reserved_seat
    registration.cancelled_at = None
    registration.ticket_code = registration.ticket_code or new_ticket_code()
    _seat(registration)
    db.session.flush()
    return registration


# --- changing ------------------------------------------------------------------------------------


def change_choice(registration: Registration, key: str, session_id: int | None, *, actor=None) -> None:
    """Pick another session for a slot (or none). The old seat is given back
    (and offered to the first waiting); the new one is taken or queued."""
    if registration.status is RegistrationStatus.CANCELLED:
        raise DomainError(_("This registration is cancelled."))
    begin_write()
    conference = registration.conference
    picked = _check_choices(conference, {key: session_id})
    old = next((c for c in registration.choices if slot_key(c.slot_starts_at) == key), None)
    new_session = picked.get(key)
    if old is not None and new_session is not None and old.session_id == new_session.id:
        return
    freed: list[int] = []
    if old is not None:
        if old.status is ChoiceStatus.CONFIRMED:
            _give_back_session_seat(old.session_id)
            freed.append(old.session_id)
        registration.choices.remove(old)
        db.session.delete(old)
        db.session.flush()
    if new_session is not None:
        registration.choices.append(SessionChoice(session=new_session, slot_starts_at=new_session.starts_at,
                                                  status=ChoiceStatus.WAITING, created_at=utcnow()))
        db.session.flush()
        if registration.status is RegistrationStatus.CONFIRMED:
            _seat_choices(registration)
    for session_id_freed in freed:
        promote_session(db.session.get(AgendaSession, session_id_freed))
    if actor is not None:
        record(conference, actor, "registration.move", f"Changed a session choice of {registration.email}")


def cancel(registration: Registration, *, actor=None) -> None:
    """Cancel: the conference seat and the session seats are given back and
    offered to the first people waiting."""
    if registration.status is RegistrationStatus.CANCELLED:
        return
    begin_write()
    conference = registration.conference
    held_public_seat = registration.status is RegistrationStatus.CONFIRMED and not registration.reserved_seat
    freed = [c.session_id for c in registration.choices if c.status is ChoiceStatus.CONFIRMED]
    for session_id in freed:
        _give_back_session_seat(session_id)
    registration.choices = []
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    registration.waitlisted_at = None
    if held_public_seat:
        _give_back_conference_seat(conference)
    db.session.flush()
    if held_public_seat:
        promote_conference(conference)
    for session_id in freed:
        promote_session(db.session.get(AgendaSession, session_id))
    if actor is not None:
        record(conference, actor, "registration.cancel", f"Cancelled the registration of {registration.email}")


# Kept for invitations.services (declining after accepting).
cancel_registration = cancel


def approve(registration: Registration, *, actor=None) -> None:
    """An organiser approves a pending registration: it gets a seat or waits for one."""
    if registration.status is not RegistrationStatus.PENDING:
        raise DomainError(_("Only a registration awaiting approval can be approved."))
    begin_write()
    _seat(registration)
    db.session.flush()
    if registration.status is RegistrationStatus.CONFIRMED:
        _seat_choices(registration)
    queue_registration_mail(registration, "registration_approved", issue_manage_token(registration))
    record(registration.conference, actor, "registration.approve", f"Approved the registration of {registration.email}")


# --- waiting lists -------------------------------------------------------------------------------


def promote_conference(conference: Conference) -> list[Registration]:
    """Give free public seats to the people waiting longest, and tell them."""
    promoted = []
    while True:
        first = db.session.scalar(
            select(Registration).where(Registration.conference_id == conference.id,
                                       Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.waitlisted_at, Registration.id).limit(1)
        )
        if first is None or not _take_conference_seat(conference):
            break
        first.status = RegistrationStatus.CONFIRMED
        first.waitlisted_at = None
        db.session.flush()
        _seat_choices(first)
        queue_registration_mail(first, "registration_promoted", issue_manage_token(first))
        promoted.append(first)
    db.session.expire(conference, ["seats_taken"])
    return promoted


def promote_session(session: AgendaSession | None) -> list[SessionChoice]:
    """Give free seats in a session to the confirmed attendees waiting longest."""
    if session is None:
        return []
    promoted = []
    while True:
        first = db.session.scalar(
            select(SessionChoice).join(Registration).where(
                SessionChoice.session_id == session.id, SessionChoice.status == ChoiceStatus.WAITING,
                Registration.status == RegistrationStatus.CONFIRMED,
            ).order_by(SessionChoice.created_at, SessionChoice.id).limit(1)
        )
        if first is None or not _take_session_seat(session):
            break
        first.status = ChoiceStatus.CONFIRMED
        db.session.flush()
        queue_registration_mail(first.registration, "registration_session_promoted",
                                issue_manage_token(first.registration), session=session)
        promoted.append(first)
    db.session.expire(session, ["seats_taken"])
    return promoted


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in the conference's queue; None when not waiting."""
    if registration.status is not RegistrationStatus.WAITING or registration.waitlisted_at is None:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.conference_id == registration.conference_id,
            Registration.status == RegistrationStatus.WAITING,
            or_(Registration.waitlisted_at < registration.waitlisted_at,
                (Registration.waitlisted_at == registration.waitlisted_at) & (Registration.id < registration.id)),
        )
    ) or 0
    return ahead + 1


def choice_position(choice: SessionChoice) -> int | None:
    """1 for the first in the session's queue; None when the seat is confirmed."""
    if choice.status is not ChoiceStatus.WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(SessionChoice).join(Registration).where(
            SessionChoice.session_id == choice.session_id, SessionChoice.status == ChoiceStatus.WAITING,
            Registration.status == RegistrationStatus.CONFIRMED,
            or_(SessionChoice.created_at < choice.created_at,
                (SessionChoice.created_at == choice.created_at) & (SessionChoice.id < choice.id)),
        )
    ) or 0
    return ahead + 1


def set_conference_capacity(conference: Conference, capacity: int | None, *, actor=None) -> None:
    """A capacity may not drop below the seats already taken (checked in the same
    UPDATE, so a registration landing meanwhile cannot slip past); raising it
    promotes people waiting."""
    if capacity is not None and capacity < 1:
        raise DomainError(_("The capacity must be at least 1, or empty for no limit."), "registration_capacity")
    begin_write()
    condition = [Conference.id == conference.id]
    if capacity is not None:
        condition.append(Conference.seats_taken <= capacity)
    done = db.session.execute(
        update(Conference).where(*condition).values(registration_capacity=capacity),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.expire(conference, ["registration_capacity", "seats_taken"])
    if not done:
        raise DomainError(_("%(count)d seats are already taken; the capacity cannot be lower.",
                            count=conference.seats_taken), "registration_capacity")
    promote_conference(conference)


# --- check-in ------------------------------------------------------------------------------------


class CheckInResult(enum.StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    NOT_CONFIRMED = "not_confirmed"


def check_in(registration: Registration, *, actor=None, now: datetime | None = None) -> CheckInResult:
    """Mark someone as arrived, once: a second scan is told when the first was."""
    if registration.status is not RegistrationStatus.CONFIRMED:
        return CheckInResult.NOT_CONFIRMED
    done = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=now or utcnow(), checked_in_by_id=actor_id(actor)),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.refresh(registration, ["checked_in_at", "checked_in_by_id"])
    return CheckInResult.CHECKED_IN if done else CheckInResult.ALREADY


def undo_check_in(registration: Registration, *, actor=None) -> None:
    registration.checked_in_at = None
    registration.checked_in_by_id = None
    db.session.flush()
    record(registration.conference, actor, "registration.checkin_undo", f"Undid the check-in of {registration.email}")


def find_ticket(conference: Conference, code: str) -> Registration | None:
    code = normalise_ticket_code(code)
    if not code:
        return None
    return db.session.scalar(select(Registration).where(Registration.conference_id == conference.id,
                                                        Registration.ticket_code == code))


def public_participants(conference: Conference):
    """The query of the people who agreed to appear in the public participant list."""
    return (
        select(Registration)
        .where(Registration.conference_id == conference.id,
               Registration.status == RegistrationStatus.CONFIRMED,
               Registration.public_listing.is_(True), Registration.erased_at.is_(None))
        .order_by(Registration.full_name, Registration.id)
    )


# --- personal data ---------------------------------------------------------------------------------


def erase(registration: Registration, *, actor=None) -> None:
    """Remove the personal data on request. The row stays (anonymised) so the
    counts by status, sector, gender, province and needs stay right; the seat
    is given back if it was held."""
    if registration.erased_at is not None:
        return
    cancel(registration, actor=None)
    email = registration.email
    registration.full_name = _("(erased)")
    registration.email = f"erased-{registration.id}@erased.invalid"
    for name in ("phone", "organisation", "position", "honorific", "regency", "needs_other", "dietary"):
        setattr(registration, name, "")
    registration.answers = {}
    registration.public_listing = False
    registration.manage_token_hash = None
    registration.client_token = None
    registration.ticket_code = None
    registration.erased_at = utcnow()
    invitation = registration.invitation
    if invitation is not None:
        invitation.full_name = registration.full_name
        invitation.email = registration.email
        invitation.position = invitation.organisation = invitation.honorific = ""
        invitation.response_note = ""
    db.session.flush()
    record(registration.conference, actor, "registration.erase",
           f"Erased the personal data of registration #{registration.id} (on request of {email[:1]}…)")


# --- mail -----------------------------------------------------------------------------------------

MAIL_SUBJECTS = {
    "registration_confirmation": lambda title: _("Your registration: %(title)s", title=title),
    "registration_approved": lambda title: _("Your registration is approved: %(title)s", title=title),
    "registration_promoted": lambda title: _("A seat is free for you: %(title)s", title=title),
    "registration_session_promoted": lambda title: _("You have a seat in your session: %(title)s", title=title),
    "registration_link": lambda title: _("Your registration link: %(title)s", title=title),
}


def manage_link() -> str:
    return external_url("registration.manage", token=SECRET_PLACEHOLDER)


def queue_registration_mail(registration: Registration, template: str, token: str,
                            **context: Any) -> OutboxMessage:
    """A mail to the attendee with their private manage link (`token`)."""
    message = registration_mail(registration, template, token, **context)
    db.session.add(message)
    return message


def registration_mail(registration: Registration, template: str, token: str, **context: Any) -> OutboxMessage:
    """queue_registration_mail's message, not yet added to the session."""
    conference = registration.conference
    title = conference.local("title", registration.language)
    subject = MAIL_SUBJECTS[template]
    return compose_mail(
        to=registration.email, name=registration.display_name, language=registration.language,
        template=template, subject=lambda: subject(title), kind=template, conference=conference,
        secret=token,
        context={"registration": registration, "link": manage_link(),
                 "position": waiting_position(registration), **context},
    )


def send_manage_link(conference: Conference, email: str) -> None:
    """Mail a fresh manage link to a registered address; says nothing either way
    (the page answers the same whether or not the address is registered)."""
    registration = find_registration(conference, email)
    if registration is None or registration.status is RegistrationStatus.CANCELLED or registration.erased_at:
        return
    queue_registration_mail(registration, "registration_link", issue_manage_token(registration))
