"""The attendee's "My agenda": what is on it, stars, and changes since the last visit."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import AgendaSession, SessionKind
from eventapp.extensions import db
from eventapp.portal.models import PersonalAgenda, StarredSession
from eventapp.portal.services import find_personal_agenda
from eventapp.registration.models import RegistrationStatus

from ..checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages


@pytest.fixture
def setup(make, world, auth):
    """World's draft with the world's parallel session (chosen by the attendee),
    another parallel session at the same time and an opening plenary; published."""
    draft = world["draft"]
    chosen = db.session.get(AgendaSession, world["session"])
    room = make.room(draft, "Ruang Dua")
    other = make.session(draft, room=room, title_id="Sesi Lain")
    plenary = make.session(draft, start=(8, 0), end=(9, 0), kind=SessionKind.PLENARY, spans_all_rooms=True,
                           title_id="Pleno Pembukaan")
    make.publish(draft)
    user = make.user()
    registration = make.registration(draft, email=user.email, sessions=[chosen])
    auth.login(user)
    return {"draft": draft, "chosen": chosen, "other": other, "plenary": plenary, "user": user,
            "registration": registration}


def _sections(html: str) -> tuple[str, str]:
    mine, _sep, others = html.partition('id="others-heading"')
    return mine, others


def test_agenda_shows_choice_and_plenary_not_other_parallel(client, setup):
    response = client.get("/c/draf/my/agenda")
    assert response.status_code == 200
    mine, others = _sections(response.get_data(as_text=True))
    assert "Sesi Uji" in mine and "Pleno Pembukaan" in mine
    assert "Sesi Lain" not in mine
    assert "Sesi Lain" in others
    assert "badge-chosen" in mine and "badge-plenary" in mine
    assert "Ruang Uji" in mine


def test_pending_registration_is_told_agenda_applies_once_confirmed(client, setup):
    setup["registration"].status = RegistrationStatus.PENDING
    db.session.commit()
    html = client.get("/c/draf/my/agenda").get_data(as_text=True)
    assert "applies once your registration is confirmed" in html
    mine, _others = _sections(html)
    assert "Pleno Pembukaan" not in mine


def test_no_release_yet_is_a_friendly_empty_state(client, make, auth):
    conference = make.conference(slug="kosong", published=False)
    user = make.user()
    make.registration(conference, email=user.email)
    auth.login(user)
    response = client.get("/c/kosong/my/agenda")
    assert response.status_code == 200
    assert "have not published the agenda yet" in response.get_data(as_text=True)


def _stars(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(StarredSession).join(PersonalAgenda)
        .where(PersonalAgenda.user_id == user.id)
    )


def test_star_and_unstar(client, setup):
    uid = str(setup["other"].uid)
    response = client.post("/c/draf/my/agenda/star", data={"session": uid})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/c/draf/my/agenda#s-{uid}")
    client.post("/c/draf/my/agenda/star", data={"session": uid})  # twice: still one row
    assert _stars(setup["user"]) == 1
    mine, others = _sections(client.get("/c/draf/my/agenda").get_data(as_text=True))
    assert "Sesi Lain" in mine and "badge-starred" in mine and "Remove star" in mine
    assert "Sesi Lain" not in others

    response = client.post("/c/draf/my/agenda/unstar", data={"session": uid})
    assert response.status_code == 303
    assert _stars(setup["user"]) == 0
    mine, others = _sections(client.get("/c/draf/my/agenda").get_data(as_text=True))
    assert "Sesi Lain" in others and "Sesi Lain" not in mine


def test_star_unknown_or_unpublished_session_is_not_found(client, make, setup):
    draft_only = make.session(setup["draft"], start=(13, 0), end=(14, 0), title_id="Belum Terbit")
    for uid in ("00000000-0000-4000-8000-000000000000", str(draft_only.uid), "nonsense", ""):
        assert client.post("/c/draf/my/agenda/star", data={"session": uid}).status_code == 404
    assert _stars(setup["user"]) == 0


def test_stars_are_personal(client, make, auth, setup):
    client.post("/c/draf/my/agenda/star", data={"session": str(setup["other"].uid)})
    auth.logout()
    someone = make.user()
    make.registration(setup["draft"], email=someone.email)
    auth.login(someone)
    mine, others = _sections(client.get("/c/draf/my/agenda").get_data(as_text=True))
    assert "Sesi Lain" in others and "Sesi Lain" not in mine


def _move(session: AgendaSession, make, conference, start, end):
    session.starts_at = make.at(conference, *start)
    session.ends_at = make.at(conference, *end)
    db.session.commit()
    make.publish(conference)


def test_changes_since_last_visit_are_highlighted_once(client, make, setup):
    client.get("/c/draf/my/agenda")  # first visit: nothing to compare with
    agenda = find_personal_agenda(setup["draft"], setup["user"])
    db.session.refresh(agenda)
    assert agenda.seen_release is not None

    _move(setup["chosen"], make, setup["draft"], (10, 0), (11, 0))
    html = client.get("/c/draf/my/agenda").get_data(as_text=True)
    assert "1 change since your last visit" in html
    assert "Changed since your last visit:" in html
    assert "10:00" in html and "09:00" in html  # new time, and what it was

    html = client.get("/c/draf/my/agenda").get_data(as_text=True)
    assert "since your last visit" not in html


def test_cancelled_starred_session_is_listed(client, make, setup):
    client.post("/c/draf/my/agenda/star", data={"session": str(setup["other"].uid)})
    client.get("/c/draf/my/agenda")
    from eventapp.agenda.services import delete_session

    delete_session(db.session.get(AgendaSession, setup["other"].id))
    db.session.commit()
    make.publish(setup["draft"])
    html = client.get("/c/draf/my/agenda").get_data(as_text=True)
    assert "Cancelled sessions you starred" in html
    assert "Sesi Lain" in html
    assert "1 change since your last visit" in html
    # The star of a cancelled session can still be removed.
    assert client.post("/c/draf/my/agenda/unstar", data={"session": str(setup["other"].uid)}).status_code == 303
    assert _stars(setup["user"]) == 0


def test_query_count_is_bounded(client, make, setup, count_queries):
    """The same number of queries with 3 published sessions as with 11 (some starred)."""
    draft = setup["draft"]

    def measure() -> int:
        client.get("/c/draf/my/agenda")
        with count_queries() as queries:
            assert client.get("/c/draf/my/agenda").status_code == 200
        return len(queries)

    few = measure()
    for n in range(8):
        room = make.room(draft, f"Ruang Ekstra {n}")
        make.session(draft, start=(13, 0), end=(14, 0), room=room, title_id=f"Ekstra {n}")
    make.publish(draft)
    extra = db.session.scalars(select(AgendaSession).where(AgendaSession.title_id.like("Ekstra%"))).all()
    for session in extra[:4]:
        client.post("/c/draf/my/agenda/star", data={"session": str(session.uid)})
    assert measure() == few


def test_pages_are_valid_html(client, make, setup, tmp_path):
    client.post("/c/draf/my/agenda/star", data={"session": str(setup["other"].uid)})
    client.get("/c/draf/my/agenda")
    _move(setup["chosen"], make, setup["draft"], (10, 0), (11, 0))
    pages = {
        "my-agenda-changes.html": client.get("/c/draf/my/agenda").data,
        "my-agenda.html": client.get("/c/draf/my/agenda").data,
        "feed-reset.html": client.get("/c/draf/my/calendar/reset").data,
        "me.html": client.get("/me").data,
    }
    assert validate_html(pages, tmp_path) == []
