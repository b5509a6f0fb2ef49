"""A speaker's "My sessions" page: what it shows, confirm, decline, calendar."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import RoleKind, RoleStatus, SessionRole
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.invitations import services as inv
from eventapp.invitations.models import Invitation, InvitationStatus
from eventapp.mail.models import OutboxMessage
from eventapp.portal.models import PersonalAgenda

from ..checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages

SPEAKER_EMAIL = "pembicara@example.org"


@pytest.fixture
def setup(make, auth):
    """A published conference; the signed-in speaker is in one published session
    with a confirmed co-panellist, a moderator and an invited co-panellist."""
    conf = make.conference(slug="konf", title_id="Konferensi Uji")
    room = make.room(conf, "Ruang Melati", accessibility_id="Lift di lobi timur",
                     accessibility_en="Lift in the east lobby")
    theme = make.sub_theme(conf, code="PS", title_id="Pangan Sehat", title_en="Healthy food")
    me = make.person(conf, "Dewi Pembicara", email=SPEAKER_EMAIL)
    other = make.person(conf, "Budi Panelis", email="budi@example.org")
    moderator = make.person(conf, "Sari Moderator")
    hidden = make.person(conf, "Tono Diundang")
    session = make.session(conf, start=(9, 0), end=(10, 30), room=room, sub_theme=theme,
                           title_id="Sesi Pangan")
    role = make.role(session, me, RoleKind.SPEAKER)
    make.role(session, other, RoleKind.SPEAKER)
    make.role(session, moderator, RoleKind.MODERATOR)
    invited = make.role(session, hidden, RoleKind.SPEAKER)
    invited.status = RoleStatus.INVITED
    db.session.commit()
    make.publish(conf)
    organiser = make.organiser(conf, email="panitia@example.org")
    user = make.user(email=SPEAKER_EMAIL)
    auth.login(user)
    return {"conf": conf, "session": session, "role": role, "me": me, "user": user,
            "organiser": organiser, "room": room}


def page(client, slug="konf"):
    response = client.get(f"/c/{slug}/my/sessions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_page_shows_the_session_as_published(client, setup):
    html = page(client)
    assert "Sesi Pangan" in html
    assert "09:00–10:30 WIB" in html
    assert "Ruang Melati" in html
    assert "Lift in the east lobby" in html
    assert "Healthy food" in html
    assert "Budi Panelis" in html
    assert "Sari Moderator" in html
    assert "Tono Diundang" not in html  # invited, not confirmed: private
    assert "Not yet on the public agenda" not in html
    assert f"/c/konf/sessions/{setup['session'].id}" in html
    assert f"/c/konf/my/sessions/{setup['role'].id}/calendar.ics" in html
    assert "Please confirm you will take part" in html


def test_page_makes_the_feed(client, setup):
    html = page(client)
    assert "/feed" in html or "calendar" in html
    assert db.session.scalar(select(func.count()).select_from(PersonalAgenda)) == 1


def test_draft_only_and_unscheduled_sessions(client, setup, make):
    conf = setup["conf"]
    draft_session = make.session(conf, start=(13, 0), end=(14, 0), title_id="Sesi Draf")
    make.role(draft_session, setup["me"], RoleKind.MODERATOR)
    unscheduled = make.session(conf, title_id="Sesi Tanpa Waktu")
    unscheduled.starts_at = unscheduled.ends_at = None
    db.session.commit()
    unplanned_role = make.role(unscheduled, setup["me"], RoleKind.SPEAKER)
    html = page(client)
    assert "Sesi Draf" in html
    assert "Not yet on the public agenda" in html
    assert "Time not set yet" in html
    assert html.index("Sesi Pangan") < html.index("Sesi Draf") < html.index("Sesi Tanpa Waktu")
    assert f"/c/konf/sessions/{draft_session.id}" not in html
    assert client.get(f"/c/konf/my/sessions/{unplanned_role.id}/calendar.ics").status_code == 404


def test_draft_details_hide_invited_people(client, setup, make):
    conf = setup["conf"]
    session = make.session(conf, start=(13, 0), end=(14, 0), title_id="Sesi Draf")
    make.role(session, setup["me"], RoleKind.SPEAKER)
    guest = make.role(session, make.person(conf, "Rahasia Undangan"), RoleKind.SPEAKER)
    guest.status = RoleStatus.INVITED
    db.session.commit()
    assert "Rahasia Undangan" not in page(client)


def test_empty_state(client, make, auth):
    conf = make.conference(slug="kosong")
    user = make.user()
    make.person(conf, "Tanpa Sesi", email=user.email)
    auth.login(user)
    html = page(client, "kosong")
    assert "You have no sessions in this conference yet" in html


def test_confirm_sets_the_date_once(client, setup):
    role_id = setup["role"].id
    url = f"/c/konf/my/sessions/{role_id}/confirm"
    response = client.post(url)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/c/konf/my/sessions")
    db.session.expire_all()
    first = db.session.get(SessionRole, role_id).speaker_confirmed_at
    assert first is not None
    assert client.post(url).status_code == 303
    db.session.expire_all()
    assert db.session.get(SessionRole, role_id).speaker_confirmed_at == first
    assert "You confirmed on" in page(client)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "session.role_speaker_confirm")) == 1


@pytest.fixture
def invitation(setup, make):
    conf = setup["conf"]
    session = make.session(conf, start=(11, 0), end=(12, 0), title_id="Sesi Undangan")
    invitation, _ = inv.invite_speaker(conf, session, RoleKind.SPEAKER,
                                       inv.Invitee(email=SPEAKER_EMAIL, full_name="Dewi Pembicara"))
    db.session.commit()
    role = db.session.scalar(select(SessionRole).where(SessionRole.session_id == session.id,
                                                       SessionRole.person_id == setup["me"].id))
    assert role.status is RoleStatus.INVITED
    return invitation, role


def test_confirm_of_an_invited_role_accepts_the_invitation(client, setup, invitation):
    invitation, role = invitation
    assert "Invited — please answer" in page(client)
    assert client.post(f"/c/konf/my/sessions/{role.id}/confirm").status_code == 303
    db.session.expire_all()
    assert invitation.status is InvitationStatus.ACCEPTED
    assert role.status is RoleStatus.CONFIRMED
    assert role.speaker_confirmed_at is not None


def test_decline_page_and_invited_role(client, setup, invitation):
    invitation, role = invitation
    role_id = role.id
    response = client.get(f"/c/konf/my/sessions/{role_id}/decline")
    assert response.status_code == 200
    assert "Sesi Undangan" in response.get_data(as_text=True)
    response = client.post(f"/c/konf/my/sessions/{role_id}/decline", data={"message": "Bentrok jadwal"})
    assert response.status_code == 303
    db.session.expire_all()
    invitation = db.session.get(Invitation, invitation.id)
    assert invitation.status is InvitationStatus.DECLINED
    assert invitation.response_note == "Bentrok jadwal"
    assert db.session.get(SessionRole, role_id) is None


def test_decline_of_a_confirmed_role_removes_it_and_tells_the_organisers(client, setup):
    role_id = setup["role"].id
    response = client.post(f"/c/konf/my/sessions/{role_id}/decline", data={"message": "Sakit"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(SessionRole, role_id) is None
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "speaker_withdrew")).all()
    assert [m.to_address for m in mails] == ["panitia@example.org"]
    assert "Dewi Pembicara" in mails[0].body_text
    assert "Sesi Pangan" in mails[0].body_text
    assert "Sakit" in mails[0].body_text
    assert f"/manage/konf/sessions/{setup['session'].id}/edit" in mails[0].body_text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "session.role_remove")) == 1


def test_too_long_message_is_refused(client, setup):
    role_id = setup["role"].id
    response = client.post(f"/c/konf/my/sessions/{role_id}/decline", data={"message": "x" * 2001})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(SessionRole, role_id) is not None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_another_persons_role_is_not_found(client, setup, make):
    other = db.session.scalar(select(SessionRole).where(SessionRole.person_id != setup["me"].id,
                                                        SessionRole.status == RoleStatus.CONFIRMED))
    for method, suffix in (("POST", "confirm"), ("GET", "decline"), ("POST", "decline"), ("GET", "calendar.ics")):
        response = client.open(f"/c/konf/my/sessions/{other.id}/{suffix}", method=method)
        assert response.status_code == 404, (method, suffix)
    db.session.expire_all()
    assert other.speaker_confirmed_at is None
    assert db.session.get(SessionRole, other.id) is not None
    # The user's own role, asked for under another conference: not found either.
    make.person(make.conference(slug="lain"), "Dewi", email=SPEAKER_EMAIL)
    assert client.post(f"/c/lain/my/sessions/{setup['role'].id}/confirm").status_code == 404


def test_calendar_file(client, setup):
    response = client.get(f"/c/konf/my/sessions/{setup['role'].id}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "DTSTART;TZID=Asia/Jakarta:20260310T090000" in text
    assert text.count("BEGIN:VEVENT") == 1
    assert "Sesi Pangan" in text


def test_calendar_file_of_a_draft_session(client, setup, make):
    session = make.session(setup["conf"], start=(15, 0), end=(16, 0), title_id="Sesi Draf")
    role = make.role(session, setup["me"], RoleKind.SPEAKER)
    text = client.get(f"/c/konf/my/sessions/{role.id}/calendar.ics").get_data(as_text=True)
    assert "DTSTART;TZID=Asia/Jakarta:20260310T150000" in text


def test_query_count_does_not_grow_with_sessions(client, setup, make, count_queries):
    page(client)  # the feed row exists from here on
    with count_queries() as one:
        page(client)
    conf = setup["conf"]
    for hour in range(11, 16):
        session = make.session(conf, start=(hour, 0), end=(hour, 30), room=setup["room"])
        make.role(session, setup["me"], RoleKind.SPEAKER)
        make.role(session, make.person(conf), RoleKind.MODERATOR)
    make.publish(conf)
    page(client)  # warm up: each process reads a new release's snapshot once
    with count_queries() as six:
        html = page(client)
    assert html.count('class="card"') == 6
    assert len(six) == len(one)


def test_pages_are_valid_html(client, setup, make, tmp_path):
    from eventapp.portal.speaker_services import create_task

    create_task(setup["conf"], title_id="Kirim salindia", title_en="", details_id="Format PDF")
    db.session.commit()
    pages = {
        "my-sessions.html": client.get("/c/konf/my/sessions").data,
        "decline.html": client.get(f"/c/konf/my/sessions/{setup['role'].id}/decline").data,
        "decline-error.html": client.post(f"/c/konf/my/sessions/{setup['role'].id}/decline",
                                          data={"message": "x" * 2001}).data,
    }
    assert validate_html(pages, tmp_path) == []
