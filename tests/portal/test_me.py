"""/me: every conference of the signed-in person, with their pages there."""
from __future__ import annotations

import pytest

from eventapp.extensions import db

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages


def test_empty_state_explains(client, make, auth):
    auth.login(make.user())
    html = client.get("/me").get_data(as_text=True)
    assert "register for it" in html


def test_links_per_role(client, make, auth, world):
    user = make.user(email="speaker-world@example.org")
    make.registration(world["draft"], email=user.email)
    make.registration(world["published"], email=user.email)
    auth.login(user)
    html = client.get("/me").get_data(as_text=True)
    assert "/c/draf/my/agenda" in html and "/c/terbit/my/agenda" in html
    assert "/manage/draf/" not in html


def test_organiser_sees_organiser_pages(client, make, auth, world):
    organiser = make.organiser(world["draft"])
    auth.login(organiser)
    html = client.get("/me").get_data(as_text=True)
    assert "/manage/draf/" in html


def test_query_count_is_bounded(client, make, auth, count_queries):
    user = make.user()
    auth.login(user)

    def add(n: int) -> None:
        for _ in range(n):
            conference = make.conference(published=False)
            make.registration(conference, email=user.email)
            make.person(conference, email=user.email)

    def measure() -> int:
        with count_queries() as queries:
            assert client.get("/me").status_code == 200
        return len(queries)

    add(2)
    few = measure()
    add(8)
    db.session.commit()
    assert measure() == few
