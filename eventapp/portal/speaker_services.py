"""A speaker's own sessions (confirm, decline, calendar) and the speakers' checklist.

A speaker sees each of their roles with the details the public sees (the latest
published release) when the session is in it, else the draft's, marked as not
public yet. Other people appear only with confirmed roles: an invited
co-panellist stays private until they accept. Organisers keep the checklist
(SpeakerTask); each speaker ticks items for themselves (SpeakerTaskDone).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..agenda.models import ROLE_LABELS, AgendaSession, RoleKind, RoleStatus, SessionRole
from ..agenda.releases import PublicAgenda, latest_release, public_agenda
from ..audit.services import record
from ..conferences.models import Conference
from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..mail.services import Attachment, external_url, queue_mail
from ..people.models import Person
from .models import SpeakerTask, SpeakerTaskDone

SPEAKING_ROLES = (RoleKind.KEYNOTE, RoleKind.SPEAKER)


# --- my sessions ----------------------------------------------------------------------------


def own_role_or_none(person: Person, role_id: int) -> SessionRole | None:
    """The role, only when it is this person's (so of their conference too)."""
    role = db.session.get(SessionRole, role_id)
    if role is None or role.person_id != person.id:
        return None
    return role


def roles_of(person: Person) -> list[SessionRole]:
    """The person's live roles with everything the page shows, in a fixed number of queries."""
    return list(db.session.scalars(
        select(SessionRole)
        .join(AgendaSession, AgendaSession.id == SessionRole.session_id)
        .where(SessionRole.person_id == person.id)
        .options(
            selectinload(SessionRole.session).options(
                selectinload(AgendaSession.room),
                selectinload(AgendaSession.sub_theme),
                selectinload(AgendaSession.roles).selectinload(SessionRole.person),
            )
        )
        .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
    ))


@dataclass
class MySession:
    """One of the speaker's roles with the session as they should see it."""

    role: SessionRole
    # A PublicSession when the session is in the latest release, else the live AgendaSession.
    session: Any
    published: bool
    moderators: list[Any] = field(default_factory=list)
    co_speakers: list[Any] = field(default_factory=list)

    @property
    def scheduled(self) -> bool:
        return self.session.starts_at is not None

    @property
    def state(self) -> str:
        """"invited", "unconfirmed" (confirmed role, not yet confirmed by the speaker) or "confirmed"."""
        if self.role.status is RoleStatus.INVITED:
            return "invited"
        return "confirmed" if self.role.speaker_confirmed_at else "unconfirmed"


def my_sessions(person: Person, agenda: PublicAgenda | None = None, *,
                conference: Conference | None = None) -> list[MySession]:
    """The speaker's roles, in time order, each with published or draft details
    and the other people (confirmed roles only) in the session."""
    conference = conference or person.conference
    agenda = agenda if agenda is not None else public_agenda(latest_release(conference))
    published = {s.id: s for s in agenda.sessions}
    result = []
    for role in roles_of(person):
        public = published.get(role.session_id)
        session = public if public is not None else role.session
        # Published roles are confirmed ones only; the draft's need filtering.
        others = [r for r in session.roles
                  if r.person.id != person.id and getattr(r, "status", RoleStatus.CONFIRMED) is RoleStatus.CONFIRMED]
        result.append(MySession(
            role=role, session=session, published=public is not None,
            moderators=[r.person for r in others if r.role is RoleKind.MODERATOR],
            co_speakers=[r.person for r in others if r.role in SPEAKING_ROLES],
        ))
    result.sort(key=lambda m: (m.session.starts_at is None,
                               m.session.starts_at.timestamp() if m.session.starts_at else 0.0,
                               m.session.id))
    return result


def _pending_invitation(role: SessionRole):
    from ..invitations.models import InvitationStatus
    from ..invitations.services import find_existing, session_target

    if not role.person.email:
        return None
    invitation = find_existing(role.session.conference, role.person.email, session_target(role.session))
    if invitation is not None and invitation.status is InvitationStatus.PENDING:
        return invitation
    return None


