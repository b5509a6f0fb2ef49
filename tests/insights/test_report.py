"""The printable one-page report: the key figures, valid HTML."""
from __future__ import annotations

import pytest

from eventapp.agenda.models import RoleKind
from eventapp.people.models import Gender, Sector
from tests.checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")


def test_report_shows_the_key_figures(client, make, auth, tmp_path):
    conf = make.conference(slug="lapor")
    auth.login(make.organiser(conf))
    ani = make.person(conf, "Ani", gender=Gender.WOMAN, sector=Sector.ACADEMIA)
    budi = make.person(conf, "Budi", gender=Gender.MAN, sector=Sector.MEDIA)
    cahyo = make.person(conf, "Cahyo", gender=Gender.MAN, sector=Sector.MEDIA)
    manel = make.session(conf, (9, 0), (10, 0), title_id="Panel lelaki", title_en="Men only")
    make.role(manel, budi)
    make.role(manel, cahyo)
    make.role(manel, ani, RoleKind.MODERATOR)
    mixed = make.session(conf, (11, 0), (12, 0), title_id="Panel campur", title_en="Mixed")
    make.role(mixed, ani)
    make.role(mixed, budi)
    make.registration(conf, gender=Gender.WOMAN, sector=Sector.CIVIL_SOCIETY, province="Bali")

    response = client.get("/manage/lapor/insights/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Representation report" in html
    assert "Women hold 1 of 4 speaking seats with a stated gender (25%)." in html
    assert "Men only" in html and "09:00–10:00" in html and "Mixed" not in html
    assert "2 panels (sessions with two or more speakers)." in html
    assert "Civil society" in html and "Private sector" in html
    assert "1 confirmed registrations, 0 checked in." in html
    assert "No delegate invitations yet." in html
    assert validate_html({"insights-report.html": response.data}, tmp_path) == []


def test_dashboard_links_to_the_report(client, make, auth):
    conf = make.conference(slug="lapor2")
    auth.login(make.organiser(conf))
    assert "/manage/lapor2/insights/report" in client.get("/manage/lapor2/insights").get_data(as_text=True)
