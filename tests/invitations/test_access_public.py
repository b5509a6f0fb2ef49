"""Access matrix of the invitee's page (invitations/public.py): the personal
link is the only credential, so every visitor gets the same answer, signed in
or not, organiser or not."""
from __future__ import annotations

import pytest

from eventapp.extensions import db
from eventapp.invitations import services as inv

from ..access import ROLES, check_access
from .test_services import invite_delegate, link_for

EVERYONE = (200, 200, 200, 200, 200, 200)
ANSWERED = (303, 303, 303, 303, 303, 303)
GONE = (410, 410, 410, 410, 410, 410)
MISSING = (404, 404, 404, 404, 404, 404)
UNKNOWN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  # well-formed, matches nothing

MATRIX = [
    ("GET", "/i/{token}", EVERYONE, None),
    ("POST", "/i/{token}", ANSWERED, {"answer": "accept"}),
    ("GET", "/i/{revoked_token}", GONE, None),
    ("POST", "/i/{revoked_token}", GONE, {"answer": "accept"}),
    ("GET", f"/i/{UNKNOWN}", MISSING, None),
    ("POST", f"/i/{UNKNOWN}", MISSING, {"answer": "accept"}),
    ("GET", "/i/not-a-token", MISSING, None),
]


@pytest.fixture
def links(world):
    """The world plus a live link and a withdrawn one, to the draft conference."""
    draft = world["draft"]
    live = invite_delegate(draft, "undangan@example.org")
    withdrawn = invite_delegate(draft, "ditarik@example.org")
    revoked_token = link_for(withdrawn)
    inv.revoke(withdrawn)
    db.session.commit()
    return {**world, "token": link_for(live), "revoked_token": revoked_token}


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, links, role, method, url, expected, data):
    check_access(client, sign_in_as, links, role, method, url, expected, data)
