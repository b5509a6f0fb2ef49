"""Rules and writes for invitations.

An invitation is answered through a personal link whose secret (256 bits from
`secrets`) is stored only as its SHA-256. Every change that sends mail queues
it in the same transaction (mail.services.queue_mail), so nothing is sent for a
change that was rolled back and nothing is lost for one that was committed.

States: pending → accepted / declined (changeable by the invitee until
`respond_by`), and revoked by the organisers at any time. Accepting a speaker
invitation confirms the role on the agenda; declining frees it and tells the
organisers. Accepting a delegate invitation registers the invitee.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, Timezone
from sqlalchemy import func, select, update

from ..accounts.models import ConferenceMembership, MembershipRole, User
from ..agenda.models import AgendaSession, RoleKind, RoleStatus, SessionRole
from ..audit.services import actor_id, record
from ..conferences.models import Conference
from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..mail.services import SECRET_PLACEHOLDER, Attachment, external_url, queue_mail
from ..people.models import Gender, Person, Sector
from ..tokens import hash_token, new_token, well_formed
from .models import (
    INVITABLE_ROLES,
    Invitation,
    InvitationCategory,
    InvitationKind,
    InvitationStatus,
    InvitationToken,
    ResponseChannel,
)

DEFAULT_RESPONSE_DAYS = 21
REMINDER_INTERVAL = timedelta(days=2)
DELEGATE_TARGET = "delegate"


# --- tokens ------------------------------------------------------------------------


def issue_token(invitation: Invitation) -> str:
    """A new personal link secret for `invitation`; only its hash is stored."""
    token = new_token()
    db.session.add(InvitationToken(invitation=invitation, token_hash=hash_token(token)))
    return token


def find_by_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, or None (a malformed token never reaches the database)."""
    if not well_formed(token):
        return None
    return db.session.scalar(
        select(Invitation).join(InvitationToken).where(InvitationToken.token_hash == hash_token(token))
    )


class LinkState(enum.StrEnum):
    OPEN = "open"  # may answer, or change the answer
    EXPIRED = "expired"  # deadline passed without an answer
    CLOSED = "closed"  # deadline passed after an answer: the answer is final
    REVOKED = "revoked"


def link_state(invitation: Invitation, now: datetime | None = None) -> LinkState:
    now = now or utcnow()
    if invitation.status is InvitationStatus.REVOKED:
        return LinkState.REVOKED
    if now > invitation.respond_by:
        return LinkState.EXPIRED if invitation.status is InvitationStatus.PENDING else LinkState.CLOSED
    return LinkState.OPEN


def default_respond_by(conference: Conference, now: datetime | None = None) -> datetime:
    """Three weeks, but no later than the conference's first morning (local midnight)."""
    now = now or utcnow()
    first_morning = datetime.combine(conference.starts_on, time(0, 0), tzinfo=conference.zone).astimezone(UTC)
    deadline = now + timedelta(days=DEFAULT_RESPONSE_DAYS)
    if first_morning > now + timedelta(days=1):
        deadline = min(deadline, first_morning)
    return deadline


# --- inviting -----------------------------------------------------------------------


@dataclass
class Invitee:
    """Who is invited, as typed in the form or read from a CSV row."""

    email: str
    full_name: str
    honorific: str = ""
    position: str = ""
    organisation: str = ""
    sector: Sector = Sector.OTHER
    gender: Gender = Gender.NOT_STATED
    language: str = "id"

    def __post_init__(self) -> None:
        self.email = normalise_email(self.email)
        self.full_name = self.full_name.strip()
        if self.language not in ("id", "en"):
            self.language = "id"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def session_target(session: AgendaSession) -> str:
    return f"session:{session.id}"


def find_existing(conference: Conference, email: str, target: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(
            Invitation.conference_id == conference.id,
            Invitation.email == normalise_email(email),
            Invitation.target == target,
        )
    )


def _check_respond_by(conference: Conference, respond_by: datetime | None) -> datetime:
    if respond_by is None:
        return default_respond_by(conference)
    if respond_by <= utcnow():
        raise DomainError(_("The answer deadline must be in the future."), "respond_by")
    return respond_by


