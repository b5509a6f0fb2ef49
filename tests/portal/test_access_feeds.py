"""Access to personal calendar feeds (no sign-in: the secret is the key) and
to resetting their address. {feed_token} is the feed of an attendee of "draf"."""
import pytest

from eventapp.extensions import db
from eventapp.portal.services import feed_token, personal_agenda

from ..access import ROLES, check_access

EVERYONE = (200, 200, 200, 200, 200, 200)
NOT_FOUND = (404, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/c/draf/feed/{feed_token}.ics", EVERYONE, None),
    ("GET", "/c/terbit/feed/{feed_token}.ics", NOT_FOUND, None),
    ("GET", "/c/draf/feed/" + "z" * 43 + ".ics", NOT_FOUND, None),
    ("GET", "/c/draf/feed/short.ics", NOT_FOUND, None),
    ("GET", "/c/draf/my/calendar/reset", (302, 200, 200, 404, 404, 404), None),
    ("GET", "/c/terbit/my/calendar/reset", (302, 404, 404, 404, 404, 404), None),
    ("GET", "/c/tidak-ada/my/calendar/reset", (302, 404, 404, 404, 404, 404), None),
    ("POST", "/c/draf/my/calendar/reset", (302, 303, 303, 404, 404, 404), {}),
    ("POST", "/c/terbit/my/calendar/reset", (302, 404, 404, 404, 404, 404), {}),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, make, role, method, url, expected, data):
    owner = make.user()
    make.registration(world["draft"], email=owner.email)
    token = feed_token(personal_agenda(world["draft"], owner))
    db.session.commit()
    check_access(client, sign_in_as, {**world, "feed_token": token}, role, method, url, expected, data)
