"""Who may open and post to the people pages (see tests/access.py)."""
import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post

BASE = "/manage/draf/people"
PERSON = BASE + "/{person}"
NOBODY = (302, 404, 404, 404, 404, 404)
VALID = {"full_name": "Orang Baru", "sector": "academia", "gender": "woman"}

MATRIX = [
    ("GET", BASE, MANAGE_GET, None),
    ("GET", "/manage/terbit/people", (302, 404, 404, 404, 200, 200), None),
    ("GET", "/manage/tidak-ada/people", NOBODY, None),
    ("GET", BASE + "/new", MANAGE_GET, None),
    ("POST", BASE + "/new", manage_post(), VALID),
    ("POST", BASE + "/new", manage_post(422), {**VALID, "full_name": ""}),
    ("GET", PERSON + "/edit", MANAGE_GET, None),
    ("POST", PERSON + "/edit", manage_post(), VALID),
    ("GET", PERSON + "/delete", MANAGE_GET, None),
    ("POST", PERSON + "/delete", manage_post(), {}),
    # A person of "draf" under the other conference's address: not found.
    ("GET", "/manage/terbit/people/{person}/edit", NOBODY, None),
    ("POST", "/manage/terbit/people/{person}/edit", NOBODY, VALID),
    ("POST", "/manage/terbit/people/{person}/delete", NOBODY, {}),
    ("GET", BASE + "/999999/edit", NOBODY, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