def _check_category(conference: Conference, category: InvitationCategory | None) -> None:
    if category is not None and category.conference_id != conference.id:
        raise DomainError(_("This category belongs to another conference."), "category")


def invite_speaker(
    conference: Conference,
    session: AgendaSession,
    role: RoleKind,
    invitee: Invitee,
    *,
    respond_by: datetime | None = None,
    message: str = "",
    category: InvitationCategory | None = None,
    actor=None,
) -> tuple[Invitation, bool]:
    """Invite someone to speak, moderate or give a keynote in `session`.

    The role is held on the agenda as "invited" (visible to organisers, not to
    the public) until the answer. Inviting the same e-mail to the same session
    again returns the existing invitation (`created` False); a revoked one is
    renewed. Returns (invitation, created)."""
    if session.conference_id != conference.id:
        raise DomainError(_("This session belongs to another conference."), "session")
    if role not in INVITABLE_ROLES:
        raise DomainError(_("Invite people as speaker, moderator or keynote."), "role")
    if not invitee.email:
        raise DomainError(_("An invitation needs an e-mail address."), "email")
    _check_category(conference, category)
    respond_by = _check_respond_by(conference, respond_by)
    existing = find_existing(conference, invitee.email, session_target(session))
    if existing is not None and existing.status is not InvitationStatus.REVOKED:
        return existing, False

    person = db.session.scalar(
        select(Person).where(Person.conference_id == conference.id, Person.email == invitee.email)
    )
    if person is None:
        person = Person(
            conference=conference, email=invitee.email, full_name=invitee.full_name,
            honorific=invitee.honorific, position=invitee.position,
            organisation=invitee.organisation, sector=invitee.sector, gender=invitee.gender,
        )
        db.session.add(person)
        db.session.flush()
    held = _role_of(session, person)
    if held is not None and held.status is RoleStatus.CONFIRMED:
        raise DomainError(
            _("%(name)s already has a confirmed role in this session.", name=person.display_name), "email"
        )
    if held is None:
        held = SessionRole(session=session, person=person, role=role, status=RoleStatus.INVITED,
                           position=len(session.roles))
        db.session.add(held)
    else:
        held.role = role

    invitation = existing or Invitation(conference=conference, kind=InvitationKind.SPEAKER,
                                        target=session_target(session), email=invitee.email)
    _fill(invitation, invitee, respond_by=respond_by, message=message, category=category, actor=actor)
    invitation.session = session
    invitation.role = role
    invitation.person = person
    db.session.add(invitation)
    db.session.flush()
    send_invitation(invitation)
    record(conference, actor, "invitation.create",
           f"Invited {invitation.display_name} <{invitation.email}> as {role.value} to “{session.local('title', 'id')}”")
    return invitation, existing is None


def invite_delegate(
    conference: Conference,
    invitee: Invitee,
    *,
    category: InvitationCategory | None = None,
    reserved_seat: bool = False,
    respond_by: datetime | None = None,
    message: str = "",
    actor=None,
    send: bool = True,
) -> tuple[Invitation, bool]:
    """Invite someone to attend. With `reserved_seat`, accepting registers them
    even when public registration is full or closed. Same e-mail twice: the
    existing invitation is returned (`created` False); a revoked one is renewed."""
    if not invitee.email:
        raise DomainError(_("An invitation needs an e-mail address."), "email")
    _check_category(conference, category)
    respond_by = _check_respond_by(conference, respond_by)
    existing = find_existing(conference, invitee.email, DELEGATE_TARGET)
    if existing is not None and existing.status is not InvitationStatus.REVOKED:
        return existing, False
    invitation = existing or Invitation(conference=conference, kind=InvitationKind.DELEGATE,
                                        target=DELEGATE_TARGET, email=invitee.email)
    _fill(invitation, invitee, respond_by=respond_by, message=message, category=category, actor=actor)
    invitation.reserved_seat = reserved_seat
    db.session.add(invitation)
    db.session.flush()
    if send:
        send_invitation(invitation)
        record(conference, actor, "invitation.create",
               f"Invited {invitation.display_name} <{invitation.email}> to attend")
    return invitation, existing is None


