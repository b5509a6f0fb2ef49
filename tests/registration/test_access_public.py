"""Access matrix of the attendee's pages (registration/views.py): the form is
public on a published conference (a draft's only for its organisers), and the
private link is the only credential for /r/<token>, whoever visits."""
from __future__ import annotations

import pytest

from eventapp.extensions import db
from eventapp.registration import services as reg

from ..access import ROLES, check_access

EVERYONE = (200, 200, 200, 200, 200, 200)
REDIRECT = (303, 303, 303, 303, 303, 303)
INVALID = (422, 422, 422, 422, 422, 422)
MISSING = (404, 404, 404, 404, 404, 404)
ORGANISER_ONLY = (404, 404, 404, 404, 404, 200)
UNKNOWN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  # well-formed, matches nothing

MATRIX = [
    ("GET", "/c/terbit/register", EVERYONE, None),
    ("POST", "/c/terbit/register", INVALID, {"full_name": ""}),
    ("GET", "/c/draf/register", ORGANISER_ONLY, None),
    ("POST", "/c/draf/register", (404, 404, 404, 404, 404, 422), {"full_name": ""}),
    ("GET", "/c/tidak-ada/register", MISSING, None),
    ("GET", "/c/terbit/register/received", EVERYONE, None),
    ("GET", "/c/draf/register/received", ORGANISER_ONLY, None),
    ("POST", "/c/terbit/register/link", REDIRECT, {"email": "nobody@example.org"}),
    ("POST", "/c/draf/register/link", (404, 404, 404, 404, 404, 303), {"email": "nobody@example.org"}),
    ("GET", "/r/{token}", EVERYONE, None),
    ("POST", "/r/{token}", REDIRECT, {"action": "choice", "slot": "20260310T0200", "session": ""}),
    ("GET", f"/r/{UNKNOWN}", MISSING, None),
    ("POST", f"/r/{UNKNOWN}", MISSING, {"action": "cancel", "confirm": "yes"}),
    ("GET", "/r/not-a-token", MISSING, None),
]


@pytest.fixture
def links(world):
    """The world plus a registration for the published conference."""
    outcome = reg.register(world["published"], reg.Registrant(email="peserta@example.org", full_name="Peserta"),
                           consent=True)
    db.session.commit()
    return {**world, "token": outcome.manage_token}


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, links, role, method, url, expected, data):
    check_access(client, sign_in_as, links, role, method, url, expected, data)
