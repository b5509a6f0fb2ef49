import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post

MATRIX = [
    ("GET", "/manage/draf/conflicts", MANAGE_GET, None),
    ("POST", "/manage/draf/conflicts/acknowledge", manage_post(), {"session_id": "{session}", "key": "no_moderator"}),
    ("GET", "/manage/draf/releases", MANAGE_GET, None),
    ("POST", "/manage/draf/releases", manage_post(), {"note": "x"}),
    ("GET", "/manage/draf/preview", MANAGE_GET, None),
    ("GET", "/c/terbit/changes", (200, 200, 200, 200, 200, 200), None),
    ("GET", "/c/draf/changes", (404, 404, 404, 404, 404, 200), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    if data:
        data = {k: v.format(**world) for k, v in data.items()}
    check_access(client, sign_in_as, world, role, method, url, expected, data)
