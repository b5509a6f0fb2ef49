"""The speaker's own profile page: only a speaker of that conference (their own
Person); everyone else 404, anonymous visitors to the sign-in page."""
import pytest

from ..access import ROLES, check_access

SPEAKER_ONLY = (302, 404, 200, 404, 404, 404)
SPEAKER_POST = (302, 404, 303, 404, 404, 404)
NOBODY = (302, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/c/draf/my/profile", SPEAKER_ONLY, None),
    ("POST", "/c/draf/my/profile", SPEAKER_POST, {"position": "Peneliti", "bio_en": "A bio."}),
    ("GET", "/c/draf/my/profile/photo/delete", SPEAKER_ONLY, None),
    ("POST", "/c/draf/my/profile/photo/delete", SPEAKER_POST, {}),
    ("GET", "/c/terbit/my/profile", NOBODY, None),  # not a speaker there
    ("GET", "/c/tidak-ada/my/profile", NOBODY, None),
    ("POST", "/c/tidak-ada/my/profile/photo/delete", NOBODY, {}),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
    if role == "anonymous":
        with client.open(url.format(**world), method=method, data=data) as response:
            assert "/login" in response.headers["Location"]
