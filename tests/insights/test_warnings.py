"""The builder warns, never blocks: a panel with no woman speaking, or whose
speakers all come from one sector (issue 8)."""
import pytest
from markupsafe import escape

from eventapp.agenda.models import RoleKind, SessionRole
from eventapp.extensions import db
from eventapp.insights.warnings import panel_warnings
from eventapp.people.models import Gender, Sector
from tests.checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")

NO_WOMAN = "This panel has no woman speaking."
ONE_SECTOR = "All speakers on this panel come from one sector"


@pytest.fixture
def panel(make, auth):
    conference = make.conference()
    auth.login(make.organiser(conference))
    session = make.session(conference, title_id="Panel Anggaran")
    first = make.person(conference, "Budi Santoso", gender=Gender.MAN, sector=Sector.CIVIL_SOCIETY)
    make.role(session, first, RoleKind.SPEAKER)
    return conference, session


def _add(client, conference, session, person, role="speaker"):
    url = f"/manage/{conference.slug}/sessions/{session.id}/roles"
    return client.post(url, data={"person_id": person.id, "role": role}, follow_redirects=True)


def _flashes(html: str) -> list[str]:
    return [part.split("</p>")[0] for part in html.split('class="flash flash-warning">')[1:]]


def test_service_gives_no_warning_below_a_panel(panel):
    _conference, session = panel
    assert panel_warnings(session) == []


def test_second_man_warns_and_a_woman_clears_it(client, make, panel, tmp_path):
    conference, session = panel
    man = make.person(conference, "Andi Wijaya", gender=Gender.MAN, sector=Sector.ACADEMIA)
    response = _add(client, conference, session, man)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _flashes(html) == [NO_WOMAN]
    assert 'id="panel-warnings"' in html and NO_WOMAN in html  # shown on the editor while it holds
    assert validate_html({"session_form.html": response.data}, tmp_path) == []
    assert db.session.query(SessionRole).filter_by(session_id=session.id).count() == 2  # saved anyway

    # The next change keeps it an all-male panel: no new flash, the notice stays.
    third = make.person(conference, "Candra Putra", gender=Gender.MAN, sector=Sector.MEDIA)
    html = _add(client, conference, session, third).get_data(as_text=True)
    assert _flashes(html) == []
    assert 'id="panel-warnings"' in html

    woman = make.person(conference, "Siti Rahma", gender=Gender.WOMAN, sector=Sector.ACADEMIA)
    html = _add(client, conference, session, woman).get_data(as_text=True)
    assert _flashes(html) == []
    assert NO_WOMAN not in html and 'id="panel-warnings"' not in html


def test_single_sector_warns_and_another_sector_clears_it(client, make, panel):
    conference, session = panel
    woman = make.person(conference, "Siti Rahma", gender=Gender.WOMAN, sector=Sector.CIVIL_SOCIETY)
    html = _add(client, conference, session, woman).get_data(as_text=True)
    flashes = _flashes(html)
    assert len(flashes) == 1 and flashes[0].startswith(ONE_SECTOR)
    assert "Civil society" in flashes[0]
    assert NO_WOMAN not in html

    other = make.person(conference, "Dewi Lestari", gender=Gender.WOMAN, sector=Sector.ACADEMIA)
    html = _add(client, conference, session, other).get_data(as_text=True)
    assert _flashes(html) == [] and ONE_SECTOR not in html


def test_changing_a_role_or_removing_a_person_can_make_a_manel(client, make, panel):
    conference, session = panel
    man = make.person(conference, "Andi Wijaya", gender=Gender.MAN, sector=Sector.ACADEMIA)
    woman = make.person(conference, "Siti Rahma", gender=Gender.WOMAN, sector=Sector.MEDIA)
    make.role(session, man, RoleKind.SPEAKER)
    her_role = make.role(session, woman, RoleKind.SPEAKER)
    assert panel_warnings(session) == []

    # She moderates instead: no woman is speaking any more.
    url = f"/manage/{conference.slug}/sessions/{session.id}/roles/{her_role.id}"
    html = client.post(url, data={"role": "moderator"}, follow_redirects=True).get_data(as_text=True)
    assert _flashes(html) == [NO_WOMAN]

    url = f"/manage/{conference.slug}/sessions/{session.id}/roles/{her_role.id}"
    client.post(url, data={"role": "speaker"})
    html = client.post(url + "/remove", follow_redirects=True).get_data(as_text=True)
    assert _flashes(html) == [NO_WOMAN]


def test_new_person_form_warns_too(client, make, panel):
    conference, session = panel
    url = f"/manage/{conference.slug}/sessions/{session.id}/roles/new-person"
    data = {"new_person-full_name": "Eko Prasetyo", "new_person-sector": "civil_society",
            "new_person-gender": "man", "new_person-role": "speaker"}
    response = client.post(url, data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    flashes = _flashes(html)
    assert flashes[0] == NO_WOMAN and flashes[1].startswith(ONE_SECTOR)
    assert str(escape("Civil society")) in flashes[1]
