import pytest

from ..access import MANAGE_GET, ROLES, check_access

MATRIX = [
    ("GET", "/manage/draf/audit", MANAGE_GET, None),
    ("GET", "/manage/draf/audit?action=import&user=system&page=2", MANAGE_GET, None),
    ("GET", "/manage/tidak-ada/audit", (302, 404, 404, 404, 404, 404), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