def _fill(invitation: Invitation, invitee: Invitee, *, respond_by: datetime, message: str,
          category: InvitationCategory | None, actor) -> None:
    invitation.full_name = invitee.full_name
    invitation.honorific = invitee.honorific
    invitation.position = invitee.position
    invitation.organisation = invitee.organisation
    invitation.sector = invitee.sector
    invitation.gender = invitee.gender
    invitation.language = invitee.language
    invitation.category = category
    invitation.respond_by = respond_by
    invitation.message = message.strip()
    invitation.status = InvitationStatus.PENDING
    invitation.responded_at = None
    invitation.response_note = ""
    invitation.response_channel = None
    invitation.created_by_id = actor_id(actor)


def _role_of(session: AgendaSession, person: Person) -> SessionRole | None:
    return next((r for r in session.roles if r.person_id == person.id), None)


# --- mail -------------------------------------------------------------------------------


def invitation_link() -> str:
    """The personal link as stored in the outbox: the secret is filled in when sending."""
    return external_url("invitations.respond", token=SECRET_PLACEHOLDER)


def session_ics(session: AgendaSession, conference: Conference, language: str | None = None) -> Attachment | None:
    """The session as a calendar event (in `language`), attached to speakers' mail."""
    if session.starts_at is None or session.ends_at is None:
        return None
    calendar = Calendar()
    calendar.add("prodid", f"-//eventapp//invitation {conference.slug}//")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    # The TZID's definition (RFC 5545 requires it), only around the session.
    day = session.starts_at.astimezone(conference.zone).date()
    calendar.add_component(Timezone.from_tzinfo(conference.zone, tzid=conference.timezone,
                                                first_date=day - timedelta(days=1),
                                                last_date=day + timedelta(days=2)))
    event = Event()
    event.add("uid", f"{session.uid}@eventapp")
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at.astimezone(conference.zone))
    event.add("dtend", session.ends_at.astimezone(conference.zone))
    event.add("summary", session.local("title", language))
    if session.room is not None:
        event.add("location", ", ".join(p for p in (session.room.name, session.room.venue.name) if p))
    calendar.add_component(event)
    return Attachment("session.ics", "text/calendar", calendar.to_ical().decode())


def _speaker_attachments(invitation: Invitation) -> list[Attachment]:
    if invitation.session is None:
        return []
    ics = session_ics(invitation.session, invitation.conference, invitation.language)
    return [ics] if ics else []


def send_invitation(invitation: Invitation, *, reminder: bool = False) -> None:
    """Queue the invitation (or a reminder) with a fresh personal link."""
    token = issue_token(invitation)
    conference = invitation.conference
    title = conference.local("title", invitation.language)
    if reminder:
        subject = lambda: _("Reminder: your invitation to %(title)s", title=title)  # noqa: E731
    else:
        subject = lambda: _("Invitation: %(title)s", title=title)  # noqa: E731
    template = "invitation_speaker" if invitation.is_speaker else "invitation_delegate"
    queue_mail(
        to=invitation.email, name=invitation.display_name, language=invitation.language,
        template=template, subject=subject, kind="invitation_reminder" if reminder else "invitation",
        conference=conference, secret=token,
        context={"invitation": invitation, "link": invitation_link(), "reminder": reminder,
                 "session": invitation.session},
        attachments=_speaker_attachments(invitation) if invitation.is_speaker else (),
    )
    invitation.sent_count += 1
    invitation.last_sent_at = utcnow()
    if reminder:
        invitation.reminder_count += 1


def _queue_receipt(invitation: Invitation) -> None:
    """Tell the invitee what we recorded (their answer, and the link to change it)."""
    title = invitation.conference.local("title", invitation.language)
    accepted = invitation.status is InvitationStatus.ACCEPTED
    token = issue_token(invitation)
    queue_mail(
        to=invitation.email, name=invitation.display_name, language=invitation.language,
        template="invitation_answer", kind="invitation_answer", conference=invitation.conference,
        subject=(lambda: _("You accepted: %(title)s", title=title)) if accepted
        else (lambda: _("You declined: %(title)s", title=title)),
        secret=token,
        context={"invitation": invitation, "link": invitation_link(), "session": invitation.session},
        attachments=_speaker_attachments(invitation) if accepted and invitation.is_speaker else (),
    )


