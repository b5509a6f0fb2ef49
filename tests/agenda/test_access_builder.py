"""Who may open the builder and move sessions with it (see tests/access.py)."""
import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post

BUILDER = "/manage/draf/builder"
SESSION = BUILDER + "/sessions/{session}"

MATRIX = [
    ("GET", BUILDER, MANAGE_GET, None),
    ("GET", BUILDER + "?day=2026-03-10&room={room}", MANAGE_GET, None),
    ("GET", "/manage/terbit/builder", (302, 404, 404, 404, 200, 200), None),
    ("GET", "/manage/tidak-ada/builder", (302, 404, 404, 404, 404, 404), None),
    ("POST", SESSION + "/move", manage_post(), {"room": "{room}", "day": "2026-03-10", "start": "11:00"}),
    ("POST", SESSION + "/span", manage_post(), {"value": "off"}),
    # The session belongs to "draf": through another conference it does not exist.
    ("POST", "/manage/terbit/builder/sessions/{session}/move", (302, 404, 404, 404, 404, 404),
     {"room": "{room}", "day": "2026-03-10", "start": "11:00"}),
    ("POST", "/manage/draf/builder/sessions/0/span", (302, 404, 404, 404, 404, 404), {"value": "on"}),
    ("GET", SESSION + "/move", (405, 405, 405, 405, 405, 405), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    data = {key: value.format(**world) for key, value in data.items()} if data else data
    check_access(client, sign_in_as, world, role, method, url, expected, data)
