"""Who may open the team pages. A member of "draf" (a viewer) is added so the
membership URLs have a real id; "terbit" URLs with that id are another
conference's membership: 404 for everyone."""
import pytest

from eventapp.accounts.models import ConferenceMembership, MembershipRole
from eventapp.extensions import db

from ..access import MANAGE_GET, ROLES, check_access, manage_post

NOT_HERE = (302, 404, 404, 404, 404, 404)

MATRIX = [
    ("GET", "/manage/draf/team", MANAGE_GET, None),
    ("POST", "/manage/draf/team", manage_post(), {"email": "new-member@example.org", "role": "viewer"}),
    ("POST", "/manage/draf/team/{membership}/role", manage_post(), {"role": "checkin"}),
    ("GET", "/manage/draf/team/{membership}/remove", MANAGE_GET, None),
    ("POST", "/manage/draf/team/{membership}/remove", manage_post(), {}),
    ("GET", "/manage/terbit/team/{membership}/remove", NOT_HERE, None),
    ("POST", "/manage/terbit/team/{membership}/remove", NOT_HERE, {}),
    ("POST", "/manage/terbit/team/{membership}/role", NOT_HERE, {"role": "checkin"}),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, make, role, method, url, expected, data):
    member = make.user(email="viewer-world@example.org")
    membership = ConferenceMembership(user=member, conference=world["draft"], role=MembershipRole.VIEWER)
    db.session.add(membership)
    db.session.commit()
    check_access(client, sign_in_as, {**world, "membership": membership.id}, role, method, url, expected, data)
