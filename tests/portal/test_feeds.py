"""Personal calendar feeds: content, following new releases, reset, privacy headers."""
from __future__ import annotations

import re

import pytest

from eventapp.agenda.models import AgendaSession, SessionKind
from eventapp.extensions import db
from eventapp.portal.feeds import feed_url_for
from eventapp.portal.services import feed_token, personal_agenda

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages


@pytest.fixture
def attendee(make, world):
    draft = world["draft"]
    chosen = db.session.get(AgendaSession, world["session"])
    room = make.room(draft, "Ruang Dua")
    other = make.session(draft, room=room, title_id="Sesi Lain")
    make.publish(draft)
    user = make.user()
    registration = make.registration(draft, email=user.email, sessions=[chosen])
    token = feed_token(personal_agenda(draft, user))
    db.session.commit()
    return {"draft": draft, "chosen": chosen, "other": other, "user": user, "token": token,
            "registration": registration}


def _feed(client, token, slug="draf"):
    return client.get(f"/c/{slug}/feed/{token}.ics")


def test_feed_has_the_chosen_session_in_the_conference_zone(client, attendee):
    response = _feed(client, attendee["token"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-cache" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    body = response.get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Sesi Uji" in body
    assert "Sesi Lain" not in body
    assert f"UID:{attendee['chosen'].uid}@eventapp" in body
    assert "DTSTART;TZID=Asia/Jakarta:" in body
    # The draft conference has no public session pages to link to.
    assert "/sessions/" not in body


def test_feed_includes_stars_and_follows_new_releases(client, make, auth, attendee):
    auth.login(attendee["user"])
    client.post("/c/draf/my/agenda/star", data={"session": str(attendee["other"].uid)})
    body = _feed(client, attendee["token"]).get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 2 and "SUMMARY:Sesi Lain" in body

    chosen = db.session.get(AgendaSession, attendee["chosen"].id)
    chosen.starts_at = make.at(attendee["draft"], 15, 0)
    chosen.ends_at = make.at(attendee["draft"], 16, 30)
    db.session.commit()
    body = _feed(client, attendee["token"]).get_data(as_text=True)
    assert re.search(r"DTSTART;TZID=Asia/Jakarta:\d{8}T090000", body)  # the draft is not public yet
    make.publish(attendee["draft"])
    body = _feed(client, attendee["token"]).get_data(as_text=True)
    assert re.search(r"DTSTART;TZID=Asia/Jakarta:\d{8}T150000", body)
    assert re.search(r"DTEND;TZID=Asia/Jakarta:\d{8}T163000", body)


def test_speaker_feed_has_their_sessions(client, make, world):
    speaker = make.user(email="speaker-world@example.org")  # the world's person speaks in the world's session
    token = feed_token(personal_agenda(world["draft"], speaker))
    db.session.commit()
    body = _feed(client, token).get_data(as_text=True)
    assert "SUMMARY:Sesi Uji" in body


def test_unknown_malformed_or_other_conference_token_is_not_found(client, attendee):
    assert _feed(client, "z" * 43).status_code == 404
    assert _feed(client, "short").status_code == 404
    response = _feed(client, attendee["token"], slug="terbit")
    assert response.status_code == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_feed_is_gone_when_no_longer_attendee_or_speaker(client, attendee):
    from eventapp.registration.models import RegistrationStatus

    attendee["registration"].status = RegistrationStatus.CANCELLED
    db.session.commit()
    assert _feed(client, attendee["token"]).status_code == 404


def test_download_once_is_an_attachment(client, attendee):
    response = client.get(f"/c/draf/feed/{attendee['token']}.ics?download=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_reset_makes_a_new_address_and_kills_the_old(client, auth, attendee):
    auth.login(attendee["user"])
    old = attendee["token"]
    page = client.get("/c/draf/my/calendar/reset?next=/c/draf/my/agenda")
    assert page.status_code == 200
    assert "stops working" in page.get_data(as_text=True)
    response = client.post("/c/draf/my/calendar/reset", data={"next": "/c/draf/my/agenda"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/c/draf/my/agenda")
    assert _feed(client, old).status_code == 404
    db.session.expire_all()
    new = feed_token(personal_agenda(attendee["draft"], attendee["user"]))
    assert new != old
    assert _feed(client, new).status_code == 200
    assert new in client.get("/c/draf/my/agenda").get_data(as_text=True)


def test_reset_ignores_an_outside_next(client, auth, attendee):
    auth.login(attendee["user"])
    response = client.post("/c/draf/my/calendar/reset", data={"next": "https://evil.example/"})
    assert response.status_code == 303
    assert "evil" not in response.headers["Location"]


def test_nobody_can_reset_another_persons_feed(client, make, auth, attendee):
    """The reset acts on the signed-in person's own feed only."""
    intruder = make.user()
    make.registration(attendee["draft"], email=intruder.email)
    auth.login(intruder)
    assert client.post("/c/draf/my/calendar/reset", data={}).status_code == 303
    assert _feed(client, attendee["token"]).status_code == 200
    auth.logout()
    outsider = make.user()
    auth.login(outsider)
    assert client.post("/c/draf/my/calendar/reset", data={}).status_code == 404
    assert _feed(client, attendee["token"]).status_code == 200


def test_feed_url_for_gives_a_working_address(client, attendee):
    url = feed_url_for(attendee["draft"], attendee["user"])
    db.session.commit()
    assert url == f"http://eventapp.test/c/draf/feed/{attendee['token']}.ics"


def test_feed_query_count_is_bounded(client, make, attendee, count_queries):
    def measure() -> int:
        with count_queries() as queries:
            assert _feed(client, attendee["token"]).status_code == 200
        return len(queries)

    few = measure()
    for n in range(8):
        room = make.room(attendee["draft"], f"Ruang Ekstra {n}")
        make.session(attendee["draft"], start=(13, 0), end=(14, 0), room=room, kind=SessionKind.PARALLEL,
                     title_id=f"Ekstra {n}")
    make.session(attendee["draft"], start=(15, 0), end=(16, 0), kind=SessionKind.PLENARY, spans_all_rooms=True,
                 title_id="Pleno")
    make.publish(attendee["draft"])
    assert measure() == few


def test_feed_is_rate_limited(client, app, monkeypatch, attendee):
    monkeypatch.setitem(app.config, "TOKEN_RATE_LIMIT", "2 per minute")
    assert _feed(client, "z" * 43).status_code == 404
    assert _feed(client, "z" * 43).status_code == 404
    response = _feed(client, attendee["token"])
    assert response.status_code == 429
    assert response.headers["Referrer-Policy"] == "no-referrer"