def organisers_of(conference: Conference) -> list[User]:
    return list(db.session.scalars(
        select(User).join(ConferenceMembership, ConferenceMembership.user_id == User.id).where(
            ConferenceMembership.conference_id == conference.id,
            ConferenceMembership.role == MembershipRole.ORGANISER,
            User.active.is_(True),
        ).order_by(User.id)
    ))


def _tell_organisers_declined(invitation: Invitation) -> None:
    for organiser in organisers_of(invitation.conference):
        language = organiser.locale or "id"
        queue_mail(
            to=organiser.email, name=organiser.name, language=language,
            template="speaker_declined", kind="speaker_declined", conference=invitation.conference,
            subject=lambda: _("%(name)s declined: %(session)s", name=invitation.display_name,
                              session=invitation.session.local("title") if invitation.session else "—"),
            context={"invitation": invitation, "session": invitation.session,
                     "dashboard": external_url("invitations.manage_list", slug=invitation.conference.slug)},
        )


# --- answering ------------------------------------------------------------------------


def respond(
    invitation: Invitation,
    accept: bool,
    *,
    note: str = "",
    channel: ResponseChannel = ResponseChannel.LINK,
    actor=None,
    now: datetime | None = None,
) -> bool:
    """Accept or decline. Through the link only until the deadline; organisers
    may record an answer (e.g. given by phone) at any time before revoking.
    Answering the same way twice changes nothing but the note. Returns whether
    the answer changed."""
    state = link_state(invitation, now)
    if state is LinkState.REVOKED:
        raise DomainError(_("This invitation has been withdrawn."))
    if channel is ResponseChannel.LINK and state is not LinkState.OPEN:
        raise DomainError(_("The deadline for answering has passed."))
    wanted = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    note = note.strip()[:2000]
    if invitation.status is wanted:
        invitation.response_note = note or invitation.response_note
        db.session.flush()
        return False
    if not _claim_status(invitation, wanted):
        # Answered at the same moment by another request (a double click, a second
        # tab, an organiser): decide again on what it left, as if it came first.
        return respond(invitation, accept, note=note, channel=channel, actor=actor, now=now)
    was_accepted = invitation.status is InvitationStatus.ACCEPTED
    if accept:
        _take_quota_place(invitation)
        if invitation.is_speaker:
            _confirm_role(invitation)
        else:
            from ..registration.services import issue_manage_token, queue_registration_mail, register_invitee

            registration = register_invitee(invitation)
            # Invited delegates go through the same choices, ticket and check-in as
            # everyone: their manage link (sessions, ticket) comes by e-mail too.
            queue_registration_mail(registration, "registration_confirmation", issue_manage_token(registration))
    else:
        if was_accepted:
            _undo_acceptance(invitation)
        if invitation.is_speaker:
            _free_role(invitation)
    invitation.status = wanted
    invitation.response_note = note
    invitation.responded_at = now or utcnow()
    invitation.response_channel = channel
    db.session.flush()
    if channel is ResponseChannel.LINK:
        _queue_receipt(invitation)
    if not accept and invitation.is_speaker:
        _tell_organisers_declined(invitation)
    how = "by link" if channel is ResponseChannel.LINK else "recorded by an organiser"
    record(invitation.conference, actor, "invitation.accept" if accept else "invitation.decline",
           f"{invitation.display_name} <{invitation.email}> {wanted.value} ({how})")
    return True


def _claim_status(invitation: Invitation, wanted: InvitationStatus) -> bool:
    """Move the status on only from the one this request read (a conditional
    UPDATE, so on every database): of two requests changing an invitation at
    once, the second finds it changed, gets it reloaded, and False. Callers roll
    back on a DomainError, which also undoes this."""
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == invitation.status)
        .values(status=wanted),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not claimed:
        db.session.refresh(invitation)
    return bool(claimed)


