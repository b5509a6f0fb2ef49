"""Invitations follow the agenda: taking a person out of a session, or deleting
the session, withdraws their invitation to it; invited roles stay off the public agenda."""
from __future__ import annotations

from sqlalchemy import select

from eventapp.agenda.models import RoleKind, RoleStatus
from eventapp.agenda.releases import latest_release
from eventapp.agenda.services import delete_session, remove_role
from eventapp.extensions import db
from eventapp.invitations import services
from eventapp.invitations.models import Invitation, InvitationStatus


def _invite(make, conference, email="narasumber@example.org", **kw):
    room = make.room(conference, "Ruang A")
    agenda_session = make.session(conference, room=room, title_id="Sesi A")
    invitation, created = services.invite_speaker(
        conference, agenda_session, RoleKind.SPEAKER, services.Invitee(email, "Narasumber Baru"), **kw
    )
    db.session.commit()
    assert created
    return agenda_session, invitation


def test_removing_an_invited_role_withdraws_the_invitation(make):
    conference = make.conference()
    agenda_session, invitation = _invite(make, conference)
    remove_role(agenda_session.roles[0])
    db.session.commit()
    assert invitation.status is InvitationStatus.REVOKED
    assert agenda_session.roles == []


def test_removing_an_accepted_speaker_gives_the_quota_place_back(make):
    conference = make.conference()
    category = services.create_category(conference, "Narasumber", 1)
    agenda_session, invitation = _invite(make, conference, category=category)
    services.respond(invitation, True)
    db.session.commit()
    assert category.accepted_count == 1
    remove_role(agenda_session.roles[0])
    db.session.commit()
    db.session.refresh(category)
    assert invitation.status is InvitationStatus.REVOKED and category.accepted_count == 0


def test_deleting_the_session_withdraws_and_keeps_the_invitation(make):
    conference = make.conference()
    agenda_session, invitation = _invite(make, conference)
    invitation_id = invitation.id
    delete_session(agenda_session)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Invitation, invitation_id)
    assert kept is not None and kept.status is InvitationStatus.REVOKED and kept.session_id is None


def test_invited_roles_are_not_published_until_accepted(make):
    conference = make.conference()
    agenda_session, invitation = _invite(make, conference)
    assert agenda_session.roles[0].status is RoleStatus.INVITED
    make.publish(conference)
    first = latest_release(conference)
    assert first.snapshot["people"] == []
    assert first.snapshot["sessions"][0]["roles"] == []
    services.respond(invitation, True)
    db.session.commit()
    make.publish(conference)
    second = latest_release(conference)
    assert [p["full_name"] for p in second.snapshot["people"]] == ["Narasumber Baru"]
    assert second.snapshot["sessions"][0]["roles"] == [
        {"person_id": invitation.person_id, "role": "speaker"}
    ]


def test_demo_keeps_its_invitations_on_record(runner):
    from eventapp.demo import DEMO_SLUG

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    rows = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    by_status = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    assert by_status == {InvitationStatus.ACCEPTED: 4, InvitationStatus.DECLINED: 1,
                         InvitationStatus.PENDING: 4}
    speaker = rows[0]
    assert speaker.is_speaker and speaker.full_name == "Ilham Azikin"
    assert speaker.conference.slug == DEMO_SLUG
