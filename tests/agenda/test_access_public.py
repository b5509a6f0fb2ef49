"""Access matrix of the public agenda pages (agenda/public.py)."""
import pytest

from ..access import ROLES, check_access

PUBLIC = (200, 200, 200, 200, 200, 200)
DRAFT = (404, 404, 404, 404, 404, 200)
MISSING = (404, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/c/terbit/agenda", PUBLIC, None),
    ("GET", "/c/draf/agenda", DRAFT, None),
    ("GET", "/c/draf/agenda?day=2030-01-01&theme=UJI&q=uji", DRAFT, None),
    ("GET", "/c/terbit/now", PUBLIC, None),
    ("GET", "/c/draf/now", DRAFT, None),
    ("GET", "/c/draf/sessions/{session}", DRAFT, None),
    ("GET", "/c/terbit/sessions/{session}", MISSING, None),  # another conference's session
    ("GET", "/c/draf/sessions/999999", MISSING, None),
    ("GET", "/c/terbit/speakers", PUBLIC, None),
    ("GET", "/c/draf/speakers", DRAFT, None),
    ("GET", "/c/draf/speakers/{person}", DRAFT, None),
    ("GET", "/c/terbit/speakers/{person}", MISSING, None),
    ("GET", "/c/draf/speakers/999999", MISSING, None),
    ("GET", "/c/terbit/sub-themes", PUBLIC, None),
    ("GET", "/c/draf/sub-themes", DRAFT, None),
    ("GET", "/c/draf/sub-themes/UJI", DRAFT, None),
    ("GET", "/c/terbit/sub-themes/UJI", MISSING, None),
    ("GET", "/c/draf/sub-themes/NOPE", MISSING, None),
    ("GET", "/c/nowhere/agenda", MISSING, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
