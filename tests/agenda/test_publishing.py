"""The conflicts panel, releases page, draft preview and public changelog."""
import re

from sqlalchemy import func, select

from eventapp.agenda.models import AgendaRelease, SessionKind
from eventapp.agenda.services import update_session
from eventapp.extensions import db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_conflicts_panel_lists_warnings_with_links_and_acknowledges(client, make, auth):
    conference = make.conference()
    plenary = make.session(conference, (9, 0), (10, 0), kind=SessionKind.PLENARY, title_id="Pleno Kosong")
    auth.login(make.organiser(conference))
    page = text_of(client.get(f"/manage/{conference.slug}/conflicts"))
    assert "Pleno Kosong" in page and 'name="key" value="no_speaker"' in page
    response = client.post(f"/manage/{conference.slug}/conflicts/acknowledge",
                           data={"session_id": plenary.id, "key": "no_speaker"})
    assert response.status_code == 303
    page = text_of(client.get(f"/manage/{conference.slug}/conflicts"))
    assert 'name="key" value="no_speaker"' not in page  # no longer offered


def test_acknowledging_another_conferences_session_is_not_found(client, make, auth):
    mine, theirs = make.conference(), make.conference()
    foreign = make.session(theirs, (9, 0), (10, 0), kind=SessionKind.PLENARY)
    auth.login(make.organiser(mine))
    response = client.post(f"/manage/{mine.slug}/conflicts/acknowledge",
                           data={"session_id": foreign.id, "key": "no_speaker"})
    assert response.status_code == 404


def test_publish_from_the_releases_page_then_edit_and_publish_v2(client, make, auth):
    conference = make.conference()
    session = make.session(conference, (9, 0), (10, 0), title_id="Sesi Awal")
    auth.login(make.organiser(conference))
    page = text_of(client.get(f"/manage/{conference.slug}/releases"))
    assert "Sesi Awal" in page  # listed among the changes waiting
    assert client.post(f"/manage/{conference.slug}/releases", data={"note": "Agenda pertama"}).status_code == 303
    assert "Sesi Awal" in text_of(client.get(f"/c/{conference.slug}"))

    update_session(session, starts_at=make.at(conference, 11), ends_at=make.at(conference, 12))
    db.session.commit()
    public = text_of(client.get(f"/c/{conference.slug}"))
    assert "09.00–10.00" in public and "11.00–12.00" not in public  # the draft does not leak
    preview = text_of(client.get(f"/manage/{conference.slug}/preview"))
    assert "11.00–12.00" in preview

    assert client.post(f"/manage/{conference.slug}/releases", data={}).status_code == 303
    public = text_of(client.get(f"/c/{conference.slug}"))
    assert "11.00–12.00" in public and "v2" in public
    changes = text_of(client.get(f"/c/{conference.slug}/changes"))
    assert "v2" in changes and "v1" in changes and "Sesi Awal" in changes
    assert "11.00–12.00" in changes and "09.00–10.00" in changes  # new and old time


def test_publishing_twice_without_changes_makes_one_release(client, make, auth):
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0))
    auth.login(make.organiser(conference))
    client.post(f"/manage/{conference.slug}/releases", data={})
    client.post(f"/manage/{conference.slug}/releases", data={})  # a double submit
    assert db.session.scalar(select(func.count()).select_from(AgendaRelease)) == 1


def test_publishing_with_a_blocking_conflict_is_refused(client, make, auth):
    conference = make.conference()
    room = make.room(conference)
    a = make.session(conference, (9, 0), (10, 0), room=room)
    b = make.session(conference, (11, 0), (12, 0), room=room)
    # Data that predates the rule: put both in the same slot behind the service's back.
    b.starts_at, b.ends_at = a.starts_at, a.ends_at
    db.session.commit()
    auth.login(make.organiser(conference))
    page = text_of(client.get(f"/manage/{conference.slug}/conflicts"))
    assert "room_overlap" not in page and page.count("conflict-blocking") == 1
    response = client.post(f"/manage/{conference.slug}/releases", data={}, follow_redirects=True)
    assert db.session.scalar(select(func.count()).select_from(AgendaRelease)) == 0
    assert response.status_code == 200


def test_dashboard_shows_whether_the_draft_differs(client, make, auth):
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0))
    auth.login(make.organiser(conference))
    assert "draft-status differs" in client.get(f"/manage/{conference.slug}/").get_data(as_text=True)
    make.publish(conference)
    assert "draft-status same" in client.get(f"/manage/{conference.slug}/").get_data(as_text=True)


def test_conflicts_and_releases_pages_have_bounded_queries(client, make, auth, count_queries):
    def build(n):
        conference = make.conference()
        for i in range(n):
            s = make.session(conference, (8 + i % 9, 0), (8 + i % 9, 30), room=make.room(conference))
            make.role(s, make.person(conference))
        return conference

    small, large = build(3), build(18)
    auth.login(make.organiser(small, large))
    for page in ("conflicts", "releases", "", "preview"):
        with count_queries() as few:
            assert client.get(f"/manage/{small.slug}/{page}").status_code == 200
        with count_queries() as many:
            assert client.get(f"/manage/{large.slug}/{page}").status_code == 200
        assert len(few) == len(many), page
