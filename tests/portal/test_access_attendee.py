"""Access to the attendee's "My agenda" and its star buttons. Form data may
name the world's session by uid ({session_uid})."""
import pytest

from eventapp.agenda.models import AgendaSession
from eventapp.extensions import db

from ..access import ROLES, check_access

ATTENDEE_ONLY_GET = (302, 200, 404, 404, 404, 404)
ATTENDEE_ONLY_POST = (302, 303, 404, 404, 404, 404)
NOBODY = (302, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/c/draf/my/agenda", ATTENDEE_ONLY_GET, None),
    ("GET", "/c/terbit/my/agenda", NOBODY, None),
    ("GET", "/c/tidak-ada/my/agenda", NOBODY, None),
    ("POST", "/c/draf/my/agenda/star", ATTENDEE_ONLY_POST, {"session": "{session_uid}"}),
    ("POST", "/c/draf/my/agenda/star", NOBODY, {"session": "00000000-0000-4000-8000-000000000000"}),
    ("POST", "/c/draf/my/agenda/star", NOBODY, {"session": "not-a-uid"}),
    ("POST", "/c/terbit/my/agenda/star", NOBODY, {"session": "{session_uid}"}),
    ("POST", "/c/draf/my/agenda/unstar", ATTENDEE_ONLY_POST, {"session": "{session_uid}"}),
    ("POST", "/c/draf/my/agenda/unstar", NOBODY, {"session": "00000000-0000-4000-8000-000000000000"}),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u} {d}" for m, u, _e, d in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    uid = str(db.session.get(AgendaSession, world["session"]).uid)
    data = {key: value.format(session_uid=uid) for key, value in data.items()} if data else data
    check_access(client, sign_in_as, world, role, method, url, expected, data)
