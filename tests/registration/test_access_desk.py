"""Who may use the check-in desk and the badges: organisers (desk, undo,
badges), check-in staff of "draf" (its desk and one badge; the "checkin"
column of every other matrix shows the rest of /manage stays 404 for them),
nobody else (404; anonymous → sign-in)."""
from __future__ import annotations

import pytest

from eventapp.extensions import db
from eventapp.registration.models import Registration, RegistrationStatus

from ..access import MANAGE_GET, ROLES, check_access, manage_post

CODE = "ABCDEFGHJKLMNPQR"
NOWHERE = (302, 404, 404, 404, 404, 404)
DESK_GET = (302, 404, 404, 200, 404, 200)  # organisers and check-in staff of "draf"


def desk_post(ok: int = 303) -> tuple[int, ...]:
    """A POST to the desk of "draf": `ok` for its check-in staff and its organiser."""
    return (302, 404, 404, ok, 404, ok)


MATRIX = [
    ("GET", "/manage/draf/checkin", DESK_GET, None),
    ("GET", "/manage/draf/checkin?q=Peserta", DESK_GET, None),
    ("GET", "/manage/terbit/checkin", (302, 404, 404, 404, 200, 200), None),  # staff of "draf" only
    ("GET", "/manage/tidak-ada/checkin", NOWHERE, None),
    ("POST", "/manage/draf/checkin/scan", desk_post(303), {"code": CODE.lower()}),
    ("POST", "/manage/draf/checkin/scan", desk_post(422), {"code": "TIDAK-ADA"}),
    ("POST", "/manage/terbit/checkin/scan", (302, 404, 404, 404, 422, 422), {"code": CODE}),  # not a ticket there
    ("POST", "/manage/draf/checkin/{registration}", desk_post(303), {}),
    ("POST", "/manage/terbit/checkin/{registration}", NOWHERE, {}),  # another conference's
    ("POST", "/manage/draf/checkin/999999", NOWHERE, {}),
    ("POST", "/manage/draf/checkin/{registration}/undo", manage_post(303), {}),  # organisers only
    ("GET", "/manage/draf/checkin/counts.json", DESK_GET, None),
    ("GET", "/manage/terbit/checkin/counts.json", (302, 404, 404, 404, 200, 200), None),
    ("GET", "/manage/draf/registrations/{registration}/badge", DESK_GET, None),
    ("GET", "/manage/terbit/registrations/{registration}/badge", NOWHERE, None),
    ("GET", "/manage/draf/badges", MANAGE_GET, None),  # the batch: organisers only
    ("GET", "/manage/draf/badges?status=all&ribbon=speaker&q=peserta", MANAGE_GET, None),
]


@pytest.fixture(autouse=True)
def registration_in_world(world):
    registration = Registration(conference=world["draft"], email="peserta@example.org", full_name="Peserta Uji",
                                status=RegistrationStatus.CONFIRMED, ticket_code=CODE)
    db.session.add(registration)
    db.session.commit()
    world["registration"] = registration.id


IDS = [f"{m} {u} {d}" for m, u, _e, d in MATRIX]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=IDS)
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)

