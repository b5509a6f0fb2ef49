"""Who may open and post to the conference setup pages: details, venues and
rooms, sub-themes (see tests/access.py). Ids from another conference are 404."""
import pytest

from ..access import MANAGE_GET, ROLES, check_access, manage_post

BASE = "/manage/draf"
VENUE = BASE + "/venues/{venue}"
ROOM = BASE + "/rooms/{room}"
THEME = BASE + "/sub-themes/{sub_theme}"
NOBODY = (302, 404, 404, 404, 404, 404)  # no role may reach it

DETAILS = {
    "title_id": "Konferensi Draf", "timezone": "Asia/Jakarta",
    "starts_on": "2026-03-10", "ends_on": "2026-03-11", "status": "draft",
}
THEME_DATA = {"code": "BARU", "title_id": "Tema Baru", "colour": "#123456"}

MATRIX = [
    ("GET", BASE + "/details", MANAGE_GET, None),
    ("POST", BASE + "/details", manage_post(), DETAILS),
    ("POST", BASE + "/details", manage_post(422), {**DETAILS, "ends_on": "2026-03-01"}),
    ("GET", "/manage/terbit/details", (302, 404, 404, 404, 200, 200), None),
    ("GET", "/manage/tidak-ada/details", NOBODY, None),
    ("GET", BASE + "/venues", MANAGE_GET, None),
    ("GET", BASE + "/venues/new", MANAGE_GET, None),
    ("POST", BASE + "/venues/new", manage_post(), {"name": "Gedung Baru"}),
    ("GET", VENUE + "/edit", MANAGE_GET, None),
    ("POST", VENUE + "/edit", manage_post(), {"name": "Hotel Baru", "city": "Jakarta"}),
    ("GET", VENUE + "/delete", MANAGE_GET, None),
    ("POST", VENUE + "/delete", manage_post(422), {}),  # its room holds a session
    ("GET", VENUE + "/rooms/new", MANAGE_GET, None),
    ("POST", VENUE + "/rooms/new", manage_post(), {"name": "Ruang Baru", "capacity": "40"}),
    ("GET", ROOM + "/edit", MANAGE_GET, None),
    ("POST", ROOM + "/edit", manage_post(), {"name": "Ruang Uji", "capacity": "50"}),
    ("GET", ROOM + "/delete", MANAGE_GET, None),
    ("POST", ROOM + "/delete", manage_post(), {"sessions": "leave"}),
    ("POST", ROOM + "/delete", manage_post(422), {}),  # neither move nor leave
    ("GET", BASE + "/sub-themes", MANAGE_GET, None),
    ("GET", BASE + "/sub-themes/new", MANAGE_GET, None),
    ("POST", BASE + "/sub-themes/new", manage_post(), THEME_DATA),
    ("GET", THEME + "/edit", MANAGE_GET, None),
    ("POST", THEME + "/edit", manage_post(), THEME_DATA),
    ("GET", THEME + "/delete", MANAGE_GET, None),
    ("POST", THEME + "/delete", manage_post(), {"sessions": "leave"}),
    # Ids of "draf" under the other conference's address: not found, even for its organisers.
    ("GET", "/manage/terbit/venues/{venue}/edit", NOBODY, None),
    ("POST", "/manage/terbit/venues/{venue}/delete", NOBODY, {}),
    ("GET", "/manage/terbit/venues/{venue}/rooms/new", NOBODY, None),
    ("GET", "/manage/terbit/rooms/{room}/edit", NOBODY, None),
    ("POST", "/manage/terbit/rooms/{room}/delete", NOBODY, {"sessions": "leave"}),
    ("GET", "/manage/terbit/sub-themes/{sub_theme}/edit", NOBODY, None),
    ("POST", "/manage/terbit/sub-themes/{sub_theme}/delete", NOBODY, {"sessions": "leave"}),
    ("GET", BASE + "/rooms/999999/edit", NOBODY, None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)
