"""The organisers' download of the archive."""
from __future__ import annotations

import json

from sqlalchemy import select

from eventapp.accounts.models import ConferenceMembership, MembershipRole
from eventapp.extensions import db
from eventapp.registration.models import Registration

from .rich import build_rich_conference




def test_organiser_downloads_the_archive(client, auth, make):
    conference = build_rich_conference()
    auth.login(make.organiser(conference))

    response = client.get(f"/manage/{conference.slug}/archive.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f"attachment; filename={conference.slug}-archive.json"
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "eventapp-archive" and data["conference"]["slug"] == conference.slug
    registered = db.session.scalars(select(Registration.email).where(Registration.conference_id == conference.id))
    assert sorted(r["email"] for r in data["tables"]["registration"]) == sorted(registered)


def test_the_details_page_links_organisers_to_the_download(client, auth, make):
    conference = make.conference()
    auth.login(make.organiser(conference))
    page = client.get(f"/manage/{conference.slug}/details").get_data(as_text=True)
    assert f'href="/manage/{conference.slug}/archive.json"' in page


def test_viewers_and_check_in_staff_may_not_download(client, auth, make):
    conference = make.conference()
    for role in (MembershipRole.VIEWER, MembershipRole.CHECKIN):
        user = make.user()
        db.session.add(ConferenceMembership(user_id=user.id, conference_id=conference.id, role=role))
        db.session.commit()
        auth.login(user)
        assert client.get(f"/manage/{conference.slug}/archive.json").status_code == 404
        if role is MembershipRole.VIEWER:  # they see the details page, without the link
            page = client.get(f"/manage/{conference.slug}/details")
            assert page.status_code == 200 and "archive.json" not in page.get_data(as_text=True)
        auth.logout()
