"""Who may open and post to the organisers' invitation pages (see tests/access.py).

Besides the shared world, conference "draf" gets a category ({category}) and a
delegate invitation ({invitation}); their ids under "terbit" are not found.
"""
import pytest

from eventapp.extensions import db
from eventapp.invitations.services import Invitee, create_category, invite_delegate

from ..access import MANAGE_GET, ROLES, check_access, manage_post

BASE = "/manage/draf/invitations"
INVITATION = BASE + "/{invitation}"
CATEGORY = BASE + "/categories/{category}"
NOBODY = (302, 404, 404, 404, 404, 404)
INVITE = {"full_name": "Ibu Baru", "email": "baru@example.org", "sector": "other",
          "gender": "not_stated", "language": "id", "category": "", "respond_by": "",
          "respond_by_time": "", "message": ""}

MATRIX = [
    ("GET", BASE, MANAGE_GET, None),
    ("GET", BASE + "?status=pending&kind=delegate&q=uji&sort=-deadline", MANAGE_GET, None),
    ("GET", "/manage/terbit/invitations", (302, 404, 404, 404, 200, 200), None),
    ("GET", "/manage/tidak-ada/invitations", NOBODY, None),
    ("GET", BASE + ".csv", MANAGE_GET, None),
    ("GET", "/manage/terbit/invitations.csv", (302, 404, 404, 404, 200, 200), None),
    ("POST", BASE + "/remind", manage_post(), {}),
    ("POST", "/manage/terbit/invitations/remind", (302, 404, 404, 404, 303, 303), {}),
    ("GET", BASE + "/new", MANAGE_GET, None),
    ("GET", BASE + "/new?kind=speaker&session={session}", MANAGE_GET, None),
    ("POST", BASE + "/new", manage_post(), INVITE),
    ("POST", BASE + "/new", manage_post(422), {**INVITE, "email": "bukan-email"}),
    ("POST", BASE + "/new?kind=speaker", manage_post(422), INVITE),  # no session chosen
    ("GET", INVITATION, MANAGE_GET, None),
    ("POST", INVITATION + "/resend", manage_post(), {}),
    ("POST", INVITATION + "/revoke", manage_post(), {}),
    ("POST", INVITATION + "/record", manage_post(), {"answer": "accept", "note": "Lewat telepon"}),
    ("POST", INVITATION + "/record", manage_post(422), {"note": "no answer chosen"}),
    ("POST", INVITATION + "/deadline", manage_post(), {"respond_by": "2099-01-01", "respond_by_time": "12:00"}),
    ("POST", INVITATION + "/deadline", manage_post(422), {"respond_by": "2000-01-01", "respond_by_time": "12:00"}),
    ("GET", BASE + "/categories", MANAGE_GET, None),
    ("POST", BASE + "/categories", manage_post(), {"name": "Kementerian", "quota": "10"}),
    ("POST", BASE + "/categories", manage_post(422), {"name": "kepala daerah"}),  # exists
    ("POST", CATEGORY, manage_post(), {"name": "Kepala daerah", "quota": "5"}),
    ("POST", CATEGORY, manage_post(422), {"name": "", "quota": "0"}),
    ("POST", CATEGORY + "/delete", manage_post(), {}),
    # Ids of "draf" under the other conference's address: not found, even for its organisers.
    ("GET", "/manage/terbit/invitations/{invitation}", NOBODY, None),
    ("POST", "/manage/terbit/invitations/{invitation}/resend", NOBODY, {}),
    ("POST", "/manage/terbit/invitations/{invitation}/revoke", NOBODY, {}),
    ("POST", "/manage/terbit/invitations/{invitation}/record", NOBODY, {"answer": "accept"}),
    ("POST", "/manage/terbit/invitations/{invitation}/deadline", NOBODY,
     {"respond_by": "2099-01-01", "respond_by_time": "12:00"}),
    ("POST", "/manage/terbit/invitations/categories/{category}", NOBODY, {"name": "Dicuri"}),
    ("POST", "/manage/terbit/invitations/categories/{category}/delete", NOBODY, {}),
    ("GET", BASE + "/999999", NOBODY, None),
    ("POST", BASE + "/categories/999999/delete", NOBODY, {}),
]


@pytest.fixture
def invitation_world(world):
    draft = world["draft"]
    category = create_category(draft, "Kepala daerah", 3)
    invitation, _created = invite_delegate(
        draft, Invitee(email="bupati@example.org", full_name="Bupati Uji"), category=category)
    db.session.commit()
    return {**world, "category": category.id, "invitation": invitation.id}


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, invitation_world, role, method, url, expected, data):
    check_access(client, sign_in_as, invitation_world, role, method, url, expected, data)
