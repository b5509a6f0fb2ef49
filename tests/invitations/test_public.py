"""The invitee's page /i/<token>: what it shows, answering, closed links,
unknown tokens, language, privacy headers, rate limit, valid HTML."""
from __future__ import annotations

import re
import secrets

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventapp.agenda.models import RoleKind
from eventapp.agenda.services import create_session
from eventapp.extensions import db
from eventapp.i18n import format_datetime_local
from eventapp.invitations import services as inv
from eventapp.invitations.models import Invitation, InvitationCategory, InvitationStatus, ResponseChannel
from eventapp.mail.services import reveal
from eventapp.registration.models import Registration, RegistrationStatus

from ..checkers import validate_html
from .test_services import answer, deadline_passed, invite_delegate, invite_speaker, link_for, messages


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def in_english(client) -> None:
    """The visitor switches the page to English (the msgids of new strings)."""
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 303


def reload(invitation: Invitation) -> Invitation:
    db.session.expire_all()
    return db.session.get(Invitation, invitation.id)


def local(instant, conference) -> str:
    """An instant as the English page writes it."""
    with force_locale("en"):
        return format_datetime_local(instant, conference.timezone)


def assert_private(response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def speaker_world(make):
    """A speaker invited to a scheduled panel with a confirmed co-speaker and
    moderator, and another invitee who has not answered yet."""
    conference = make.conference(title_id="Konferensi Nasional", title_en="National Conference",
                                 contact_email="sekretariat@example.org")
    make.venue(conference, "Hotel Borobudur", city="Jakarta")
    room = make.room(conference, "Ruang Anggrek", step_free=True, accessibility_en="Lift from the lobby",
                     accessibility_id="Lift dari lobi")
    session = make.session(conference, (10, 30), (12, 0), room=room, title_id="Perlindungan Sosial",
                           title_en="Social Protection")
    make.role(session, make.person(conference, "Ani Pembicara", organisation="Bappenas"))
    make.role(session, make.person(conference, "Budi Moderator"), RoleKind.MODERATOR)
    invite_speaker(conference, session, "belum@example.org", name="Citra Belum Menjawab")
    invitation = invite_speaker(conference, session, "pembicara@example.org", name="Dewi Diundang",
                                language="en", message="Your experience in Bantaeng is the heart of this panel.")
    return {"conference": conference, "session": session, "invitation": invitation,
            "token": link_for(invitation)}


@pytest.fixture
def delegate_world(make):
    conference = make.conference(title_en="National Conference", organisers="Bappenas and UN Women")
    make.venue(conference, "Hotel Borobudur", city="Jakarta")
    invitation = invite_delegate(conference, "tamu@example.org", name="Eko Tamu", language="en",
                                 reserved_seat=True, message="We would be glad to see you.")
    return {"conference": conference, "invitation": invitation, "token": link_for(invitation)}


# --- the open page ---------------------------------------------------------------------------


def test_a_speaker_sees_the_session_role_time_place_and_fellow_panellists(client, speaker_world):
    token, invitation = speaker_world["token"], speaker_world["invitation"]

    response = client.get(f"/i/{token}")

    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="en">' in page  # the invitation's language
    assert "National Conference" in page and "Social Protection" in page
    assert "Dear Dewi Diundang," in page
    assert "Your role</dt><dd>Speaker" in page
    assert "March 10, 2026, 10:30–12:00 WIB" in page
    assert "Ruang Anggrek, Hotel Borobudur, Jakarta" in page
    assert "Step-free access" in page and "Lift from the lobby" in page
    assert "Ani Pembicara" in page and "Budi Moderator" in page
    assert "Citra Belum Menjawab" not in page  # other invitees stay private until they accept
    assert "Your experience in Bantaeng is the heart of this panel." in page
    assert f"You can change your answer until {local(invitation.respond_by, invitation.conference)}" not in page
    assert f"Please answer by {local(invitation.respond_by, invitation.conference)}" in page
    assert 'name="answer" value="accept"' in page and 'name="answer" value="decline"' in page
    assert "sekretariat@example.org" in page


def test_a_delegate_sees_the_days_the_venue_and_the_reserved_seat(client, delegate_world):
    response = client.get(f"/i/{delegate_world['token']}")

    assert response.status_code == 200
    page = text_of(response)
    assert "You are invited to attend National Conference." in page
    assert "Tuesday, March 10, 2026" in page
    assert "Hotel Borobudur, Jakarta" in page
    assert "A seat is reserved for you." in page
    assert "We would be glad to see you." in page
    assert "Contact the organisers: Bappenas and UN Women." in page  # no contact address set


def test_the_page_is_private(client, delegate_world):
    response = client.get(f"/i/{delegate_world['token']}")
    assert_private(response)
    assert '<meta name="robots" content="noindex">' in text_of(response)
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_the_page_speaks_the_invitations_language_unless_the_visitor_switched(client, make):
    conference = make.conference(title_id="Konferensi Nasional", title_en="National Conference")
    indonesian = link_for(invite_delegate(conference, "id@example.org", language="id"))
    english = link_for(invite_delegate(conference, "en@example.org", language="en"))

    page = text_of(client.get(f"/i/{indonesian}", headers={"Accept-Language": "en"}))
    assert '<html lang="id">' in page and "Konferensi Nasional" in page
    page = text_of(client.get(f"/i/{english}"))
    assert '<html lang="en">' in page and "National Conference" in page

    client.post("/language", data={"lang": "id", "next": f"/i/{english}"})
    page = text_of(client.get(f"/i/{english}"))
    assert '<html lang="id">' in page and "Konferensi Nasional" in page


def test_the_link_in_the_mail_opens_the_page(client, make):
    conference = make.conference()
    invitation = invite_delegate(conference, language="en")
    message = messages("invitation")[0]
    link = re.search(r"http://eventapp\.test(/i/\S+)", reveal(message, message.body_text)).group(1)

    response = client.get(link)

    assert response.status_code == 200
    assert invitation.full_name in text_of(response)


# --- answering -------------------------------------------------------------------------------


def test_accepting_comes_back_to_the_page_with_the_answer(client, delegate_world):
    token, invitation = delegate_world["token"], delegate_world["invitation"]

    response = client.post(f"/i/{token}", data={"answer": "accept", "note": "I will come with my aide."})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/i/{token}")
    assert_private(response)
    invitation = reload(invitation)
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.response_channel is ResponseChannel.LINK
    assert invitation.response_note == "I will come with my aide."
    assert invitation.registration.status is RegistrationStatus.CONFIRMED
    assert [m.to_address for m in messages("invitation_answer")] == ["tamu@example.org"]
    page = text_of(client.get(f"/i/{token}"))
    assert "Thank you: your acceptance is recorded." in page
    assert f"You accepted on {local(invitation.responded_at, invitation.conference)}." in page
    assert f"You can change your answer until {local(invitation.respond_by, invitation.conference)}." in page
    assert "Your message: I will come with my aide." in page
    assert "I will come with my aide.</textarea>" in page  # kept when the answer changes


def test_a_double_submit_is_harmless(client, delegate_world):
    token, invitation = delegate_world["token"], delegate_world["invitation"]
    for _ in range(2):
        assert client.post(f"/i/{token}", data={"answer": "accept"}).status_code == 303

    assert len(messages("invitation_answer")) == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert reload(invitation).status is InvitationStatus.ACCEPTED
    assert "Your answer had already been recorded" in text_of(client.get(f"/i/{token}"))


def test_the_answer_can_change_until_the_deadline(client, delegate_world):
    token, invitation = delegate_world["token"], delegate_world["invitation"]
    client.post(f"/i/{token}", data={"answer": "accept"})

    response = client.post(f"/i/{token}", data={"answer": "decline", "note": "Sorry, a council meeting."})

    assert response.status_code == 303
    invitation = reload(invitation)
    assert invitation.status is InvitationStatus.DECLINED
    assert invitation.registration.status is RegistrationStatus.CANCELLED
    page = text_of(client.get(f"/i/{token}"))
    assert "you decline the invitation" in page
    assert f"You declined on {local(invitation.responded_at, invitation.conference)}." in page


def test_a_speaker_declining_by_link_frees_the_role(client, make, speaker_world):
    organiser = make.organiser(speaker_world["conference"])

    response = client.post(f"/i/{speaker_world['token']}", data={"answer": "decline"})

    assert response.status_code == 303
    invitation = reload(speaker_world["invitation"])
    assert invitation.status is InvitationStatus.DECLINED
    assert [m.to_address for m in messages("speaker_declined")] == [organiser.email]


def test_accepting_onto_the_waiting_list_says_so(client, make):
    conference = make.conference(registration_capacity=1)
    answer(invite_delegate(conference, "pertama@example.org"), True)
    invitation = invite_delegate(conference, "kedua@example.org", language="en")
    token = link_for(invitation)

    client.post(f"/i/{token}", data={"answer": "accept"})

    assert reload(invitation).registration.status is RegistrationStatus.WAITING
    page = text_of(client.get(f"/i/{token}"))
    assert "Thank you for accepting. The conference is full at the moment: you are on the waiting list" in page
    assert page.count("you are on the waiting list") == 2  # the message, and the answer's status


def test_a_full_quota_shows_the_refusal_next_to_the_buttons(client, make):
    conference = make.conference()
    category = inv.create_category(conference, "Kepala daerah", 1)
    answer(invite_delegate(conference, "pertama@example.org", category=category), True)
    invitation = invite_delegate(conference, "kedua@example.org", category=category, language="en")
    token = link_for(invitation)
    mails = len(messages())

    response = client.post(f"/i/{token}", data={"answer": "accept", "note": "Please find me a place."})

    assert response.status_code == 422
    assert_private(response)
    error = re.search(r'<p class="field-error" id="answer-error"[^>]*>(.*?)</p>', response.get_data(as_text=True))
    assert error and "All places for this group have been taken" in error.group(1)
    assert "Please find me a place." in response.get_data(as_text=True)  # the note is kept in the form
    invitation = reload(invitation)
    assert invitation.status is InvitationStatus.PENDING and invitation.response_note == ""
    assert db.session.get(InvitationCategory, category.id).accepted_count == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert len(messages()) == mails


@pytest.mark.parametrize(("data", "field"), [
    ({"answer": "accept", "note": "x" * 2001}, "note"),
    ({"note": "No button"}, "answer"),
    ({"answer": "maybe"}, "answer"),
])
def test_a_bad_answer_is_shown_next_to_its_field_and_nothing_is_written(client, delegate_world, data, field):
    token, invitation = delegate_world["token"], delegate_world["invitation"]

    response = client.post(f"/i/{token}", data=data)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    if field == "note":
        assert "Use at most 2000 characters." in body
    else:
        assert "Choose whether you accept or decline." in body
    assert reload(invitation).status is InvitationStatus.PENDING
    assert messages("invitation_answer") == []


def test_a_message_of_2000_characters_is_accepted(client, delegate_world):
    token, invitation = delegate_world["token"], delegate_world["invitation"]
    assert client.post(f"/i/{token}", data={"answer": "decline", "note": "y" * 2000}).status_code == 303
    assert reload(invitation).response_note == "y" * 2000


# --- closed links ----------------------------------------------------------------------------


def test_a_revoked_link_says_the_invitation_was_withdrawn_and_whom_to_contact(client, speaker_world):
    token, invitation = speaker_world["token"], speaker_world["invitation"]
    inv.revoke(invitation)
    db.session.commit()

    response = client.get(f"/i/{token}")

    assert response.status_code == 410
    assert_private(response)
    page = text_of(response)
    assert "This invitation has been withdrawn" in page
    assert '<a href="mailto:sekretariat@example.org">sekretariat@example.org</a>' in page
    assert 'name="answer"' not in page


def test_a_revoked_link_names_the_organisers_when_there_is_no_contact_address(client, delegate_world):
    inv.revoke(delegate_world["invitation"])
    db.session.commit()
    page = text_of(client.get(f"/i/{delegate_world['token']}"))
    assert "Contact the organisers: Bappenas and UN Women." in page


def test_an_expired_link_gives_the_deadline_and_whom_to_contact(client, delegate_world):
    token, invitation = delegate_world["token"], delegate_world["invitation"]
    deadline_passed(invitation)

    response = client.get(f"/i/{token}")

    assert response.status_code == 410
    page = text_of(response)
    assert f"The deadline passed on {local(invitation.respond_by, invitation.conference)} without an answer" in page
    assert "Bappenas and UN Women" in page


def test_after_the_deadline_an_answer_is_final(client, speaker_world):
    token, invitation = speaker_world["token"], speaker_world["invitation"]
    answer(invitation, True)
    deadline_passed(invitation)

    response = client.get(f"/i/{token}")

    assert response.status_code == 410
    page = text_of(response)
    assert "Your answer is final" in page
    assert "You accepted the invitation to National Conference." in page
    assert f"Your answer was recorded on {local(invitation.responded_at, invitation.conference)}." in page
    assert "sekretariat@example.org" in page


@pytest.mark.parametrize("state", ["revoked", "expired", "closed"])
def test_answering_through_a_closed_link_writes_nothing(client, delegate_world, state):
    token, invitation = delegate_world["token"], delegate_world["invitation"]
    if state == "revoked":
        inv.revoke(invitation)
        db.session.commit()
    else:
        if state == "closed":
            answer(invitation, False)
        deadline_passed(invitation)
    before = reload(invitation).status
    mails = len(messages())

    response = client.post(f"/i/{token}", data={"answer": "accept"})

    assert response.status_code == 410
    assert reload(invitation).status is before
    assert len(messages()) == mails
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_an_organiser_recorded_answer_after_the_deadline_shows_as_final(client, make, delegate_world):
    token, invitation = delegate_world["token"], delegate_world["invitation"]
    deadline_passed(invitation)
    answer(invitation, True, channel=ResponseChannel.ORGANISER, actor=make.organiser(invitation.conference))
    page = text_of(client.get(f"/i/{token}"))
    assert "You accepted the invitation" in page


# --- unknown tokens, other invitations ----------------------------------------------------------------


def not_found_body(response, path: str) -> str:
    """The page with the requested path taken out (also from the language links' next=)."""
    body = re.sub(r'next=[^"]*"', 'next=PATH"', response.get_data(as_text=True))
    return body.replace(path, "PATH")


def test_unknown_and_malformed_tokens_get_the_plain_404_page(client, delegate_world):
    plain_path = "/halaman-yang-tidak-ada"
    plain = not_found_body(client.get(plain_path), plain_path)
    for token in (secrets.token_urlsafe(32), inv.hash_token(delegate_world["token"]), "pendek", "x" * 101,
                  delegate_world["token"][:-1], "bukan token!"):
        path = f"/i/{token}"
        for response in (client.get(path), client.post(path, data={"answer": "accept"})):
            assert response.status_code == 404, token
            assert_private(response)
            assert not_found_body(response, path) == plain
    assert reload(delegate_world["invitation"]).status is InvitationStatus.PENDING


def test_a_token_shows_its_own_invitation_only(client, make):
    conference = make.conference()
    first = invite_delegate(conference, "pertama@example.org", name="Fajar Pertama")
    second = invite_delegate(conference, "kedua@example.org", name="Gita Kedua")
    first_page = text_of(client.get(f"/i/{link_for(first)}"))
    second_token = link_for(second)

    assert "Fajar Pertama" in first_page and "Gita Kedua" not in first_page
    client.post(f"/i/{second_token}", data={"answer": "decline"})
    assert reload(first).status is InvitationStatus.PENDING
    assert reload(second).status is InvitationStatus.DECLINED


# --- rate limit ------------------------------------------------------------------------------------


def test_the_31st_request_in_a_minute_gets_the_429_page(client, delegate_world):
    token = delegate_world["token"]
    for _ in range(15):  # guesses and real visits count alike
        assert client.get(f"/i/{secrets.token_urlsafe(32)}").status_code == 404
    for _ in range(14):
        assert client.get(f"/i/{token}").status_code == 200
    assert client.post(f"/i/{token}", data={"answer": "accept"}).status_code == 303

    response = client.get(f"/i/{token}")

    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert_private(response)
    assert client.post(f"/i/{token}", data={"answer": "decline"}).status_code == 429
    assert reload(delegate_world["invitation"]).status is InvitationStatus.ACCEPTED


# --- valid HTML ---------------------------------------------------------------------------------------


def test_the_pages_are_valid_html(client, make, speaker_world, delegate_world, tmp_path):
    pages = {}
    speaker_token, delegate_token = speaker_world["token"], delegate_world["token"]
    pages["speaker-open-en.html"] = client.get(f"/i/{speaker_token}")
    pages["delegate-open-en.html"] = client.get(f"/i/{delegate_token}")
    pages["error.html"] = client.post(f"/i/{delegate_token}", data={"note": "x" * 2001})
    client.post(f"/i/{delegate_token}", data={"answer": "accept", "note": "Line one\nLine two"})
    pages["delegate-answered.html"] = client.get(f"/i/{delegate_token}")

    full = make.conference(registration_capacity=1)
    answer(invite_delegate(full, "pertama@example.org"), True)
    category = inv.create_category(full, "Kementerian", 1)
    answer(invite_delegate(full, "kedua@example.org", category=category), True)
    waiting = invite_delegate(full, "ketiga@example.org")
    waiting_token = link_for(waiting)
    client.post(f"/i/{waiting_token}", data={"answer": "accept"})
    pages["waiting-id.html"] = client.get(f"/i/{waiting_token}")
    refused = link_for(invite_delegate(full, "keempat@example.org", category=category))
    pages["quota-error-id.html"] = client.post(f"/i/{refused}", data={"answer": "accept"})

    deadline_passed(delegate_world["invitation"])
    pages["closed.html"] = client.get(f"/i/{delegate_token}")
    expired = invite_delegate(delegate_world["conference"], "terlambat@example.org")
    expired_token = link_for(expired)
    deadline_passed(expired)
    pages["expired.html"] = client.get(f"/i/{expired_token}")
    inv.revoke(speaker_world["invitation"])
    db.session.commit()
    pages["revoked.html"] = client.get(f"/i/{speaker_token}")

    in_english(client)
    unscheduled = create_session(speaker_world["conference"], title_id="Belum dijadwalkan")
    keynote = invite_speaker(speaker_world["conference"], unscheduled, "lain@example.org", role=RoleKind.KEYNOTE)
    pages["unscheduled-switched-en.html"] = client.get(f"/i/{link_for(keynote)}")

    statuses = {name: response.status_code for name, response in pages.items()}
    assert statuses == {
        "speaker-open-en.html": 200, "delegate-open-en.html": 200, "error.html": 422,
        "delegate-answered.html": 200, "waiting-id.html": 200, "quota-error-id.html": 422,
        "closed.html": 410, "expired.html": 410, "revoked.html": 410, "unscheduled-switched-en.html": 200,
    }
    assert validate_html({name: response.data for name, response in pages.items()}, tmp_path) == []
