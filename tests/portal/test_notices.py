"""One e-mail per affected person when a release changes their agenda."""
from __future__ import annotations

from sqlalchemy import func, select

from eventapp.agenda.models import RoleKind, SessionKind
from eventapp.agenda.services import delete_session, remove_role, update_session
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.portal.models import DroppedChoice, PersonalAgenda, StarredSession
from eventapp.registration.models import RegistrationStatus

from ..checkers import validate_html


def notices() -> dict[str, OutboxMessage]:
    """The agenda-change messages by recipient (fails if anyone got two)."""
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "agenda_changes")).all()
    by_address = {m.to_address: m for m in messages}
    assert len(by_address) == len(messages), "someone got more than one notice"
    return by_address


def setup(make):
    conference = make.conference()
    hall, room_a, room_b = make.room(conference, "Balai"), make.room(conference, "Ruang A"), make.room(conference, "Ruang B")
    plenary = make.session(conference, (8, 0), (9, 0), room=hall, kind=SessionKind.PLENARY, title_id="Pleno Pembukaan")
    panel = make.session(conference, (9, 0), (10, 0), room=room_a, title_id="Panel Anggaran Responsif Gender")
    other = make.session(conference, (9, 0), (10, 0), room=room_b, title_id="Panel Lain")
    speaker = make.person(conference, "Ibu Pembicara", email="pembicara@example.org")
    quiet = make.person(conference, "Pak Tenang", email="tenang@example.org")
    make.role(panel, speaker, RoleKind.SPEAKER)
    make.role(other, quiet, RoleKind.SPEAKER)
    chose_panel = make.registration(conference, "a@example.org", sessions=[panel])
    chose_other = make.registration(conference, "b@example.org", sessions=[other])
    make.publish(conference)
    return conference, plenary, panel, other, hall, room_a, room_b, chose_panel, chose_other


def test_first_release_sends_nothing(make):
    setup(make)
    assert notices() == {}


def test_moving_a_session_mails_its_speaker_and_attendees_once_each(make):
    conference, plenary, panel, other, hall, room_a, room_b, *_ = setup(make)
    # Several edits before publishing: still one message each.
    update_session(panel, starts_at=make.at(conference, 11, 0), ends_at=make.at(conference, 12, 0))
    update_session(panel, starts_at=make.at(conference, 13, 0), ends_at=make.at(conference, 14, 30))
    update_session(panel, room=room_b)
    update_session(other, starts_at=make.at(conference, 10, 0), ends_at=make.at(conference, 11, 0), room=room_a)
    db.session.commit()
    make.publish(conference)
    sent = notices()
    assert set(sent) == {"pembicara@example.org", "a@example.org", "tenang@example.org", "b@example.org"}
    body = sent["a@example.org"].body_text
    assert "Panel Anggaran Responsif Gender" in body
    assert "13.00–14.30 WIB" in body and "09.00–10.00 WIB" in body  # new time, and the old one
    assert "Ruang B" in body and "Ruang A" in body
    assert "Panel Lain" not in body  # only their own sessions
    assert "Panel Lain" in sent["b@example.org"].body_text
    assert "/me" in body


def test_a_plenary_change_reaches_every_confirmed_attendee_only(make):
    conference, plenary, *_rest = setup(make)
    make.registration(conference, "menunggu@example.org", status=RegistrationStatus.WAITING)
    make.registration(conference, "batal@example.org", status=RegistrationStatus.CANCELLED)
    update_session(plenary, starts_at=make.at(conference, 7, 30), ends_at=make.at(conference, 8, 45))
    db.session.commit()
    make.publish(conference)
    assert set(notices()) == {"a@example.org", "b@example.org"}
    assert "Pleno Pembukaan" in notices()["a@example.org"].body_text


def test_speakers_hear_when_added_or_removed(make):
    conference, plenary, panel, other, *_ = setup(make)
    newcomer = make.person(conference, "Dr. Baru", email="baru@example.org")
    make.role(other, newcomer, RoleKind.MODERATOR)
    remove_role(next(r for r in panel.roles if r.person.email == "pembicara@example.org"))
    db.session.commit()
    make.publish(conference)
    sent = notices()
    assert set(sent) == {"baru@example.org", "pembicara@example.org"}  # attendees: nothing moved
    assert "Panel Lain" in sent["baru@example.org"].body_text
    assert "moderator" in sent["baru@example.org"].body_text.lower()
    assert "Panel Anggaran Responsif Gender" in sent["pembicara@example.org"].body_text


def test_a_deleted_session_is_announced_as_cancelled_to_those_who_chose_it(make):
    conference, plenary, panel, other, hall, room_a, room_b, chose_panel, chose_other = setup(make)
    delete_session(panel)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DroppedChoice)) == 1
    make.publish(conference)
    sent = notices()
    assert set(sent) == {"a@example.org", "pembicara@example.org"}
    assert "Panel Anggaran Responsif Gender" in sent["a@example.org"].body_text
    assert db.session.scalar(select(func.count()).select_from(DroppedChoice)) == 0


def test_starred_sessions_count_and_one_person_in_two_roles_gets_one_message(make):
    conference, plenary, panel, other, hall, room_a, room_b, chose_panel, chose_other = setup(make)
    fan = make.user("penggemar@example.org")
    agenda = PersonalAgenda(user_id=fan.id, conference_id=conference.id)
    db.session.add(agenda)
    db.session.flush()
    db.session.add(StarredSession(agenda_id=agenda.id, session_uid=other.uid))
    # The speaker is also registered and chose her own panel.
    make.registration(conference, "pembicara@example.org", sessions=[panel])
    update_session(other, room=hall)
    update_session(panel, starts_at=make.at(conference, 15, 0), ends_at=make.at(conference, 16, 0))
    db.session.commit()
    make.publish(conference)
    sent = notices()
    assert "penggemar@example.org" in sent and "Panel Lain" in sent["penggemar@example.org"].body_text
    assert "Panel Anggaran" in sent["pembicara@example.org"].body_text


def test_notices_are_in_the_recipients_language_and_valid_html(make, tmp_path):
    conference, plenary, panel, *_ = setup(make)
    make.registration(conference, "en@example.org", sessions=[panel], language="en")
    update_session(panel, starts_at=make.at(conference, 11, 0), ends_at=make.at(conference, 12, 0))
    db.session.commit()
    make.publish(conference)
    sent = notices()
    assert sent["en@example.org"].language == "en" and sent["a@example.org"].language == "id"
    assert "11:00–12:00 WIB" in sent["en@example.org"].body_text  # English clock
    assert "11.00–12.00 WIB" in sent["a@example.org"].body_text
    pages = {f"{m.language}-{n}.html": m.body_html.encode() for n, m in enumerate(sent.values())}
    assert validate_html(pages, tmp_path) == []


def test_publishing_costs_the_same_queries_for_10_or_60_attendees(make, count_queries):
    counts = []
    for attendees in (10, 60):
        conference, plenary, panel, *_ = setup(make)
        for n in range(attendees):
            make.registration(conference, f"p{attendees}-{n}@example.org", sessions=[panel] if n % 2 else [])
        update_session(plenary, starts_at=make.at(conference, 7, 0), ends_at=make.at(conference, 8, 30))
        update_session(panel, room=None)
        db.session.commit()
        from eventapp.agenda.releases import publish

        with count_queries() as queries:
            publish(conference)
        db.session.commit()
        counts.append(len(queries))
    assert counts[0] == counts[1]