def _take_quota_place(invitation: Invitation) -> None:
    """One place in the category's quota, taken atomically (a conditional UPDATE)."""
    if invitation.category_id is None:
        return
    taken = db.session.execute(
        update(InvitationCategory)
        .where(InvitationCategory.id == invitation.category_id,
               (InvitationCategory.quota.is_(None))
               | (InvitationCategory.accepted_count < InvitationCategory.quota))
        .values(accepted_count=InvitationCategory.accepted_count + 1),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not taken:
        raise DomainError(_("All places for this group have been taken. Please contact the organisers."))
    db.session.expire(invitation.category, ["accepted_count"]) if invitation.category else None


def _give_back_quota_place(invitation: Invitation) -> None:
    if invitation.category_id is None:
        return
    db.session.execute(
        update(InvitationCategory)
        .where(InvitationCategory.id == invitation.category_id, InvitationCategory.accepted_count > 0)
        .values(accepted_count=InvitationCategory.accepted_count - 1),
        execution_options={"synchronize_session": False},
    )
    if invitation.category is not None:
        db.session.expire(invitation.category, ["accepted_count"])


def _confirm_role(invitation: Invitation) -> None:
    session, person = invitation.session, invitation.person
    if session is None:
        raise DomainError(_("The session of this invitation was removed. Please contact the organisers."))
    if person is None:  # the profile was deleted: make it again from the invitation
        person = Person(conference=invitation.conference, email=invitation.email,
                        full_name=invitation.full_name, honorific=invitation.honorific,
                        position=invitation.position, organisation=invitation.organisation,
                        sector=invitation.sector, gender=invitation.gender)
        db.session.add(person)
        invitation.person = person
        db.session.flush()
    held = _role_of(session, person)
    if held is None:
        held = SessionRole(session=session, person=person, role=invitation.role,
                           position=len(session.roles))
        db.session.add(held)
    held.status = RoleStatus.CONFIRMED


def _free_role(invitation: Invitation) -> None:
    """Declining frees the place: the role leaves the session."""
    if invitation.session is None or invitation.person is None:
        return
    held = _role_of(invitation.session, invitation.person)
    if held is not None:
        session = invitation.session
        session.roles.remove(held)
        db.session.delete(held)
        for position, item in enumerate(sorted(session.roles, key=lambda r: r.position)):
            item.position = position


def _undo_acceptance(invitation: Invitation) -> None:
    _give_back_quota_place(invitation)
    if not invitation.is_speaker and invitation.registration is not None:
        from ..registration.services import cancel_registration

        cancel_registration(invitation.registration)


# --- organisers' actions ------------------------------------------------------------------


def resend(invitation: Invitation, *, actor=None) -> None:
    """Send the invitation again with a new link (older links keep working)."""
    state = link_state(invitation)
    if state is LinkState.REVOKED:
        raise DomainError(_("A withdrawn invitation cannot be sent again. Invite the person again instead."))
    if state is not LinkState.OPEN:
        raise DomainError(_("The answer deadline has passed. Extend it before sending again."), "respond_by")
    send_invitation(invitation)
    record(invitation.conference, actor, "invitation.resend", f"Sent the invitation to {invitation.email} again")


def pending_to_remind(conference: Conference, now: datetime | None = None) -> list[Invitation]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Invitation).where(
            Invitation.conference_id == conference.id,
            Invitation.status == InvitationStatus.PENDING,
            Invitation.respond_by > now,
            (Invitation.last_sent_at.is_(None)) | (Invitation.last_sent_at <= now - REMINDER_INTERVAL),
        ).order_by(Invitation.id)
    ))


def remind_pending(conference: Conference, *, actor=None, now: datetime | None = None) -> int:
    """Remind everyone who has not answered, whose deadline is still ahead, and
    who has not had a message in the last two days. Returns how many."""
    due = pending_to_remind(conference, now)
    for invitation in due:
        send_invitation(invitation, reminder=True)
    if due:
        db.session.flush()
        record(conference, actor, "invitation.remind", f"Reminded {len(due)} invitee(s)")
    return len(due)


