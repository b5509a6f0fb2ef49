"""CSV exports of the insight tables: organisers of the conference only."""
import pytest

from ..access import MANAGE_GET, ROLES, check_access

TABLES = ["speakers-by-role", "sector-mix", "sub-themes", "sessions", "participation-gender",
          "participation-sector", "participation-province", "invitations", "accessibility-sessions"]

MATRIX = [
    *(("GET", f"/manage/draf/insights/{table}.csv", MANAGE_GET, None) for table in TABLES),
    ("GET", "/manage/draf/insights/unknown.csv", (302, 404, 404, 404, 404, 404), None),
    ("GET", "/manage/terbit/insights/sessions.csv", (302, 404, 404, 404, 200, 200), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
