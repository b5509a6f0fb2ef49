"""The organiser's Outbox page: list, filters, counts, one message, retry."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from eventapp.agenda.models import RoleKind
from eventapp.audit.models import AuditEntry
from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.invitations.services import Invitee, find_by_token, invite_speaker
from eventapp.mail.models import MessageStatus, OutboxMessage
from eventapp.mail.services import SECRET_PLACEHOLDER, deliver_due

from ..checkers import validate_html
from .conftest import NO_SUCH_USER, outbox

START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 09.00 WIB
LINK = re.compile(r"http://eventapp\.test/i/([A-Za-z0-9_-]{20,})")


def message(conference, n: int, *, status: MessageStatus = MessageStatus.SENT, minutes: int | None = None,
            to: str | None = None, name: str = "", subject: str | None = None, **values) -> OutboxMessage:
    values.setdefault("attempts", 0 if status is MessageStatus.PENDING else 1)
    row = OutboxMessage(
        conference_id=conference.id, kind="invitation", message_id=f"<m{conference.id}-{n}@eventapp.test>",
        to_address=to or f"tamu{n}@example.org", to_name=name, language="id",
        subject=subject or f"Undangan {n}", body_text=f"Isi {n}", body_html=f"<p>Isi {n}</p>",
        attachments=[], status=status,
        created_at=START + timedelta(minutes=n if minutes is None else minutes),
        next_attempt_at=START, sent_at=START if status is MessageStatus.SENT else None, **values,
    )
    db.session.add(row)
    db.session.commit()
    return row


def listed(response) -> list[int]:
    """The message ids in the table, in order."""
    return [int(n) for n in re.findall(r'<tr id="message-(\d+)">', response.get_data(as_text=True))]


def count_of(response, status: str) -> int:
    match = re.search(rf'id="count-{status}">.*?<span class="badge">(\d+)</span>', response.get_data(as_text=True))
    return int(match.group(1))


@pytest.fixture
def conf(make):
    return make.conference(published=False)


@pytest.fixture
def organiser(make, auth, client, conf):
    user = make.organiser(conf, email="panitia@example.org")
    auth.login(user)
    client.post("/language", data={"lang": "en", "next": "/"})  # text assertions in English
    return user


@pytest.fixture
def smtp_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "smtp")


@pytest.fixture
def speaker_invitation(make, conf):
    room = make.room(conf, "Ruang Losari")
    agenda_session = make.session(conf, room=room, title_id="Perlindungan Sosial")
    invitation, _created = invite_speaker(
        conf, agenda_session, RoleKind.SPEAKER,
        Invitee(email="rina@example.org", full_name="Rina Wulandari", language="id"))
    db.session.commit()
    return invitation


# --- the list ------------------------------------------------------------------------------


def test_outbox_lists_this_conferences_messages_newest_first_with_counts(client, make, conf, organiser):
    first = message(conf, 1)
    failed = message(conf, 2, status=MessageStatus.FAILED, last_error=NO_SUCH_USER)
    waiting = message(conf, 3, status=MessageStatus.PENDING)
    secret_other = message(make.conference(), 4, subject="Rahasia konferensi lain")
    response = client.get(f"/manage/{conf.slug}/outbox")
    assert response.status_code == 200
    assert listed(response) == [waiting.id, failed.id, first.id]
    page = response.get_data(as_text=True)
    assert "Rahasia" not in page and f"message-{secret_other.id}" not in page
    assert [count_of(response, s) for s in ("pending", "sending", "sent", "failed")] == [1, 0, 1, 1]
    assert NO_SUCH_USER in page
    assert page.count("Try again") == 1  # only the failed one
    assert "Mar 10, 2026 09:03 WIB" in page  # in the conference's zone (UTC+7)
    assert f'href="/manage/{conf.slug}/outbox" aria-current="page"' in page  # the nav entry


def test_outbox_says_when_mail_is_kept_and_not_sent(client, conf, organiser, app, monkeypatch):
    message(conf, 1, status=MessageStatus.PENDING)
    page = client.get(f"/manage/{conf.slug}/outbox").get_data(as_text=True)
    assert 'id="delivery-off"' in page
    assert "Development: messages are kept here, not sent." in page
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "smtp")
    page = client.get(f"/manage/{conf.slug}/outbox").get_data(as_text=True)
    assert 'id="delivery-off"' not in page


def test_outbox_filters_by_status(client, conf, organiser):
    sent = message(conf, 1)
    failed = [message(conf, n, status=MessageStatus.FAILED) for n in (2, 3)]
    response = client.get(f"/manage/{conf.slug}/outbox?status=failed")
    assert listed(response) == [failed[1].id, failed[0].id]
    assert '<option value="failed" selected>' in response.get_data(as_text=True)
    assert listed(client.get(f"/manage/{conf.slug}/outbox?status=sent")) == [sent.id]
    assert listed(client.get(f"/manage/{conf.slug}/outbox?status=pending")) == []
    # An unknown status is no filter; the counts always cover everything.
    response = client.get(f"/manage/{conf.slug}/outbox?status=nonsense")
    assert len(listed(response)) == 3 and count_of(response, "failed") == 2


def test_outbox_searches_recipient_and_subject(client, conf, organiser):
    bupati = message(conf, 1, to="bupati@bantaeng.go.id", name="H. Ilham Azikin")
    menteri = message(conf, 2, to="menteri@bappenas.go.id", subject="Pengingat: undangan Anda")
    other = message(conf, 3, to="lain@example.org", subject="100% hadir")
    url = f"/manage/{conf.slug}/outbox"
    assert listed(client.get(url, query_string={"q": "BANTAENG"})) == [bupati.id]
    assert listed(client.get(url, query_string={"q": "ilham"})) == [bupati.id]
    assert listed(client.get(url, query_string={"q": "pengingat"})) == [menteri.id]
    assert listed(client.get(url, query_string={"q": "%"})) == [other.id]  # a wildcard is just a character
    assert listed(client.get(url, query_string={"q": "go.id", "status": "failed"})) == []
    page = client.get(url, query_string={"q": "nobody"}).get_data(as_text=True)
    assert "No message matches this search." in page and 'class="empty"' in page


def test_outbox_is_paginated(client, conf, organiser):
    rows = [message(conf, n) for n in range(30)]
    first = client.get(f"/manage/{conf.slug}/outbox")
    assert listed(first) == [row.id for row in reversed(rows)][:25]
    assert 'rel="next"' in first.get_data(as_text=True)
    second = client.get(f"/manage/{conf.slug}/outbox?page=2")
    assert listed(second) == [row.id for row in reversed(rows)][25:]


def test_outbox_empty_state(client, conf, organiser):
    response = client.get(f"/manage/{conf.slug}/outbox")
    assert response.status_code == 200
    assert listed(response) == []
    assert "No e-mail yet." in response.get_data(as_text=True)


def test_outbox_queries_do_not_grow_with_messages(client, make, auth, count_queries):
    def build(count: int):
        conference = make.conference()
        for n in range(count):
            message(conference, n, status=(MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.PENDING)[n % 3])
        return conference, make.organiser(conference)

    (small, user_small), (large, user_large) = build(3), build(60)
    auth.login(user_small)
    with count_queries() as few:
        assert client.get(f"/manage/{small.slug}/outbox").status_code == 200
    auth.logout()
    auth.login(user_large)
    with count_queries() as many:
        response = client.get(f"/manage/{large.slug}/outbox")
    assert response.status_code == 200 and len(listed(response)) == 25
    assert len(many) == len(few)


# --- one message ------------------------------------------------------------------------------


def test_a_kept_message_shows_the_personal_link_filled_in(client, conf, organiser, speaker_invitation):
    [stored] = outbox()
    response = client.get(f"/manage/{conf.slug}/outbox/{stored.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Development: messages are kept here, not sent." in page
    assert "The personal link is filled in below" in page and 'id="link-hidden"' not in page
    assert html.escape(stored.subject) in page
    assert "Rina Wulandari &lt;rina@example.org&gt;" in page
    assert html.escape(stored.message_id) in page
    # The plain text, with the link filled in and clickable…
    text = page.split('<pre class="message-text"', 1)[1].split("</pre>", 1)[0]
    [token] = set(LINK.findall(text))
    assert f'<a href="http://eventapp.test/i/{token}">' in text
    assert find_by_token(token) == speaker_invitation
    assert SECRET_PLACEHOLDER not in page
    # …the HTML in a sandboxed frame, escaped into its attribute…
    frame = re.search(r'<iframe class="message-html" sandbox srcdoc="([^"]*)"', page)
    assert frame is not None
    srcdoc = html.unescape(frame.group(1))
    assert srcdoc.startswith("<!DOCTYPE html>") and '<html lang="id">' in srcdoc
    assert f'href="http://eventapp.test/i/{token}"' in srcdoc
    assert "<body style=" not in page  # never as markup of the page itself
    # …and the calendar file.
    assert "session.ics" in page and "text/calendar" in page and "BEGIN:VCALENDAR" in page


def test_with_smtp_the_stored_copy_is_shown_without_the_link(client, conf, organiser, speaker_invitation, smtp_mode):
    [stored] = outbox()
    page = client.get(f"/manage/{conf.slug}/outbox/{stored.id}").get_data(as_text=True)
    assert 'id="delivery-off"' not in page
    assert not LINK.search(page)
    assert f"http://eventapp.test/i/{SECRET_PLACEHOLDER}" in page
    assert "Personal links are not kept in the outbox" in page


def test_a_message_of_another_conference_is_not_found(client, make, conf, organiser):
    other = make.conference()
    make.organiser(other)
    foreign = message(other, 1, status=MessageStatus.FAILED)
    assert client.get(f"/manage/{conf.slug}/outbox/{foreign.id}").status_code == 404
    assert client.post(f"/manage/{conf.slug}/outbox/{foreign.id}/retry").status_code == 404
    assert client.get(f"/manage/{conf.slug}/outbox/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(OutboxMessage, foreign.id).status is MessageStatus.FAILED


# --- retry -------------------------------------------------------------------------------------


def test_retry_queues_a_failed_message_again(client, conf, organiser):
    failed = message(conf, 1, status=MessageStatus.FAILED, last_error=NO_SUCH_USER, attempts=3)
    response = client.post(f"/manage/{conf.slug}/outbox/{failed.id}/retry")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/manage/{conf.slug}/outbox/{failed.id}"
    db.session.expire_all()
    row = db.session.get(OutboxMessage, failed.id)
    assert (row.status, row.attempts) == (MessageStatus.PENDING, 0)
    assert row.next_attempt_at <= utcnow()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.retry")).all()
    assert entry.user_id == organiser.id and "tamu1@example.org" in entry.summary
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message to tamu1@example.org will be sent again." in page


def test_only_a_failed_message_can_be_retried(client, conf, organiser):
    sent = message(conf, 1)
    response = client.post(f"/manage/{conf.slug}/outbox/{sent.id}/retry")
    assert response.status_code == 422
    assert "Only a failed message can be tried again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, sent.id).status is MessageStatus.SENT
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.retry")).all() == []


def test_a_retried_message_goes_out_with_a_working_link(client, conf, organiser, speaker_invitation,
                                                        smtp_delivery):
    smtp_delivery.refuse_recipients = {"rina@example.org": NO_SUCH_USER}
    assert deliver_due().failed == 1
    [failed] = outbox()
    page = client.get(f"/manage/{conf.slug}/outbox/{failed.id}").get_data(as_text=True)
    assert NO_SUCH_USER in page and "Try again" in page

    smtp_delivery.refuse_recipients = {}  # the address was fixed on the other side
    assert client.post(f"/manage/{conf.slug}/outbox/{failed.id}/retry").status_code == 303
    assert deliver_due().sent == 1
    [item] = smtp_delivery.received
    [token] = set(LINK.findall(item.message.get_body(("plain",)).get_content()))
    assert find_by_token(token) == speaker_invitation


# --- valid HTML ------------------------------------------------------------------------------------


def test_outbox_pages_are_valid_html(client, conf, organiser, speaker_invitation, app, monkeypatch, tmp_path):
    for n in range(30):
        message(conf, n, status=MessageStatus.FAILED if n % 7 == 0 else MessageStatus.SENT,
                last_error="451 4.3.0 try later", name="Bapak Tamu")
    [invitation_message] = [row for row in outbox() if row.kind == "invitation" and row.to_address == "rina@example.org"]
    sent = message(conf, 99)
    pages = {
        "outbox.html": client.get(f"/manage/{conf.slug}/outbox"),
        "outbox-search.html": client.get(f"/manage/{conf.slug}/outbox?q=nobody&status=failed"),
        "message-kept.html": client.get(f"/manage/{conf.slug}/outbox/{invitation_message.id}"),
        "message-refused.html": client.post(f"/manage/{conf.slug}/outbox/{sent.id}/retry"),
    }
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "smtp")
    pages["message-smtp.html"] = client.get(f"/manage/{conf.slug}/outbox/{invitation_message.id}")
    pages["outbox-smtp.html"] = client.get(f"/manage/{conf.slug}/outbox?page=2")
    assert [r.status_code for r in pages.values()] == [200, 200, 200, 422, 200, 200]
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
