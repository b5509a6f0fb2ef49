"""No GET writes anything: every GET route of the URL map, opened anonymously
and as the organiser of "draf", leaves every table's rows exactly as they were
(row counts and row contents). Links in e-mails are opened by mail scanners and
previews, so a GET that changed state would act for the user without asking."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.invitations import services as invitations
from eventapp.registration.services import issue_manage_token

from .factories import TEST_PASSWORD
from .test_csrf import counts


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (the test database is small)."""
    return {table.name: sorted((tuple(map(repr, row)) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables}


@pytest.fixture
def ids(world, make) -> dict[str, object]:
    """Real ids and tokens of "draf", so the walk opens real pages and not only 404s."""
    draft = world["draft"]
    registration = make.registration(draft, email="peserta-get@example.org", sessions=())
    registration_token = issue_manage_token(registration)
    invitation, _created = invitations.invite_delegate(
        draft, invitations.Invitee(email="tamu-get@example.org", full_name="Tamu Uji"), send=False)
    invitation_token = invitations.issue_token(invitation)
    db.session.commit()
    return {
        "session_id": world["session"], "room_id": world["room"], "venue_id": world["venue"],
        "sub_theme_id": world["sub_theme"], "person_id": world["person"], "role_id": world["role"],
        "registration_id": registration.id, "invitation_id": invitation.id,
        "tokens": {"/r/": registration_token, "/i/": invitation_token},
    }


def fill(rule: str, ids: dict[str, object]) -> str:
    url = rule.replace("<slug>", "draf").replace("<code>", "UJI").replace("<kind>", "sessions")
    url = url.replace("<table>", "sectors").replace("<version>", "1")
    for prefix, token in ids["tokens"].items():
        if url.startswith(prefix):
            url = url.replace("<token>", token)
    url = url.replace("<token>", "t" * 43)
    url = re.sub(r"<int:([a-z_]+)>", lambda m: str(ids.get(m.group(1), 1)), url)
    return re.sub(r"<[^>]+>", "x", url)


def get_routes(app, ids) -> list[str]:
    return sorted(fill(rule.rule, ids) for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and rule.endpoint != "static")


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "organiser"])
def test_no_get_route_writes(app, client, make, world, ids, monkeypatch, signed_in):
    monkeypatch.setitem(app.config, "TOKEN_RATE_LIMIT", "10000 per minute")
    if signed_in:
        organiser = make.organiser(world["draft"])
        client.post("/login", data={"email": organiser.email, "password": TEST_PASSWORD})
        with client.session_transaction() as session:
            assert session.get("_user_id") == str(organiser.id)
    routes = get_routes(app, ids)
    assert len(routes) > 90  # the walk found the app's pages
    before_counts, before_rows = counts(), snapshot()
    statuses: dict[str, int] = {}
    for url in routes:
        statuses[url] = status = client.get(url).status_code
        assert status != 500, url
        assert counts() == before_counts, f"GET {url} added or removed rows"
        assert snapshot() == before_rows, f"GET {url} changed a row"
    # Not a walk of 404s: the private links opened their real pages, and as the
    # organiser most pages rendered (anonymous visitors see "draf" as not found).
    tokens = ids["tokens"]
    assert statuses[f"/r/{tokens['/r/']}"] == statuses[f"/i/{tokens['/i/']}"] == 200
    rendered = sum(1 for status in statuses.values() if status == 200)
    assert rendered > (60 if signed_in else 5), statuses
