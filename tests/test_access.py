"""Every route, for every kind of visitor: anonymous, attendee, speaker,
organiser of another conference, organiser. A new route must be added here."""
from __future__ import annotations

import pytest

ROLES = ("anonymous", "attendee", "speaker", "other_organiser", "organiser")


@pytest.fixture
def world(make):
    published = make.conference(slug="terbit")
    draft = make.conference(slug="draf", published=False)
    return {"published": published, "draft": draft}


@pytest.fixture
def sign_in_as(make, auth, world):
    def sign_in(role: str) -> None:
        if role == "anonymous":
            return
        if role == "attendee":
            user = make.user()
        elif role == "speaker":
            user = make.user()
            person = make.person(world["draft"], email=user.email)
            make.role(make.session(world["draft"]), person)
        elif role == "other_organiser":
            user = make.organiser(world["published"])
        else:
            user = make.organiser(world["draft"], world["published"])
        auth.login(user)

    return sign_in


# (method, url, expected status for each of ROLES)
MATRIX = [
    ("GET", "/", (200, 200, 200, 200, 200)),
    ("GET", "/c/terbit", (200, 200, 200, 200, 200)),
    ("GET", "/c/draf", (404, 404, 404, 404, 200)),
    ("GET", "/c/tidak-ada", (404, 404, 404, 404, 404)),
    ("GET", "/login", (200, 302, 302, 302, 302)),
    ("POST", "/login", (422, 302, 302, 302, 302)),
    ("POST", "/logout", (302, 303, 303, 303, 303)),
    ("POST", "/language", (303, 303, 303, 303, 303)),
    ("GET", "/static/css/app.css", (200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(("method", "url", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, role, method, url, expected):
    sign_in_as(role)
    with client.open(url, method=method, data={"lang": "en"} if method == "POST" else None) as response:
        assert response.status_code == expected[ROLES.index(role)]


def test_every_route_is_in_the_matrix(app):
    covered = {("/c/<slug>" if url.startswith("/c/") else url) for _, url, _ in MATRIX}
    covered |= {"/static/<path:filename>"}
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert routes - covered == set()
