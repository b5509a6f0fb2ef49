"""The public representation page (only published conferences whose organisers
switched it on: here "terbit") and the organisers' switch."""
import pytest

from eventapp.extensions import db

from ..access import MANAGE_GET, ROLES, check_access, manage_post

EVERYONE = (200, 200, 200, 200, 200, 200)
NOBODY = (404, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/c/terbit/representation", EVERYONE, None),
    ("GET", "/c/draf/representation", NOBODY, None),  # switched on, but a draft
    ("GET", "/c/tidak-ada/representation", NOBODY, None),
    ("GET", "/manage/draf/insights/publish", MANAGE_GET, None),
    ("POST", "/manage/draf/insights/publish", manage_post(), {"public": "y"}),
    ("GET", "/manage/terbit/insights/publish", (302, 404, 404, 404, 200, 200), None),
    ("POST", "/manage/terbit/insights/publish", (302, 404, 404, 404, 303, 303), {}),
]


@pytest.fixture
def world(world):
    """The shared world with the representation page switched on in both conferences."""
    world["published"].representation_public = True
    world["draft"].representation_public = True
    db.session.commit()
    return world


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
