"""The representation dashboard: figures, flagged panels, tables, query budget."""
from __future__ import annotations

import pytest

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db
from eventapp.invitations import services as invitations
from eventapp.people.models import Gender, Sector
from tests.checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def conf(make):
    return make.conference(slug="wakil", contact_email="panitia@example.org")


@pytest.fixture
def organiser(make, auth, conf):
    user = make.organiser(conf)
    auth.login(user)
    return user


def _panel(make, conf, title, people, start=(9, 0), **kw):
    session = make.session(conf, start, (start[0] + 1, start[1]), title_id=title, title_en=title, **kw)
    for person, kind in people:
        make.role(session, person, kind)
    return session


def test_dashboard_shows_speaker_shares_and_flagged_panels(client, make, conf, organiser):
    theme = make.sub_theme(conf, code="GOV", title_en="Governance")
    ani = make.person(conf, "Ani", gender=Gender.WOMAN, sector=Sector.ACADEMIA)
    budi = make.person(conf, "Budi", gender=Gender.MAN, sector=Sector.ACADEMIA)
    cahyo = make.person(conf, "Cahyo", gender=Gender.MAN, sector=Sector.ACADEMIA)
    dedi = make.person(conf, "Dedi", gender=Gender.MAN, sector=Sector.MEDIA)
    eka = make.person(conf, "Eka", gender=Gender.NOT_STATED, sector=Sector.MEDIA)
    _panel(make, conf, "Manel on budgets", [(budi, RoleKind.SPEAKER), (cahyo, RoleKind.SPEAKER),
                                            (ani, RoleKind.MODERATOR)], sub_theme=theme)
    _panel(make, conf, "Mixed panel", [(ani, RoleKind.KEYNOTE), (dedi, RoleKind.SPEAKER),
                                       (eka, RoleKind.SPEAKER)], start=(11, 0))

    response = client.get("/manage/wakil/insights")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Speaking seats: Ani (keynote), Budi, Cahyo, Dedi, Eka → 1 woman of 4 stated, 1 not stated.
    assert "Women hold 1 of 4 speaking seats with a stated gender (25%)." in html
    assert "Gender not stated: 1." in html
    # The manel, linked to its editor with its time; it is all-male AND single-sector.
    assert "Manel on budgets" in html
    assert "/manage/wakil/sessions/" in html and "09:00–10:00" in html
    assert html.count("Manel on budgets") == 2
    assert "Mixed panel" not in html
    assert "2 panels (sessions with two or more speakers)." in html
    # Every sector is listed, zeros too, and the charts are inline SVG.
    for sector in ("Central government", "Private sector", "Academia", "Media"):
        assert sector in html
    assert html.count('role="img"') >= 5
    assert "GOV · Governance" in html and "No sub-theme" in html
    assert "<script" not in html


def test_empty_states(client, conf, organiser):
    response = client.get("/manage/wakil/insights")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No all-male panels." in html
    assert "No single-sector panels." in html
    assert "No data yet." in html
    assert "No delegate invitations yet." in html


def test_participation_and_invitations(client, make, conf, organiser):
    make.registration(conf, gender=Gender.WOMAN, sector=Sector.MEDIA, province="Aceh")
    make.registration(conf, gender=Gender.WOMAN, sector=Sector.MEDIA, province="Aceh")
    make.registration(conf, gender=Gender.MAN, sector=Sector.ACADEMIA, province="Papua Barat")
    heads = invitations.create_category(conf, "Kepala daerah", 40)
    for n, (answer, category) in enumerate(((True, heads), (False, heads), (None, heads), (True, None))):
        invitation, _created = invitations.invite_delegate(conf, invitations.Invitee(
            email=f"bupati{n}@example.org", full_name=f"Bupati {n}"), category=category, respond_by=None)
        if answer is not None:
            invitations.respond(invitation, answer)
    db.session.commit()
    html = client.get("/manage/wakil/insights").get_data(as_text=True)
    # The two accepted delegate invitations registered too (gender not stated).
    assert "5 confirmed registrations, 0 checked in." in html
    assert "Women hold 2 of 3 confirmed registrations with a stated gender (67%). Gender not stated: 2." in html
    assert "Aceh" in html and "Papua Barat" in html
    assert "Kepala daerah" in html and "No category" in html and ">40<" in html


def test_query_count_does_not_grow_with_the_conference(client, make, count_queries, auth):
    small, big = make.conference(slug="kecil"), make.conference(slug="besar")
    auth.login(make.organiser(small, big))
    people = [make.person(small, gender=Gender.WOMAN) for _ in range(2)]
    for n in range(3):
        _panel(make, small, f"Small {n}", [(people[0], RoleKind.SPEAKER), (people[1], RoleKind.SPEAKER)])
    genders, sectors = list(Gender), list(Sector)
    crowd = [make.person(big, gender=genders[n % 3], sector=sectors[n % len(sectors)]) for n in range(90)]
    themes = [make.sub_theme(big) for _ in range(4)]
    for n in range(60):
        _panel(make, big, f"Big {n}", [(crowd[(3 * n + k) % 90], RoleKind.SPEAKER) for k in range(3)],
               start=(8 + n % 10, 0), sub_theme=themes[n % 4])
    for n in range(300):
        make.registration(big, gender=genders[n % 4], sector=sectors[n % len(sectors)], province=f"P{n % 34}")
    counts = []
    for slug in ("kecil", "besar"):
        with count_queries() as statements:
            assert client.get(f"/manage/{slug}/insights").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert counts[1] <= 20


def test_dashboard_is_valid_html(client, make, conf, organiser, tmp_path):
    ani = make.person(conf, "Ani", gender=Gender.MAN)
    budi = make.person(conf, "Budi", gender=Gender.MAN)
    _panel(make, conf, "Manel", [(ani, RoleKind.SPEAKER), (budi, RoleKind.SPEAKER)])
    make.registration(conf, gender=Gender.WOMAN, province="Aceh")
    body = client.get("/manage/wakil/insights").data
    assert validate_html({"insights-dashboard.html": body}, tmp_path) == []
