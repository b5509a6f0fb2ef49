"""Accessibility logistics: the organiser page and the printable per-room list."""
import pytest

from eventapp.agenda.models import SessionKind
from eventapp.people.models import Gender
from eventapp.registration.models import RegistrationStatus

from ..checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def setup(make, auth):
    conf = make.conference(slug="akses")
    hall = make.room(conf, "Grand Hall", step_free=True, accessibility_en="Lift from the lobby")
    upstairs = make.room(conf, "Upstairs Room")
    plenary = make.session(conf, (8, 0), (9, 0), room=hall, kind=SessionKind.PLENARY, title_en="Opening plenary")
    make.session(conf, (9, 0), (9, 30), room=hall, kind=SessionKind.BREAK, title_en="Coffee break")
    theme = make.sub_theme(conf)
    a = make.session(conf, (10, 0), (11, 0), room=hall, sub_theme=theme, title_en="Panel A")
    b = make.session(conf, (10, 0), (11, 0), room=upstairs, sub_theme=theme, title_en="Panel B")
    make.registration(conf, full_name="Ani Wheel", organisation="Org Satu", need_step_free=True, sessions=[b])
    make.registration(conf, full_name="Budi Signs", organisation="Org Dua", need_sign_language=True,
                      needs_other="Quiet seat", sessions=[a])
    make.registration(conf, full_name="Citra None", sessions=[a])
    make.registration(conf, full_name="Dodo Cancelled", need_step_free=True, sessions=[b],
                      status=RegistrationStatus.CANCELLED, gender=Gender.MAN)
    other = make.conference(slug="lain")
    foreign_room = make.room(other, "Elsewhere")
    user = make.organiser(conf)
    auth.login(user)
    return {"conf": conf, "hall": hall, "upstairs": upstairs, "plenary": plenary, "a": a, "b": b,
            "foreign_room": foreign_room}


def test_dashboard_counts_per_session_and_room(client, setup, tmp_path):
    response = client.get("/manage/akses/insights/accessibility")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Sessions in time order, the break left out.
    assert page.index("Opening plenary") < page.index("Panel A") < page.index("Panel B")
    assert "Coffee break" not in page
    # The plenary counts every confirmed attendee (3), a parallel session its seats.
    section = page[page.index('id="session-%d"' % setup["plenary"].id):]
    row = section[:section.index("</tr>")]
    assert '<td class="num">3</td>' in row
    row_b = page[page.index('id="session-%d"' % setup["b"].id):]
    row_b = row_b[:row_b.index("</tr>")]
    assert '<td class="num">1</td>' in row_b and "Not step-free" in row_b
    # Per room: the room's own flag and note, the mismatch as a warning.
    assert "Lift from the lobby" in page
    assert "1 attendees need step-free access in “Panel B”, but this room is not step-free." in page
    assert "Grand Hall" in page and "Upstairs Room" in page
    # Names only on the printable page.
    assert "Ani Wheel" not in page and "Budi Signs" not in page
    assert f"/manage/akses/insights/accessibility/rooms/{setup['upstairs'].id}" in page
    assert validate_html({"accessibility.html": response.data}, tmp_path) == []


def test_empty_state(client, make, auth):
    conf = make.conference(slug="kosong")
    make.registration(conf, full_name="No Needs")
    auth.login(make.organiser(conf))
    page = client.get("/manage/kosong/insights/accessibility").get_data(as_text=True)
    assert "No confirmed attendee has stated an accessibility need yet." in page


def test_room_list_names_per_session(client, setup, tmp_path):
    response = client.get(f"/manage/akses/insights/accessibility/rooms/{setup['hall'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Grand Hall" in page and "Lift from the lobby" in page
    assert "Coffee break" not in page
    plenary = page[page.index("Opening plenary"):page.index("Panel A")]
    # Plenary: every confirmed attendee with a need (not the cancelled one, not those without needs).
    assert "Ani Wheel" in plenary and "Budi Signs" in plenary
    assert "Citra None" not in plenary and "Dodo Cancelled" not in plenary
    assert "Org Satu" in plenary
    panel_a = page[page.index("Panel A"):]
    assert "Budi Signs" in panel_a and "Ani Wheel" not in panel_a
    assert "Sign-language interpreter" in panel_a and "Quiet seat" in panel_a
    assert "08:00" in page
    assert "not step-free" not in page  # the hall is step-free
    assert validate_html({"accessibility_room.html": response.data}, tmp_path) == []


def test_room_list_warns_about_step_free(client, setup):
    page = client.get(f"/manage/akses/insights/accessibility/rooms/{setup['upstairs'].id}").get_data(as_text=True)
    assert "Ani Wheel" in page and "Budi Signs" not in page
    assert "1 attendees need step-free access in “Panel B”, but this room is not step-free." in page


def test_room_of_another_conference_is_404(client, setup):
    assert client.get(f"/manage/akses/insights/accessibility/rooms/{setup['foreign_room'].id}").status_code == 404
    assert client.get("/manage/akses/insights/accessibility/rooms/999999").status_code == 404


def test_pages_have_bounded_queries(client, setup, make, count_queries):
    conf = setup["conf"]

    def counts():
        with count_queries() as dashboard:
            assert client.get("/manage/akses/insights/accessibility").status_code == 200
        with count_queries() as room:
            assert client.get(f"/manage/akses/insights/accessibility/rooms/{setup['hall'].id}").status_code == 200
        return len(dashboard), len(room)

    before = counts()
    theme = make.sub_theme(conf)
    rooms = [make.room(conf, f"Extra {n}") for n in range(3)]
    for n in range(6):
        extra = make.session(conf, (11 + n, 0), (11 + n, 45), room=rooms[n % 3], sub_theme=theme)
        for k in range(3):
            make.registration(conf, need_captions=True, organisation=f"Org {n}-{k}", sessions=[extra])
    hall_extra = make.session(conf, (16, 0), (17, 0), room=setup["hall"], sub_theme=theme)
    make.session(conf, (17, 0), (18, 0), room=setup["hall"], kind=SessionKind.CLOSING)
    make.registration(conf, need_large_print=True, sessions=[setup["a"], hall_extra])
    assert counts() == before
