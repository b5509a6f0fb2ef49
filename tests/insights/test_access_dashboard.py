import pytest

from ..access import MANAGE_GET, ROLES, check_access

MATRIX = [
    ("GET", "/manage/draf/insights", MANAGE_GET, None),
    ("GET", "/manage/draf/insights/report", MANAGE_GET, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
