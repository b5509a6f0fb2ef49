"""Who may open a speaker's pages: only that speaker (the matrix "speaker" is a
speaker of "draf" without roles; the world's role belongs to someone else)."""
import pytest

from ..access import ROLES, check_access

ONLY_SPEAKER = (302, 404, 200, 404, 404, 404)
NOBODY = (302, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/c/draf/my/sessions", ONLY_SPEAKER, None),
    ("GET", "/c/terbit/my/sessions", NOBODY, None),
    ("GET", "/c/tidak-ada/my/sessions", NOBODY, None),
    ("POST", "/c/draf/my/sessions/{role}/confirm", NOBODY, {}),
    ("GET", "/c/draf/my/sessions/{role}/decline", NOBODY, None),
    ("POST", "/c/draf/my/sessions/{role}/decline", NOBODY, {"message": "x"}),
    ("GET", "/c/draf/my/sessions/{role}/calendar.ics", NOBODY, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
