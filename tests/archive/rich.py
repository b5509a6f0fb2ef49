"""A conference with a row in every archived table: the demo plus what the demo lacks."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from eventapp.accounts.models import ConferenceMembership, MembershipRole, User
from eventapp.agenda.models import AgendaSession, ConflictAcknowledgement
from eventapp.agenda.releases import publish
from eventapp.conferences.models import Conference, Room
from eventapp.db_types import utcnow
from eventapp.demo import load_demo
from eventapp.extensions import db
from eventapp.invitations.models import Invitation, InvitationToken
from eventapp.people.models import Person, PersonPhoto
from eventapp.portal.models import DroppedChoice, PersonalAgenda, SpeakerTask, SpeakerTaskDone, StarredSession
from eventapp.registration.models import QuestionKind, Registration, RegistrationQuestion
from eventapp.tokens import hash_token

from .. import factories

PLAIN_TOKEN = "plaintext-secret-never-archived"
PHOTO = bytes(range(256)) * 4  # not an image, but bytes that must survive base64 exactly


def build_rich_conference() -> Conference:
    """The demo conference, then: a photo and locked fields, team members of each
    role, a question with answers, starred sessions, a ticked task, acknowledged
    conflicts, and releases that name a session and a room deleted since."""
    conference, _created = load_demo()
    db.session.flush()
    people = db.session.scalars(select(Person).where(Person.conference_id == conference.id)
                                .order_by(Person.id)).all()
    sessions = db.session.scalars(select(AgendaSession).where(AgendaSession.conference_id == conference.id)
                                  .order_by(AgendaSession.id)).all()
    speaker = people[0]
    speaker.locked_fields = ["position", "photo"]
    speaker.photo = PersonPhoto(data=PHOTO, width=32, height=32, digest="ab" * 32)

    organiser = User(email="ketua@demo.example", name="Ketua Panitia")
    organiser.set_password(factories.TEST_PASSWORD)
    desk = User(email="meja@demo.example", locale="en")
    viewer = User(email="pengamat@demo.example")
    db.session.add_all([organiser, desk, viewer])
    db.session.flush()
    db.session.add_all([
        ConferenceMembership(user_id=organiser.id, conference_id=conference.id, role=MembershipRole.ORGANISER),
        ConferenceMembership(user_id=desk.id, conference_id=conference.id, role=MembershipRole.CHECKIN,
                             invited_by_id=organiser.id),
        ConferenceMembership(user_id=viewer.id, conference_id=conference.id, role=MembershipRole.VIEWER,
                             invited_by_id=organiser.id),
    ])

    question = RegistrationQuestion(conference_id=conference.id, label_id="Ukuran kaos", label_en="T-shirt size",
                                    kind=QuestionKind.SINGLE_CHOICE, options=["S", "M", "L"], required=True)
    db.session.add(question)
    db.session.flush()
    registration = db.session.scalars(select(Registration).where(Registration.conference_id == conference.id)
                                      .order_by(Registration.id)).first()
    registration.answers = {str(question.id): "M"}
    registration.checked_in_by_id = desk.id

    agenda = PersonalAgenda(user_id=desk.id, conference_id=conference.id, seen_release=1,
                            feed_token_hash=hash_token("feed-secret"), feed_created_at=utcnow())
    db.session.add(agenda)
    db.session.flush()
    db.session.add_all([StarredSession(agenda_id=agenda.id, session_uid=s.uid) for s in sessions[:3]])

    task = db.session.scalars(select(SpeakerTask).where(SpeakerTask.conference_id == conference.id)).first()
    db.session.add(SpeakerTaskDone(task_id=task.id, person_id=speaker.id))
    db.session.add_all([
        ConflictAcknowledgement(session_id=sessions[2].id, key="no_moderator", user_id=organiser.id),
        ConflictAcknowledgement(session_id=sessions[2].id, user_id=organiser.id,
                                key=f"person_overlap:{speaker.id}:{sessions[2].id}:{sessions[3].id}"),
        ConflictAcknowledgement(session_id=sessions[3].id, key=f"room_overlap:{sessions[3].id}:{sessions[4].id}"),
    ])
    invitation = db.session.scalars(select(Invitation).where(Invitation.conference_id == conference.id)
                                    .order_by(Invitation.id)).first()
    db.session.add(InvitationToken(invitation_id=invitation.id, token_hash=hash_token(PLAIN_TOKEN),
                                   created_at=utcnow() - timedelta(days=1)))

    # v2 adds a session in a new room; then both are deleted (v3), so v2's snapshot,
    # a dropped choice and a speaker invitation name rows that no longer exist.
    extra_room = Room(venue_id=conference.venues[0].id, name="Ruang Sementara", capacity=20, position=9)
    db.session.add(extra_room)
    db.session.flush()
    doomed = factories.create_session(
        conference, title_id="Sesi yang dibatalkan", starts_at=sessions[-1].ends_at,
        ends_at=sessions[-1].ends_at + timedelta(hours=1), room=extra_room,
    )
    publish(conference, note="v2")
    db.session.add(DroppedChoice(conference_id=conference.id, registration_id=registration.id,
                                 session_uid=doomed.uid))
    invitation.session_id, invitation.target = doomed.id, f"session:{doomed.id}"  # as invite_speaker writes it
    db.session.delete(doomed)
    db.session.flush()
    db.session.delete(extra_room)
    db.session.flush()
    publish(conference, note="v3")
    db.session.add(DroppedChoice(conference_id=conference.id, registration_id=registration.id,
                                 session_uid=uuid.uuid4()))
    db.session.commit()
    return conference