def confirm_role(role: SessionRole, *, actor=None) -> None:
    """The speaker says they will take part. An invited role with a pending
    invitation accepts that invitation (which confirms the role and sends the
    mails); otherwise the confirmation is noted once (a second click changes nothing)."""
    invitation = _pending_invitation(role) if role.status is RoleStatus.INVITED else None
    if invitation is not None:
        from ..invitations.services import respond

        respond(invitation, True, actor=actor)
    if role.speaker_confirmed_at is None:
        role.speaker_confirmed_at = utcnow()
        db.session.flush()
        if invitation is None:
            session = role.session
            record(session.conference, actor, "session.role_speaker_confirm",
                   f"{role.person.display_name} confirmed taking part in “{session.local('title', 'id')}”")


def decline_role(role: SessionRole, *, note: str = "", actor=None) -> None:
    """The speaker withdraws. An invited role with a pending invitation declines
    it (the invitations module frees the place and tells the organisers); any
    other role leaves the session and every organiser gets an e-mail."""
    note = (note or "").strip()[:2000]
    invitation = _pending_invitation(role) if role.status is RoleStatus.INVITED else None
    if invitation is not None:
        from ..invitations.services import respond

        respond(invitation, False, note=note, actor=actor)
        return
    from ..agenda.services import remove_role
    from ..invitations.services import organisers_of

    session, person = role.session, role.person
    conference = session.conference
    role_label = ROLE_LABELS[role.role]  # lazy: each organiser reads it in their language
    title_id, title_en = session.title_id, session.title_en
    link = external_url("agenda.manage_edit", slug=conference.slug, session_id=session.id)
    remove_role(role, actor=actor)
    db.session.flush()
    for organiser in organisers_of(conference):
        language = organiser.locale or "id"
        title = (title_en or title_id) if language == "en" else (title_id or title_en)
        queue_mail(
            to=organiser.email, name=organiser.name, language=language,
            template="speaker_withdrew", kind="speaker_withdrew", conference=conference,
            subject=lambda title=title: _("%(name)s withdrew from: %(session)s",
                                          name=person.display_name, session=title),
            context={"person": person, "role_label": role_label, "session_title": title,
                     "note": note, "link": link},
        )


def role_ics(role: SessionRole, conference: Conference, language: str) -> Attachment | None:
    """The session as one calendar event: the published version when it is
    public, else the draft's (None when it has no time yet)."""
    release = latest_release(conference)
    public = next((s for s in public_agenda(release).sessions if s.id == role.session_id), None)
    if public is not None:
        from ..agenda.exports import ical

        venue_by_room = {}
        if role.session.room is not None and role.session.room_id == getattr(public.room, "id", None):
            venue_by_room[role.session.room.id] = role.session.room.venue.name
        text = ical(conference, release, [public], lang=language, name=public.local("title", language),
                    venue_by_room=venue_by_room).decode()
        return Attachment("session.ics", "text/calendar", text)
    from ..invitations.services import session_ics

    return session_ics(role.session, conference, language)


# --- the speakers' checklist -------------------------------------------------------------------


def tasks_of(conference: Conference) -> list[SpeakerTask]:
    return list(db.session.scalars(
        select(SpeakerTask).where(SpeakerTask.conference_id == conference.id)
        .order_by(SpeakerTask.position, SpeakerTask.due_on.is_(None), SpeakerTask.due_on, SpeakerTask.id)
    ))


def task_of(conference: Conference, task_id: int) -> SpeakerTask | None:
    task = db.session.get(SpeakerTask, task_id)
    return task if task is not None and task.conference_id == conference.id else None


def done_task_ids(person: Person) -> set[int]:
    return set(db.session.scalars(select(SpeakerTaskDone.task_id).where(SpeakerTaskDone.person_id == person.id)))


