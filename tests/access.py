"""The access matrix shared by every area.

Each area has a `tests/<area>/test_access.py` that defines MATRIX rows
(method, url template, expected status per role in ROLES, form data or None)
and calls `check_access`. URL templates are formatted with the ids from the
`world` fixture: {session}, {room}, {venue}, {sub_theme}, {person}, {role},
{release}. `tests/test_access.py` fails when a route is in no matrix.

The world: conference "terbit" (published, organised by both organisers) and
conference "draf" (draft, organised by "organiser" only), with one venue,
room, sub-theme, person, session (with that person as speaker) in "draf".

The roles: "attendee" is registered for "draf", "speaker" is a person of
"draf", "checkin" is check-in staff of "draf" (the desk, nothing else of the
manage area), "other_organiser" organises "terbit" only, "organiser" both.
Every row has exactly one status per role (`tests/test_access.py` checks it),
so a new role cannot be forgotten in some matrix.
"""
from __future__ import annotations

ROLES = ("anonymous", "attendee", "speaker", "checkin", "other_organiser", "organiser")

# Shorthands for the usual manage-area expectations.
MANAGE_GET = (302, 404, 404, 404, 404, 200)  # anonymous → sign-in page; others → not found


def manage_post(ok: int = 303) -> tuple[int, ...]:
    """A POST to an organiser page of "draf": `ok` for its organiser only."""
    return (302, 404, 404, 404, 404, ok)


def check_access(client, sign_in_as, world, role, method, url, expected, data=None):
    sign_in_as(role)
    target = url.format(**world)
    with client.open(target, method=method, data=data) as response:
        wanted = expected[ROLES.index(role)]
        assert response.status_code == wanted, (
            f"{role} {method} {target}: {response.status_code}, expected {wanted}"
        )
        if wanted == 302 and role == "anonymous" and target.startswith("/manage"):
            assert "/login" in response.headers["Location"]
