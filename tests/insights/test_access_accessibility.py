import pytest

from ..access import MANAGE_GET, ROLES, check_access

MATRIX = [
    ("GET", "/manage/draf/insights/accessibility", MANAGE_GET, None),
    ("GET", "/manage/draf/insights/accessibility/rooms/{room}", MANAGE_GET, None),
    # The room of "draf" under another conference's slug: not found, even for its organisers.
    ("GET", "/manage/terbit/insights/accessibility/rooms/{room}", (302, 404, 404, 404, 404, 404), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