def today_in(conference: Conference) -> date:
    return datetime.now(conference.zone).date()


def is_overdue(task: SpeakerTask, done: bool, today: date) -> bool:
    return not done and task.due_on is not None and task.due_on < today


def set_task_done(task: SpeakerTask, person: Person, done: bool) -> None:
    """Tick or untick an item for one speaker. Two clicks at once make one row
    (the unique constraint decides); unticking twice is harmless."""
    if task.conference_id != person.conference_id:
        raise DomainError(_("This item belongs to another conference."))
    if not done:
        db.session.execute(delete(SpeakerTaskDone).where(SpeakerTaskDone.task_id == task.id,
                                                         SpeakerTaskDone.person_id == person.id))
        return
    try:
        with db.session.begin_nested():
            db.session.add(SpeakerTaskDone(task_id=task.id, person_id=person.id))
    except IntegrityError:
        pass  # already ticked (a double click, another tab): one row is enough


def speaker_ids_subquery(conference: Conference):
    """People of the conference with at least one role."""
    return (select(SessionRole.person_id)
            .join(Person, Person.id == SessionRole.person_id)
            .where(Person.conference_id == conference.id)
            .distinct())


def speaker_count(conference: Conference) -> int:
    return db.session.scalar(select(func.count()).select_from(speaker_ids_subquery(conference).subquery())) or 0


def done_counts(conference: Conference) -> dict[int, int]:
    """For each item, how many of the current speakers ticked it (one query)."""
    rows = db.session.execute(
        select(SpeakerTaskDone.task_id, func.count())
        .join(SpeakerTask, SpeakerTask.id == SpeakerTaskDone.task_id)
        .where(SpeakerTask.conference_id == conference.id,
               SpeakerTaskDone.person_id.in_(speaker_ids_subquery(conference)))
        .group_by(SpeakerTaskDone.task_id)
    )
    return {task_id: count for task_id, count in rows}


def _clean(title_id: str, title_en: str) -> tuple[str, str]:
    title_id, title_en = (title_id or "").strip(), (title_en or "").strip()
    if not title_id and not title_en:
        raise DomainError(_("Give a title in at least one language."), "title_id")
    return title_id, title_en


def create_task(conference: Conference, *, title_id: str, title_en: str, details_id: str = "",
                details_en: str = "", due_on: date | None = None, actor=None) -> SpeakerTask:
    """A new checklist item, at the end of the list. A title in one language at least."""
    title_id, title_en = _clean(title_id, title_en)
    position = (db.session.scalar(
        select(func.max(SpeakerTask.position)).where(SpeakerTask.conference_id == conference.id)
    ) or 0) + 1
    task = SpeakerTask(conference_id=conference.id, title_id=title_id, title_en=title_en,
                       details_id=(details_id or "").strip(), details_en=(details_en or "").strip(),
                       due_on=due_on, position=position)
    db.session.add(task)
    db.session.flush()
    record(conference, actor, "speaker_task.create", f"Added the speakers' checklist item “{task.local('title', 'id')}”")
    return task


def update_task(task: SpeakerTask, *, title_id: str, title_en: str, details_id: str = "",
                details_en: str = "", due_on: date | None = None, actor=None) -> None:
    task.title_id, task.title_en = _clean(title_id, title_en)
    task.details_id, task.details_en = (details_id or "").strip(), (details_en or "").strip()
    task.due_on = due_on
    db.session.flush()
    record(db.session.get(Conference, task.conference_id), actor, "speaker_task.update",
           f"Edited the speakers' checklist item “{task.local('title', 'id')}”")


def delete_task(task: SpeakerTask, *, actor=None) -> None:
    """Deleting an item removes every speaker's tick of it too."""
    conference = db.session.get(Conference, task.conference_id)
    title = task.local("title", "id")
    db.session.delete(task)
    db.session.flush()
    record(conference, actor, "speaker_task.delete", f"Deleted the speakers' checklist item “{title}”")
