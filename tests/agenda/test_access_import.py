import io

import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post


def people_upload() -> dict:
    """A fresh upload each time (a file object can be read only once)."""
    return {"kind": "people", "file": (io.BytesIO(b"full_name,email\nOrang Baru,baru@example.org\n"), "orang.csv")}


MATRIX = [
    ("GET", "/manage/draf/import", MANAGE_GET, None),
    ("GET", "/manage/tidak-ada/import", (302, 404, 404, 404, 404, 404), None),
    ("POST", "/manage/draf/import", manage_post(200), people_upload),
    ("POST", "/manage/draf/import/confirm", manage_post(303),
     {"kind": "people", "text": "full_name,email\nOrang Baru,baru@example.org\n"}),
    ("GET", "/manage/draf/import/example/people.csv", MANAGE_GET, None),
    ("GET", "/manage/draf/import/example/sessions.csv", MANAGE_GET, None),
    ("GET", "/manage/draf/import/example/other.csv", (302, 404, 404, 404, 404, 404), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    if callable(data):
        data = data()
    check_access(client, sign_in_as, world, role, method, url, expected, data)
