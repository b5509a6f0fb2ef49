"""Access matrix of the JSON API (see tests/access.py).

The API is public only for published conferences: "terbit" answers 200 for
everyone, while "draf" (a draft conference that HAS a release v1) is 404 for
everyone INCLUDING its organiser — unlike the HTML pages, the API never shows a
draft conference to anyone, whoever is signed in. "terbit" has no session or
person of its own, so ids from "draf" are 404 there too.
"""
import pytest

from ..access import ROLES, check_access

PUBLIC = (200, 200, 200, 200, 200, 200)
NOBODY = (404, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/api/v1/conferences", PUBLIC, None),
    ("GET", "/api/v1/openapi.json", PUBLIC, None),
    ("GET", "/api/v1/conferences/terbit", PUBLIC, None),
    ("GET", "/api/v1/conferences/terbit/sessions", PUBLIC, None),
    ("GET", "/api/v1/conferences/terbit/people", PUBLIC, None),
    ("GET", "/api/v1/conferences/terbit/sub-themes", PUBLIC, None),
    ("GET", "/api/v1/conferences/terbit/sessions/{session}", NOBODY, None),
    ("GET", "/api/v1/conferences/draf", NOBODY, None),
    ("GET", "/api/v1/conferences/draf/sessions", NOBODY, None),
    ("GET", "/api/v1/conferences/draf/sessions/{session}", NOBODY, None),
    ("GET", "/api/v1/conferences/draf/people", NOBODY, None),
    ("GET", "/api/v1/conferences/draf/sub-themes", NOBODY, None),
    ("GET", "/api/v1/conferences/tidak-ada", NOBODY, None),
    ("GET", "/api/v1/conferences/tidak-ada/sessions", NOBODY, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)


def test_draft_conference_is_absent_from_the_list_even_for_its_organiser(client, sign_in_as, world):
    sign_in_as("organiser")
    slugs = [c["slug"] for c in client.get("/api/v1/conferences").json["conferences"]]
    assert slugs == ["terbit"]