def revoke(invitation: Invitation, *, actor=None) -> None:
    """Withdraw an invitation: its links stop working, an accepted place is given back,
    an invited speaker's role leaves the session."""
    if invitation.status is InvitationStatus.REVOKED:
        return
    if not _claim_status(invitation, InvitationStatus.REVOKED):
        return revoke(invitation, actor=actor)  # just answered: undo what that answer did
    if invitation.status is InvitationStatus.ACCEPTED:
        _undo_acceptance(invitation)
    if invitation.is_speaker:
        _free_role(invitation)
    invitation.status = InvitationStatus.REVOKED
    db.session.flush()
    record(invitation.conference, actor, "invitation.revoke", f"Withdrew the invitation of {invitation.email}")


def extend_deadline(invitation: Invitation, respond_by: datetime, *, actor=None) -> None:
    if invitation.status is InvitationStatus.REVOKED:
        raise DomainError(_("This invitation has been withdrawn."))
    if respond_by <= utcnow():
        raise DomainError(_("The answer deadline must be in the future."), "respond_by")
    invitation.respond_by = respond_by
    db.session.flush()
    record(invitation.conference, actor, "invitation.deadline",
           f"Answer deadline for {invitation.email} set to {respond_by.isoformat()}")


# --- categories ------------------------------------------------------------------------------


def _clean_category(conference: Conference, name: str, quota: int | None,
                    category: InvitationCategory | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError(_("Give the category a name."), "name")
    if quota is not None and quota <= 0:
        raise DomainError(_("A quota must be at least 1."), "quota")
    clash = db.session.scalar(
        select(InvitationCategory.id).where(
            InvitationCategory.conference_id == conference.id,
            func.lower(InvitationCategory.name) == name.lower(),
        )
    )
    if clash is not None and (category is None or clash != category.id):
        raise DomainError(_("There is already a category with this name."), "name")
    if category is not None and quota is not None and quota < category.accepted_count:
        raise DomainError(
            _("%(count)d people of this category have already accepted; the quota cannot be lower.",
              count=category.accepted_count), "quota")
    return name


def create_category(conference: Conference, name: str, quota: int | None = None, *,
                    actor=None) -> InvitationCategory:
    """Category names are unique per conference (ignoring case); a quota is at least 1."""
    name = _clean_category(conference, name, quota)
    category = InvitationCategory(conference=conference, name=name, quota=quota)
    db.session.add(category)
    db.session.flush()
    record(conference, actor, "invitation.category_add", f"Added invitation category “{name}”")
    return category


def update_category(category: InvitationCategory, name: str, quota: int | None, *, actor=None) -> None:
    """A quota may not drop below the acceptances already counted."""
    category.name = _clean_category(category.conference, name, quota, category)
    category.quota = quota
    db.session.flush()
    record(category.conference, actor, "invitation.category_edit", f"Edited invitation category “{category.name}”")


def delete_category(category: InvitationCategory, *, actor=None) -> None:
    """Its invitations stay, without a category."""
    record(category.conference, actor, "invitation.category_delete",
           f"Deleted invitation category “{category.name}”")
    db.session.delete(category)
    db.session.flush()


def category_by_name(conference: Conference, name: str) -> InvitationCategory | None:
    return db.session.scalar(
        select(InvitationCategory).where(
            InvitationCategory.conference_id == conference.id,
            func.lower(InvitationCategory.name) == name.strip().lower(),
        )
    )


LINK_STATE_LABELS = {
    LinkState.OPEN: _l("Open"),
    LinkState.EXPIRED: _l("Expired"),
    LinkState.CLOSED: _l("Answer final"),
    LinkState.REVOKED: _l("Withdrawn"),
}


def withdraw_for_removed_role(role: SessionRole, *, actor=None) -> None:
    """An organiser took someone out of a session: their speaker invitation to it
    ends too (its link then says so), and an accepted place is given back. The
    caller removes the role itself."""
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.session_id == role.session_id,
            Invitation.person_id == role.person_id,
            Invitation.status != InvitationStatus.REVOKED,
        )
    )
    if invitation is None:
        return
    if invitation.status is InvitationStatus.ACCEPTED:
        _give_back_quota_place(invitation)
    invitation.status = InvitationStatus.REVOKED
    record(invitation.conference, actor, "invitation.revoke",
           f"Withdrew the invitation of {invitation.email}: removed from the session")
