import io

import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post

CSV = "name,email\nOrang Baru,baru@example.org\n"


def invitations_upload() -> dict:
    """A fresh upload each time (a file object can be read only once)."""
    return {"file": (io.BytesIO(CSV.encode()), "undangan.csv")}


MATRIX = [
    ("GET", "/manage/draf/invitations/import", MANAGE_GET, None),
    ("GET", "/manage/tidak-ada/invitations/import", (302, 404, 404, 404, 404, 404), None),
    ("POST", "/manage/draf/invitations/import", manage_post(200), invitations_upload),
    ("POST", "/manage/terbit/invitations/import", (302, 404, 404, 404, 200, 200), invitations_upload),
    ("POST", "/manage/draf/invitations/import/confirm", manage_post(303), {"text": CSV}),
    ("GET", "/manage/draf/invitations/import/example.csv", MANAGE_GET, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    if callable(data):
        data = data()
    check_access(client, sign_in_as, world, role, method, url, expected, data)
