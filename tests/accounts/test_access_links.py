import pytest

from ..access import ROLES, check_access

TOKEN = "z" * 43
EVERYONE_200 = (200, 200, 200, 200, 200, 200)
GONE = (410, 410, 410, 410, 410, 410)

MATRIX = [
    ("GET", "/login/link", EVERYONE_200, None),
    ("POST", "/login/link", EVERYONE_200, {"email": "someone@example.org"}),
    ("GET", f"/login/link/{TOKEN}", GONE, None),
    ("POST", f"/login/link/{TOKEN}", GONE, None),
    ("GET", "/login/reset", EVERYONE_200, None),
    ("POST", "/login/reset", EVERYONE_200, {"email": "someone@example.org"}),
    ("GET", f"/login/reset/{TOKEN}", GONE, None),
    ("POST", f"/login/reset/{TOKEN}", GONE, {"password": "x" * 12, "confirm": "x" * 12}),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
