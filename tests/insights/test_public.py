"""The public representation page and the organisers' switch (issue 8)."""
import pytest

from eventapp.agenda.models import RoleKind
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.insights.public import set_representation_public
from eventapp.people.models import Gender, Sector
from tests.checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def conference(make):
    """A published conference with a released agenda: one all-male panel of two
    ("Panel Pria"), a keynote by a woman, and a balanced panel of six."""
    conf = make.conference(slug="wakil", title_en="Budget Forum")
    theme = make.sub_theme(conf, code="ANG", title_en="Budgets")
    manel = make.session(conf, (9, 0), (10, 0), title_id="Panel Pria", sub_theme=theme)
    for n in range(2):
        make.role(manel, make.person(conf, f"Pak Satu {n}", gender=Gender.MAN, sector=Sector.ACADEMIA))
    keynote = make.session(conf, (10, 0), (11, 0), title_id="Pidato Kunci")
    make.role(keynote, make.person(conf, "Ibu Kunci", gender=Gender.WOMAN, sector=Sector.CENTRAL_GOVERNMENT),
              RoleKind.KEYNOTE)
    balanced = make.session(conf, (11, 0), (12, 0), title_id="Panel Imbang", sub_theme=theme)
    for n in range(3):
        make.role(balanced, make.person(conf, f"Ibu Panel {n}", gender=Gender.WOMAN, sector=Sector.CIVIL_SOCIETY))
        make.role(balanced, make.person(conf, f"Pak Panel {n}", gender=Gender.MAN, sector=Sector.ACADEMIA))
    make.role(balanced, make.person(conf, "Moderator Satu", gender=Gender.WOMAN), RoleKind.MODERATOR)
    make.publish(conf)
    conf.representation_public = True
    db.session.commit()
    return conf


def _cells(html: str, table_id: str) -> str:
    return html.split(f'id="{table_id}"')[1].split("</table>")[0]


def test_public_page_shows_suppressed_figures_from_the_release(client, conference, make, tmp_path):
    # A change after the release is not public yet.
    later = make.session(conference, (13, 0), (14, 0), title_id="Belum Rilis")
    make.role(later, make.person(conference, "Pak Baru", gender=Gender.MAN))
    make.role(later, make.person(conference, "Pak Baru Dua", gender=Gender.MAN))

    response = client.get("/c/wakil/representation")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    by_role = _cells(html, "by-role")
    # Speakers: 8 seats, 3 women → 38%; moderators and keynotes: 1 each → "<5" and no share.
    assert "<td>8</td><td>&lt;5</td><td>38%</td>" in by_role
    assert by_role.count("<td>&lt;5</td><td>&lt;5</td><td>—</td>") == 2
    # Panels: 2, of which 1 without a woman; no session titles or names on the page.
    assert "Panels where no woman speaks: &lt;5" in html
    for private in ("Panel Pria", "Pak Satu", "Ibu Kunci", "Belum Rilis", "Pak Baru"):
        assert private not in html
    sectors = _cells(html, "sectors")
    assert "Academia</th><td>5</td>" in sectors
    assert "Civil society</th><td>&lt;5</td>" in sectors
    assert "ANG Budgets" in _cells(html, "sub-themes")
    assert validate_html({"representation.html": response.data}, tmp_path) == []


def test_public_page_needs_the_switch_and_a_published_conference(client, conference, make):
    conference.representation_public = False
    db.session.commit()
    assert client.get("/c/wakil/representation").status_code == 404
    conference.representation_public = True
    draft = make.conference(slug="rahasia", published=False)
    draft.representation_public = True
    db.session.commit()
    assert client.get("/c/wakil/representation").status_code == 200
    assert client.get("/c/rahasia/representation").status_code == 404
    assert client.get("/c/tidak-ada/representation").status_code == 404


def test_public_page_without_a_release(client, make):
    conf = make.conference(slug="kosong")
    conf.representation_public = True
    db.session.commit()
    response = client.get("/c/kosong/representation")
    assert response.status_code == 200
    assert 'id="by-role"' not in response.get_data(as_text=True)


def test_public_page_answers_conditional_requests(client, conference):
    first = client.get("/c/wakil/representation")
    assert first.headers["ETag"]
    again = client.get("/c/wakil/representation", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_conference_page_links_to_it_only_when_public(client, conference):
    link = "/c/wakil/representation"
    assert link in client.get("/c/wakil").get_data(as_text=True)
    conference.representation_public = False
    db.session.commit()
    assert link not in client.get("/c/wakil").get_data(as_text=True)


def test_public_page_reads_in_bounded_queries(client, conference, count_queries):
    with count_queries() as queries:
        assert client.get("/c/wakil/representation").status_code == 200
    assert len(queries) <= 6


# --- the organisers' switch ------------------------------------------------------------


def test_service_sets_the_flag_with_an_audit_entry(make):
    conf = make.conference()
    assert set_representation_public(conf, True, None) is True
    assert set_representation_public(conf, True, None) is False
    db.session.commit()
    assert conf.representation_public is True
    entries = db.session.query(AuditEntry).filter_by(conference_id=conf.id).all()
    assert [e.action for e in entries] == ["insights.representation_public"]


def test_organiser_publishes_and_withdraws(client, make, auth, tmp_path):
    conf = make.conference(slug="sakelar")
    auth.login(make.organiser(conf))
    page = client.get("/manage/sakelar/insights/publish")
    assert page.status_code == 200
    assert "Publish the representation page" in page.get_data(as_text=True)
    assert validate_html({"publish.html": page.data}, tmp_path) == []

    response = client.post("/manage/sakelar/insights/publish", data={"public": "y"})
    assert response.status_code == 303
    db.session.refresh(conf)
    assert conf.representation_public is True
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The representation page is now public." in followed
    assert client.get("/c/sakelar/representation").status_code == 200

    response = client.post("/manage/sakelar/insights/publish", data={})
    assert response.status_code == 303
    db.session.refresh(conf)
    assert conf.representation_public is False
    assert client.get("/c/sakelar/representation").status_code == 404
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(conference_id=conf.id)]
    assert actions.count("insights.representation_public") == 2
