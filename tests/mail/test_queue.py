"""What the worker sends: the MIME message, the calendar file, the personal
link, and the recipient's language."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db
from eventapp.invitations.services import Invitee, find_by_token, invite_delegate, invite_speaker
from eventapp.mail.models import MessageStatus
from eventapp.mail.services import SECRET_PLACEHOLDER, build_email, deliver_due, queue_mail, reveal

from .conftest import outbox

LINK = re.compile(r"http://eventapp\.test/i/([A-Za-z0-9_-]+)")


@pytest.fixture
def speaker_invitation(make):
    """A speaker invited to a session in Makassar (WITA, UTC+8), answering in English."""
    conference = make.conference(timezone="Asia/Makassar", title_id="Konferensi Makassar",
                                 title_en="Makassar Conference")
    room = make.room(conference, "Ruang Losari")
    agenda_session = make.session(conference, start=(9, 0), end=(10, 30), room=room,
                                  title_id="Perlindungan Sosial", title_en="Social Protection")
    invitation, created = invite_speaker(
        conference, agenda_session, RoleKind.SPEAKER,
        Invitee(email="rina@example.org", full_name="Rina Wulandari", honorific="Dr.", language="en"),
    )
    assert created
    db.session.commit()
    return invitation


def delivered(smtp_server) -> EmailMessage:
    assert deliver_due().sent == 1
    [item] = smtp_server.received
    return item.message


def test_the_message_is_text_with_an_html_alternative_and_the_calendar_file(speaker_invitation, smtp_delivery):
    message = delivered(smtp_delivery)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "session.ics"
    assert attachment.get_param("method") == "PUBLISH"
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Dr. Rina Wulandari", "rina@example.org")
    assert str(message["From"]) == "panitia@eventapp.test"
    assert str(message["Auto-Submitted"]) == "auto-generated"
    assert message["Date"].datetime is not None

    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    [zone] = calendar.walk("VTIMEZONE")  # the TZID is defined in the file (RFC 5545)
    assert zone["TZID"] == "Asia/Makassar"
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    assert start.utcoffset() == timedelta(hours=8)
    assert event.decoded("DTEND") - start == timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Social Protection"  # the invitee's language
    assert "Ruang Losari" in str(event["LOCATION"])


def test_a_delegate_invitation_has_no_attachment(make, smtp_delivery):
    invite_delegate(make.conference(), Invitee(email="bupati@example.org", full_name="Bupati"))
    db.session.commit()
    message = delivered(smtp_delivery)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_the_link_carries_the_real_token_but_the_outbox_only_a_placeholder(speaker_invitation, smtp_delivery):
    [stored] = outbox()
    assert SECRET_PLACEHOLDER in stored.body_text and SECRET_PLACEHOLDER in stored.body_html
    assert not LINK.search(stored.body_text.replace(SECRET_PLACEHOLDER, ""))
    assert stored.secret and SECRET_PLACEHOLDER not in stored.secret  # sealed, not readable

    message = delivered(smtp_delivery)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [token] = LINK.findall(text)
    assert SECRET_PLACEHOLDER not in text and SECRET_PLACEHOLDER not in html
    assert f'href="http://eventapp.test/i/{token}"' in html
    assert find_by_token(token) == speaker_invitation
    assert token not in stored.body_text and token not in stored.secret

    [sent] = outbox()
    assert sent.status is MessageStatus.SENT
    assert sent.secret is None  # erased: the link cannot be rebuilt from the database
    assert SECRET_PLACEHOLDER in sent.body_text
    assert reveal(sent, sent.body_text) == sent.body_text


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_message_is_in_the_invitees_language(make, smtp_delivery, language):
    conference = make.conference(title_id="Konferensi Nasional", title_en="National Conference")
    invitation, _created = invite_delegate(
        conference, Invitee(email="tamu@example.org", full_name="Tamu", language=language))
    db.session.commit()
    [stored] = outbox()
    assert stored.language == language

    message = delivered(smtp_delivery)
    assert str(message["Content-Language"]) == language
    title = conference.local("title", language)
    assert title == {"en": "National Conference", "id": "Konferensi Nasional"}[language]
    with force_locale(language):
        assert str(message["Subject"]) == gettext("Invitation: %(title)s", title=title)
        greeting = gettext("Dear %(name)s,", name=invitation.display_name)
        invited = gettext("We have the honour of inviting you to attend %(title)s, %(dates)s.",
                          title=title, dates="").split(title)[0]
    text = message.get_body(("plain",)).get_content()
    assert text.startswith(greeting)
    assert invited in text and title in text
    html = message.get_body(("html",)).get_content()
    assert f'<html lang="{language}">' in html


def test_an_unknown_language_falls_back_to_the_default(make):
    conference = make.conference()
    invitation, _created = invite_delegate(conference, Invitee(email="x@example.org", full_name="X"), send=False)
    message = queue_mail(to="x@example.org", language="fr", template="invitation_delegate", kind="test",
                         subject="Test", conference=conference,
                         context={"invitation": invitation, "link": "http://eventapp.test/", "session": None})
    assert message.language == "id"
    assert '<html lang="id">' in message.body_html


def test_build_email_fills_in_the_link_and_keeps_the_message_id(speaker_invitation):
    [stored] = outbox()
    first, second = build_email(stored), build_email(stored)
    assert str(first["Message-ID"]) == str(second["Message-ID"]) == stored.message_id
    assert re.fullmatch(r"<[0-9a-f]{32}@eventapp\.test>", stored.message_id)
    assert LINK.search(first.get_body(("plain",)).get_content())
