"""Viewers: read-only team members. They see every organiser page an
organiser sees (not the Outbox, whose messages carry personal links, and not
the check-in desk, which is for organisers and check-in staff), and every
write answers 403 and changes nothing."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from eventapp.accounts.models import ConferenceMembership, MembershipRole, User
from eventapp.accounts.services import grant_role
from eventapp.agenda.imports import KINDS
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage

from ..conftest import TEST_PASSWORD
from ..test_csrf import WRITE_METHODS, counts

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages

# Viewers get 404 on these (organisers-only pages, or the desk's staff pages).
OUTBOX = ("mail.",)
DESK = ("registration.desk", "registration.badge")
ARCHIVE = "archive."  # the whole conference, token hashes included: organisers only


def viewer_of(make, conference, email: str = "viewer@example.org") -> User:
    user = make.user(email=email)
    grant_role(user, conference, MembershipRole.VIEWER)
    db.session.commit()
    return user


def login(client, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 303


@pytest.fixture
def ids(world, make):
    """Real ids of "draf" for each kind of URL variable (1 where there is none)."""
    from eventapp.mail.services import queue_mail

    registration = make.registration(world["draft"])
    message = queue_mail(to="x@example.org", language="id", template="sign_in_link", subject="Hi",
                         context={"link": "http://x", "minutes": 5}, kind="sign_in_link",
                         conference=world["draft"])
    db.session.commit()
    return {
        "session_id": world["session"], "room_id": world["room"], "venue_id": world["venue"],
        "sub_theme_id": world["sub_theme"], "person_id": world["person"], "role_id": world["role"],
        "registration_id": registration.id, "message_id": message.id, "kind": KINDS[0],
    }


def fill(rule: str, ids: dict) -> str:
    url = rule.replace("<slug>", "draf")
    url = re.sub(r"<(?:int:)?([a-z_]+)>", lambda m: str(ids.get(m.group(1), 1)), url)
    return url


def manage_rules(app, methods: set[str]):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/manage/<slug>"):
            for method in sorted(rule.methods & methods):
                yield rule, method


def test_viewer_sees_what_the_organiser_sees(app, client, world, make, ids):
    organiser = make.organiser(world["draft"], world["published"])
    viewer = viewer_of(make, world["draft"])
    as_organiser, as_viewer = app.test_client(), app.test_client()
    login(as_organiser, organiser)
    login(as_viewer, viewer)
    # The team page needs a membership id: the viewer's own.
    ids = {**ids, "membership_id": db.session.scalar(
        select(ConferenceMembership.id).where(ConferenceMembership.user_id == viewer.id))}
    checked, different = 0, []
    for rule, _method in manage_rules(app, {"GET"}):
        url = fill(rule.rule, ids)
        wanted = as_organiser.get(url).status_code
        got = as_viewer.get(url).status_code
        if rule.endpoint.startswith((*OUTBOX, *DESK, ARCHIVE)):
            wanted = 404
        checked += wanted == 200
        if got != wanted:
            different.append(f"GET {url} ({rule.endpoint}): viewer {got}, expected {wanted}")
    assert different == []
    assert checked > 20  # the walk reached real pages, not only 404s


def test_viewer_cannot_write_anything(app, client, world, make, ids):
    viewer = viewer_of(make, world["draft"])
    client = app.test_client()
    login(client, viewer)
    ids = {**ids, "membership_id": db.session.scalar(
        select(ConferenceMembership.id).where(ConferenceMembership.user_id == viewer.id))}
    before = counts()
    wrong = []
    routes = list(manage_rules(app, WRITE_METHODS))
    assert len(routes) > 40
    for rule, method in routes:
        url = fill(rule.rule, ids)
        response = client.open(url, method=method, data={
            "name": "x", "email": "new@example.org", "role": "organiser", "title_id": "Baru", "answer": "accept",
        })
        # The desk is not theirs at all (404); everything else: 403.
        wanted = 404 if rule.endpoint.startswith(DESK) or rule.endpoint.startswith(OUTBOX) else 403
        if response.status_code != wanted:
            wrong.append(f"{method} {url} ({rule.endpoint}): {response.status_code}, expected {wanted}")
    assert wrong == []
    assert counts() == before


def test_viewer_sees_the_banner_and_no_forms_on_the_team_page(client, auth, world, make):
    viewer = viewer_of(make, world["draft"])
    make.organiser(world["draft"], email="boss@example.org")
    auth.login(viewer)
    page = client.get("/manage/draf/team").get_data(as_text=True)
    assert "View only: you can see this conference's pages but not change anything." in page
    assert "boss@example.org" in page
    assert 'action="/manage/draf/team' not in page and "/remove" not in page  # nothing to change
    assert "/outbox" not in page  # not in the navigation either
    dashboard = client.get("/manage/draf/").get_data(as_text=True)
    assert "View only" in dashboard


def test_organiser_sees_no_banner(client, auth, world, make):
    auth.login(make.organiser(world["draft"]))
    page = client.get("/manage/draf/").get_data(as_text=True)
    assert "View only" not in page and "/manage/draf/outbox" in page


def test_viewer_gets_404_on_outbox_pages(client, auth, world, make):
    from eventapp.mail.services import queue_mail

    message = queue_mail(to="x@example.org", language="id", template="sign_in_link", subject="Hi",
                         context={"link": "http://x", "minutes": 5}, kind="sign_in_link",
                         conference=world["draft"])
    db.session.commit()
    auth.login(viewer_of(make, world["draft"]))
    assert client.get("/manage/draf/outbox").status_code == 404
    assert client.get(f"/manage/draf/outbox/{message.id}").status_code == 404
    assert client.post(f"/manage/draf/outbox/{message.id}/retry").status_code == 404
    assert db.session.get(OutboxMessage, message.id) is not None


def test_viewer_of_another_conference_gets_404(client, auth, world, make):
    auth.login(viewer_of(make, world["published"]))
    assert client.get("/manage/draf/").status_code == 404
    assert client.post("/manage/draf/team", data={"email": "a@example.org", "role": "viewer"}).status_code == 404
    assert client.get("/manage/terbit/").status_code == 200


def test_home_page_lists_the_viewers_conference(client, auth, world, make):
    auth.login(viewer_of(make, world["draft"]))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/c/draf"' in page
    assert client.get("/c/draf").status_code == 200  # a draft: its page opens for the viewer too


def test_check_in_staff_keep_the_desk_only(client, auth, world, make):
    staff = make.user(email="staff@example.org")
    grant_role(staff, world["draft"], MembershipRole.CHECKIN)
    db.session.commit()
    auth.login(staff)
    assert client.get("/manage/draf/checkin").status_code == 200
    assert client.get("/manage/draf/").status_code == 404
    assert client.get("/manage/draf/team").status_code == 404


def test_cli_creates_a_viewer(runner, client, auth, make):
    conference = make.conference(slug="konas", published=False)
    result = runner.invoke(args=["users", "create-organiser", "Lihat@Example.org", "--password", "panjang sekali",
                                 "--conference", "konas", "--role", "viewer"])
    assert result.exit_code == 0, result.output
    assert "lihat@example.org" in result.output
    user = db.session.scalar(select(User).where(User.email == "lihat@example.org"))
    assert user.can_view_manage_pages_of(conference) and not user.is_organiser_of(conference)
    auth.login(user, "panjang sekali")
    assert client.get("/manage/konas/").status_code == 200
    assert client.post("/manage/konas/details", data={"title_id": "Baru"}).status_code == 403
