import pytest

from ..access import ROLES, check_access

PUBLIC = (200, 200, 200, 200, 200, 200)
DRAFT = (404, 404, 404, 404, 404, 200)  # "draf" is a draft with a release: only its organiser sees it
NOT_FOUND = (404, 404, 404, 404, 404, 404)

MATRIX = [
    *[("GET", f"/c/terbit/{name}", PUBLIC, None)
      for name in ("agenda.ics", "schedule.xml", "schedule.json", "agenda.csv")],
    *[("GET", f"/c/draf/{name}", DRAFT, None)
      for name in ("agenda.ics", "schedule.xml", "schedule.json", "agenda.csv")],
    ("GET", "/c/draf/sessions/{session}.ics", DRAFT, None),
    ("GET", "/c/draf/sub-themes/UJI.ics", DRAFT, None),
    ("GET", "/c/draf/speakers/{person}.ics", DRAFT, None),
    # Ids of another conference, or not in the latest release, are not found.
    ("GET", "/c/terbit/sessions/{session}.ics", NOT_FOUND, None),
    ("GET", "/c/terbit/sub-themes/UJI.ics", NOT_FOUND, None),
    ("GET", "/c/terbit/speakers/{person}.ics", NOT_FOUND, None),
    ("GET", "/c/tidak-ada/agenda.ics", NOT_FOUND, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
