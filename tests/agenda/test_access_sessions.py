"""Who may open the session list and editor, and post to them (see tests/access.py)."""
import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post

BASE = "/manage/draf/sessions"
SESSION = BASE + "/{session}"
ROLE = SESSION + "/roles/{role}"

VALID_SESSION = {
    "title_id": "Sesi Baru", "kind": "parallel", "sub_theme": "", "room": "",
    "day": "", "starts_at": "", "ends_at": "", "capacity": "",
}

MATRIX = [
    ("GET", BASE, MANAGE_GET, None),
    ("GET", "/manage/terbit/sessions", (302, 404, 404, 404, 200, 200), None),
    ("GET", "/manage/tidak-ada/sessions", (302, 404, 404, 404, 404, 404), None),
    ("GET", BASE + "/new", MANAGE_GET, None),
    ("POST", BASE + "/new", manage_post(), VALID_SESSION),
    ("GET", SESSION + "/edit", MANAGE_GET, None),
    ("GET", BASE + "/999999/edit", (302, 404, 404, 404, 404, 404), None),
    ("POST", SESSION + "/edit", manage_post(), VALID_SESSION),
    ("POST", SESSION + "/duplicate", manage_post(), {}),
    ("GET", SESSION + "/delete", MANAGE_GET, None),
    ("POST", SESSION + "/delete", manage_post(), {}),
    ("POST", SESSION + "/roles", manage_post(), {"person_id": "{other_person}", "role": "moderator"}),
    ("POST", SESSION + "/roles/new-person", manage_post(),
     {"new_person-full_name": "Orang Baru", "new_person-sector": "academia",
      "new_person-gender": "woman", "new_person-role": "speaker"}),
    ("POST", ROLE, manage_post(), {"role": "moderator"}),
    ("POST", ROLE + "/move", manage_post(), {"direction": "down"}),
    ("POST", ROLE + "/remove", manage_post(), {}),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, make, sign_in_as, world, role, method, url, expected, data):
    # {person} already speaks in {session}; adding someone needs a second person.
    ids = {**world, "other_person": make.person(world["draft"], "Orang Lain").id}
    if data:
        data = {key: value.format(**ids) for key, value in data.items()}
    check_access(client, sign_in_as, ids, role, method, url, expected, data)
