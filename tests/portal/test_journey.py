"""Issue 7's "done when", tried as new users would, through the real views on
the demo conference: a speaker signs in by e-mailed link, sees the session the
demo gives her, confirms and edits her bio; the organiser moves that session
and publishes; the speaker and the attendees registered for it each receive
one e-mail with the change, and their calendar feeds show the new time."""
from __future__ import annotations

import re

from sqlalchemy import select

from eventapp.agenda.models import AgendaSession, SessionRole
from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal
from eventapp.people.models import Person
from eventapp.registration.models import Registration, SessionChoice

SPEAKER = "bupati.bantaeng@demo.example"


def sign_in_by_link(client, email: str) -> None:
    client.post("/logout")
    assert client.post("/login/link", data={"email": email}).status_code == 200
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "sign_in_link", OutboxMessage.to_address == email
    ).order_by(OutboxMessage.id.desc())).first()
    path = re.search(r"https?://[^/\s]+(/login/link/[A-Za-z0-9_-]+)", reveal(message, message.body_text)).group(1)
    assert client.get(path).status_code == 200  # a button, so mail scanners cannot spend the link
    response = client.post(path)
    assert response.status_code == 303 and response.headers["Location"].endswith("/me")


def feed_path(page: str) -> str:
    return re.search(r"https?://[^/\"\s]+(/c/[^/]+/feed/[A-Za-z0-9_-]+\.ics)", page).group(1)


def test_speaker_and_attendees_follow_a_moved_session(client, make):
    load_demo()
    db.session.commit()
    panel = db.session.scalar(select(AgendaSession).where(AgendaSession.title_id.like("Sesi Paralel 1:%")))
    ilham = db.session.scalar(select(Person).where(Person.email == SPEAKER))
    role = db.session.scalar(select(SessionRole).where(SessionRole.session_id == panel.id,
                                                       SessionRole.person_id == ilham.id))

    # The speaker: link, her sessions, confirm, bio.
    sign_in_by_link(client, SPEAKER)
    me = client.get("/me").get_data(as_text=True)
    assert f"/c/{DEMO_SLUG}/my/sessions" in me
    page = client.get(f"/c/{DEMO_SLUG}/my/sessions").get_data(as_text=True)
    assert "Ruang Anggrek" in page and "10.30–12.30 WIB" in page
    assert "Wulan Sari" in page and "Dina Lumbantobing" in page  # moderator and a co-panellist
    assert client.post(f"/c/{DEMO_SLUG}/my/sessions/{role.id}/confirm").status_code == 303
    db.session.refresh(role)
    assert role.speaker_confirmed_at is not None
    speaker_feed = feed_path(client.get(f"/c/{DEMO_SLUG}/my/sessions").get_data(as_text=True))
    response = client.post(f"/c/{DEMO_SLUG}/my/profile", data={
        "honorific": ilham.honorific, "position": ilham.position, "organisation": ilham.organisation,
        "bio_id": ilham.bio_id, "bio_en": "Regent of Bantaeng; led its one-stop social services.",
    })
    assert response.status_code == 303
    db.session.refresh(ilham)
    assert ilham.bio_en == "Regent of Bantaeng; led its one-stop social services."

    # An attendee who chose that panel keeps a personal agenda with its feed.
    chosen = db.session.scalars(select(Registration.email).join(SessionChoice)
                                .where(SessionChoice.session_id == panel.id)).all()
    assert chosen
    sign_in_by_link(client, chosen[0])
    agenda_page = client.get(f"/c/{DEMO_SLUG}/my/agenda").get_data(as_text=True)
    assert "Sesi Paralel 1" in agenda_page
    attendee_feed = feed_path(agenda_page)
    for feed in (speaker_feed, attendee_feed):
        assert "DTSTART;TZID=Asia/Jakarta:20191127T103000" in client.get(feed).get_data(as_text=True)

    # The organiser moves the panel to the afternoon and publishes.
    client.post("/logout")
    organiser = make.organiser(panel.conference)
    client.post("/login", data={"email": organiser.email, "password": make.TEST_PASSWORD})
    moved = client.post(f"/manage/{DEMO_SLUG}/builder/sessions/{panel.id}/move",
                        data={"room": str(panel.room_id), "day": "2019-11-27", "start": "15:30"})
    assert moved.status_code == 303
    assert client.post(f"/manage/{DEMO_SLUG}/releases", data={"note": "Sesi paralel 1 pindah"}).status_code == 303

    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "agenda_changes")).all()
    addresses = [m.to_address for m in notices]
    assert len(addresses) == len(set(addresses))  # one e-mail each
    speakers = {p.email for p in db.session.scalars(
        select(Person).join(SessionRole).where(SessionRole.session_id == panel.id))}
    assert set(addresses) == speakers | set(chosen)
    body = next(m for m in notices if m.to_address == SPEAKER).body_text
    assert "15.30–17.30 WIB" in body and "10.30–12.30 WIB" in body

    # The calendar feeds follow (no sign-in needed: the secret URL is the key).
    client.post("/logout")
    for feed in (speaker_feed, attendee_feed):
        calendar = client.get(feed).get_data(as_text=True)
        assert "DTSTART;TZID=Asia/Jakarta:20191127T153000" in calendar
        assert "DTSTART;TZID=Asia/Jakarta:20191127T103000" not in calendar  # nothing else of theirs starts then
