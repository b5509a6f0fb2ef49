"""Who may use the check-in desk and the badges: organisers (desk, undo,
badges), check-in staff (desk and one badge, nothing else under /manage),
nobody else (404; anonymous → sign-in)."""
from __future__ import annotations

import pytest

from eventapp.accounts.models import MembershipRole
from eventapp.accounts.services import grant_role
from eventapp.extensions import db
from eventapp.registration.models import Registration, RegistrationStatus

from ..access import MANAGE_GET, ROLES, check_access, manage_post

CODE = "ABCDEFGHJKLMNPQR"
NOWHERE = (302, 404, 404, 404, 404)

# (method, url, expected per ROLES, expected for check-in staff of "draf", data)
MATRIX = [
    ("GET", "/manage/draf/checkin", MANAGE_GET, 200, None),
    ("GET", "/manage/draf/checkin?q=Peserta", MANAGE_GET, 200, None),
    ("GET", "/manage/tidak-ada/checkin", NOWHERE, 404, None),
    ("POST", "/manage/draf/checkin/scan", manage_post(303), 303, {"code": CODE.lower()}),
    ("POST", "/manage/draf/checkin/scan", manage_post(422), 422, {"code": "TIDAK-ADA"}),
    ("POST", "/manage/draf/checkin/{registration}", manage_post(303), 303, {}),
    ("POST", "/manage/terbit/checkin/{registration}", NOWHERE, 404, {}),  # another conference's
    ("POST", "/manage/draf/checkin/999999", NOWHERE, 404, {}),
    ("POST", "/manage/draf/checkin/{registration}/undo", manage_post(303), 404, {}),
    ("GET", "/manage/draf/checkin/counts.json", MANAGE_GET, 200, None),
    ("GET", "/manage/draf/registrations/{registration}/badge", MANAGE_GET, 200, None),
    ("GET", "/manage/terbit/registrations/{registration}/badge", NOWHERE, 404, None),
    ("GET", "/manage/draf/badges", MANAGE_GET, 404, None),
    ("GET", "/manage/draf/badges?status=all&ribbon=speaker&q=peserta", MANAGE_GET, 404, None),
]

# Check-in staff are not organisers: the rest of the manage area is not theirs.
STAFF_ELSEWHERE = [
    ("GET", "/manage/draf/"),
    ("GET", "/manage/draf/details"),
    ("GET", "/manage/draf/invitations"),
    ("GET", "/manage/draf/registration"),
    ("GET", "/manage/draf/registrations"),
    ("GET", "/manage/draf/outbox"),
    ("GET", "/manage/terbit/checkin"),  # staff of "draf" only
]


@pytest.fixture(autouse=True)
def registration_in_world(world):
    registration = Registration(conference=world["draft"], email="peserta@example.org", full_name="Peserta Uji",
                                status=RegistrationStatus.CONFIRMED, ticket_code=CODE)
    db.session.add(registration)
    db.session.commit()
    world["registration"] = registration.id


@pytest.fixture
def staff(make, auth, world):
    user = make.user(email="staf@example.org")
    grant_role(user, world["draft"], MembershipRole.CHECKIN)
    db.session.commit()
    auth.login(user)
    return user


IDS = [f"{m} {u} {d}" for m, u, _e, _s, d in MATRIX]


@pytest.mark.parametrize(("method", "url", "expected", "staff_expected", "data"), MATRIX, ids=IDS)
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, staff_expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)


@pytest.mark.parametrize(("method", "url", "expected", "staff_expected", "data"), MATRIX, ids=IDS)
def test_check_in_staff_access(client, staff, world, method, url, expected, staff_expected, data):
    response = client.open(url.format(**world), method=method, data=data)
    assert response.status_code == staff_expected


@pytest.mark.parametrize(("method", "url"), STAFF_ELSEWHERE)
def test_check_in_staff_get_404_elsewhere_in_the_manage_area(app, client, staff, world, method, url):
    app.url_map.bind("eventapp.test").match(url, method=method)  # the page exists: a 404 is a refusal
    assert client.open(url, method=method).status_code == 404
