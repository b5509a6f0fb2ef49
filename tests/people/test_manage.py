"""Organiser pages for people: list (search, sort, filter, pages), add, edit, delete."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from eventapp.agenda.models import RoleKind, SessionRole
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.people.models import Gender, Person, Sector
from eventapp.people.services import create_person, delete_person, update_person

from ..checkers import validate_html


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def fresh(person_id: int) -> Person | None:
    db.session.expire_all()
    return db.session.get(Person, person_id)


def snapshot(person: Person) -> tuple:
    return (person.honorific, person.full_name, person.position, person.organisation,
            person.sector, person.gender, person.email, person.bio_id, person.bio_en)


def people_actions(conference) -> list[str]:
    return list(db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.conference_id == conference.id, AuditEntry.action.startswith("person."))
        .order_by(AuditEntry.id)
    ))


def listed_names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+/edit">([^<]+)</a>', page)


@pytest.fixture
def conf(make, auth):
    conference = make.conference(slug="konas", published=False)
    auth.login(make.organiser(conference))
    return conference


VALID = {
    "honorific": "Dr.", "full_name": "Siti Aminah", "position": "Direktur",
    "organisation": "Bappenas", "sector": "central_government", "gender": "woman",
    "email": "Siti@Example.org", "bio_id": "Bio singkat.", "bio_en": "Short bio.",
}


# --- list ----------------------------------------------------------------------------


def test_list_shows_people_with_their_session_counts(client, conf, make):
    regent = make.person(conf, "Ilham Azikin", honorific="H.", position="Bupati Bantaeng",
                         organisation="Pemkab Bantaeng", sector=Sector.REGIONAL_GOVERNMENT,
                         gender=Gender.MAN)
    make.person(conf, "Wulan Sari", organisation="MAMPU")
    make.role(make.session(conf, (9, 0), (10, 0)), regent)
    make.role(make.session(conf, (10, 0), (11, 0)), regent, RoleKind.MODERATOR)
    make.person(make.conference(), "Orang Konferensi Lain")
    response = client.get("/manage/konas/people")
    assert response.status_code == 200
    page = text_of(response)
    assert listed_names(page) == ["H. Ilham Azikin", "Wulan Sari"]
    row = page[page.index(f'id="person-{regent.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Bupati Bantaeng" in row and "Pemkab Bantaeng" in row
    assert '<td class="session-count">2</td>' in row
    assert f'/manage/konas/people/{regent.id}/edit' in row


def test_list_empty_state(client, conf):
    page = text_of(client.get("/manage/konas/people"))
    assert 'class="empty"' in page and "<table" not in page


def test_search_is_case_insensitive_over_name_organisation_position_and_email(client, conf, make):
    make.person(conf, "Siti Aminah", organisation="Bappenas")
    make.person(conf, "Budi", position="Ketua PEKKA")
    make.person(conf, "Ani", email="ani@bpjs.example.org")
    make.person(conf, "Tono")
    for term, expected in [("siti", ["Siti Aminah"]), ("BAPPENAS", ["Siti Aminah"]),
                           ("pekka", ["Budi"]), ("bpjs", ["Ani"]), ("zzz", [])]:
        page = text_of(client.get("/manage/konas/people", query_string={"q": term}))
        assert listed_names(page) == expected, term


def test_search_escapes_like_wildcards(client, conf, make):
    make.person(conf, "Seratus Persen", organisation="100% Indonesia")
    make.person(conf, "Lain", organisation="1000 Desa")
    make.person(conf, "Garis", organisation="a_b")
    make.person(conf, "Tanpa Garis", organisation="axb")
    assert listed_names(text_of(client.get("/manage/konas/people?q=100%25"))) == ["Seratus Persen"]
    assert listed_names(text_of(client.get("/manage/konas/people?q=a_b"))) == ["Garis"]
    page = text_of(client.get("/manage/konas/people?q=%25"))
    assert listed_names(page) == ["Seratus Persen"]


def test_sort_and_filter_by_sector(client, conf, make):
    make.person(conf, "Citra", organisation="A", sector=Sector.MEDIA)
    make.person(conf, "Ayu", organisation="C", sector=Sector.ACADEMIA)
    make.person(conf, "Bayu", organisation="B", sector=Sector.ACADEMIA)
    assert listed_names(text_of(client.get("/manage/konas/people"))) == ["Ayu", "Bayu", "Citra"]
    assert listed_names(text_of(client.get("/manage/konas/people?sort=-name"))) == ["Citra", "Bayu", "Ayu"]
    assert listed_names(text_of(client.get("/manage/konas/people?sort=organisation"))) == ["Citra", "Bayu", "Ayu"]
    assert listed_names(text_of(client.get("/manage/konas/people?sort=sector"))) == ["Ayu", "Bayu", "Citra"]
    assert listed_names(text_of(client.get("/manage/konas/people?sector=academia"))) == ["Ayu", "Bayu"]
    # An unknown sector or sort is ignored, not an error.
    response = client.get("/manage/konas/people?sector=nope&sort=password")
    assert response.status_code == 200
    assert listed_names(text_of(response)) == ["Ayu", "Bayu", "Citra"]


def test_list_pages_by_25(client, conf, make):
    for n in range(30):
        make.person(conf, f"Orang {n:02d}")
    first = listed_names(text_of(client.get("/manage/konas/people")))
    second = listed_names(text_of(client.get("/manage/konas/people?page=2")))
    assert len(first) == 25 and len(second) == 5
    assert second[0] == "Orang 25"
    assert 'rel="next"' in text_of(client.get("/manage/konas/people"))


def test_list_queries_do_not_grow_with_people(client, make, auth, count_queries):
    def build(people: int):
        conference = make.conference(published=False)
        agenda_session = make.session(conference)
        for _ in range(people):
            make.role(agenda_session, make.person(conference))
        return conference

    small, large = build(3), build(30)
    auth.login(make.organiser(small, large))
    with count_queries() as few:
        assert client.get(f"/manage/{small.slug}/people").status_code == 200
    with count_queries() as many:
        assert client.get(f"/manage/{large.slug}/people").status_code == 200
    assert len(many) == len(few)


# --- add and edit -------------------------------------------------------------------------


def test_add_a_person(client, conf):
    form = text_of(client.get("/manage/konas/people/new"))
    assert '<option selected value="not_stated">' in form  # gender not stated by default
    response = client.post("/manage/konas/people/new", data=VALID)
    assert response.status_code == 303
    person = db.session.scalar(select(Person).where(Person.conference_id == conf.id))
    assert snapshot(person) == ("Dr.", "Siti Aminah", "Direktur", "Bappenas", Sector.CENTRAL_GOVERNMENT,
                                Gender.WOMAN, "siti@example.org", "Bio singkat.", "Short bio.")
    assert person.is_demo is False
    assert people_actions(conf) == ["person.create"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"full_name": "  "}, "full_name"),
    ({"email": "bukan-email"}, "email"),
    ({"email": "taken@example.org"}, "email"),
    ({"email": "TAKEN@example.org"}, "email"),
    ({"sector": "astronaut"}, "sector"),
    ({"gender": "x"}, "gender"),
])
def test_bad_person_is_refused(client, conf, make, changes, field):
    other = make.person(conf, "Sudah Ada", email="taken@example.org")
    person = make.person(conf, "Tetap Sama", position="Staf")
    before = snapshot(person)
    response = client.post("/manage/konas/people/new", data={**VALID, **changes})
    assert response.status_code == 422
    page = text_of(response)
    assert f'id="{field}-error"' in page and f'aria-describedby="{field}-error"' in page
    assert 'value="Bappenas"' in page  # the input is kept
    assert db.session.scalar(select(Person).where(Person.organisation == "Bappenas")) is None
    response = client.post(f"/manage/konas/people/{person.id}/edit", data={**VALID, **changes})
    assert response.status_code == 422
    assert snapshot(fresh(person.id)) == before
    assert people_actions(conf) == []
    assert other.id


def test_edit_a_person_and_see_their_sessions(client, conf, make):
    person = make.person(conf, "Wulan", email="wulan@example.org", is_demo=True)
    agenda_session = make.session(conf, (10, 30), (12, 0), title_id="Panel Perlindungan Sosial")
    make.role(agenda_session, person, RoleKind.MODERATOR)
    page = text_of(client.get(f"/manage/konas/people/{person.id}/edit"))
    assert 'value="Wulan"' in page and 'value="wulan@example.org"' in page
    assert "Panel Perlindungan Sosial" in page and "Moderator" in page and "10.30–12.00 WIB" in page
    assert 'name="is_demo"' not in page
    response = client.post(f"/manage/konas/people/{person.id}/edit",
                           data={**VALID, "email": "wulan@example.org", "is_demo": ""})
    assert response.status_code == 303
    row = fresh(person.id)
    assert (row.full_name, row.email, row.sector, row.is_demo) == (
        "Siti Aminah", "wulan@example.org", Sector.CENTRAL_GOVERNMENT, True)
    assert people_actions(conf) == ["person.update"]


def test_clearing_the_email_is_allowed(client, conf, make):
    person = make.person(conf, "Tanpa Surel", email="a@example.org")
    response = client.post(f"/manage/konas/people/{person.id}/edit", data={**VALID, "email": ""})
    assert response.status_code == 303
    assert fresh(person.id).email is None


def test_people_of_another_conference_are_not_found(client, conf, make):
    stranger = make.person(make.conference(), "Orang Lain")
    assert client.get(f"/manage/konas/people/{stranger.id}/edit").status_code == 404
    assert client.post(f"/manage/konas/people/{stranger.id}/edit", data=VALID).status_code == 404
    assert client.post(f"/manage/konas/people/{stranger.id}/delete").status_code == 404
    assert fresh(stranger.id).full_name == "Orang Lain"


# --- delete -----------------------------------------------------------------------------


def test_delete_lists_the_roles_then_removes_them(client, conf, make):
    person = make.person(conf, "Akan Dihapus")
    keeper = make.person(conf, "Tetap")
    first = make.session(conf, (9, 0), (10, 0), title_id="Sesi Pembuka")
    make.role(first, person, RoleKind.SPEAKER)
    make.role(first, keeper, RoleKind.MODERATOR)
    page = text_of(client.get(f"/manage/konas/people/{person.id}/delete"))
    assert "Sesi Pembuka" in page and 'class="button danger"' in page
    response = client.post(f"/manage/konas/people/{person.id}/delete")
    assert response.status_code == 303
    assert fresh(person.id) is None
    roles = db.session.scalars(select(SessionRole).where(SessionRole.session_id == first.id)).all()
    assert [(r.person_id, r.position) for r in roles] == [(keeper.id, 0)]
    assert people_actions(conf) == ["person.delete"]


# --- services -------------------------------------------------------------------------------


def test_services_audit_only_with_an_actor_for_create(make):
    conference = make.conference()
    user = make.organiser(conference)
    create_person(conference, "Tanpa Pelaku")
    assert people_actions(conference) == []
    person = create_person(conference, "Dengan Pelaku", actor=user)
    assert people_actions(conference) == ["person.create"]
    update_person(person, actor=user, full_name="Dengan Pelaku")  # no change, no entry
    assert people_actions(conference) == ["person.create"]
    with pytest.raises(TypeError):
        update_person(person, actor=user, is_demo=True)
    assert delete_person(person, actor=user) == 0
    assert people_actions(conference) == ["person.create", "person.delete"]


# --- HTML -------------------------------------------------------------------------------------


def test_people_pages_are_valid_html(client, conf, make, tmp_path):
    person = make.person(conf, "Ilham Azikin", honorific="H.", organisation="Pemkab")
    make.role(make.session(conf), person)
    pages = {
        "list.html": client.get("/manage/konas/people"),
        "list-search.html": client.get("/manage/konas/people?q=zzz&sector=media"),
        "new.html": client.get("/manage/konas/people/new"),
        "new-errors.html": client.post("/manage/konas/people/new",
                                       data={**VALID, "full_name": "", "email": "x"}),
        "edit.html": client.get(f"/manage/konas/people/{person.id}/edit"),
        "delete.html": client.get(f"/manage/konas/people/{person.id}/delete"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
