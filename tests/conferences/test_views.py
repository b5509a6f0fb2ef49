import re

import pytest

from eventapp.agenda.models import RoleKind, SessionKind
from eventapp.people.models import Sector

ROLES = ["anonymous", "attendee", "speaker", "other_organiser", "organiser"]


@pytest.fixture
def as_role(make, auth):
    """Sign in as one of ROLES for `conference`; returns the user (None when anonymous)."""

    def sign_in(role: str, conference):
        if role == "anonymous":
            return None
        if role == "attendee":
            user = make.user()
        elif role == "speaker":
            user = make.user()
            speaker = make.person(conference, email=user.email)
            make.role(make.session(conference), speaker)
        elif role == "other_organiser":
            user = make.organiser(make.conference())
        else:
            user = make.organiser(conference)
        auth.login(user)
        return user

    return sign_in


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# --- home ---------------------------------------------------------------------


def test_home_lists_published_conferences_only(client, make):
    make.conference(title_id="Konferensi Terbit")
    make.conference(title_id="Konferensi Draf", published=False)
    page = text_of(client.get("/"))
    assert "Konferensi Terbit" in page
    assert "Konferensi Draf" not in page


def test_home_with_no_conference_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Belum ada konferensi yang diterbitkan." in text_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_home_shows_drafts_only_to_their_organisers(client, make, as_role, role):
    draft = make.conference(title_id="Draf Rahasia", published=False)
    as_role(role, draft)
    response = client.get("/")
    assert response.status_code == 200
    assert ("Draf Rahasia" in text_of(response)) is (role == "organiser")


# --- conference page ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_published_conference_is_public(client, make, as_role, role):
    conference = make.conference(title_id="Konas Terbuka")
    as_role(role, conference)
    response = client.get(f"/c/{conference.slug}")
    assert response.status_code == 200
    assert "Konas Terbuka" in text_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_draft_conference_is_visible_to_its_organisers_only(client, make, as_role, role):
    conference = make.conference(title_id="Konas Draf", published=False)
    as_role(role, conference)
    response = client.get(f"/c/{conference.slug}")
    if role == "organiser":
        assert response.status_code == 200
        assert "hanya penyelenggara" in text_of(response)
    else:
        assert response.status_code == 404
        assert "Konas Draf" not in text_of(response)


def test_unknown_slug_gives_the_404_page_in_the_layout(client):
    response = client.get("/c/tidak-ada")
    assert response.status_code == 404
    page = text_of(response)
    assert "Halaman tidak ditemukan" in page
    assert 'class="site-header"' in page  # the layout, not a bare error
    assert "Traceback" not in page


def test_conference_page_shows_details_and_agenda(client, make):
    conference = make.conference(
        title_id="Konferensi Nasional",
        theme_id="Sinergi Masyarakat Sipil",
        organisers="MAMPU · Bappenas",
    )
    make.venue(conference, "Hotel Pullman Jakarta", city="Jakarta")
    room = make.room(conference, "Ruang Anggrek", accessibility_id="Tanpa anak tangga")
    theme = make.sub_theme(conference, code="PS", title_id="Perlindungan Sosial")
    later = make.session(conference, (13, 0), (14, 0), title_id="Sesi Siang", kind=SessionKind.PLENARY)
    parallel = make.session(
        conference, (10, 30), (12, 0), title_id="Sesi Paralel PS", room=room, sub_theme=theme
    )
    regent = make.person(
        conference, "Ilham Azikin", honorific="H.", position="Bupati Bantaeng",
        organisation="Pemerintah Kabupaten Bantaeng", sector=Sector.REGIONAL_GOVERNMENT,
    )
    moderator = make.person(conference, "Wulan Sari", organisation="MAMPU")
    make.role(parallel, regent)
    make.role(parallel, moderator, RoleKind.MODERATOR)

    make.publish(conference)
    page = text_of(client.get(f"/c/{conference.slug}"))
    assert "<h1>Konferensi Nasional</h1>" in page
    assert "Sinergi Masyarakat Sipil" in page
    assert "Selasa, 10 Maret 2026" in page  # the factory's day, in Indonesian
    assert "Hotel Pullman Jakarta, Jakarta" in page
    assert "MAMPU · Bappenas" in page
    assert "10.30–12.00 WIB" in page
    assert "Ruang Anggrek" in page and "Tanpa anak tangga" in page
    assert "Perlindungan Sosial" in page
    assert "H. Ilham Azikin</span><span class=\"person-affiliation\">, Bupati Bantaeng, Pemerintah Kabupaten Bantaeng" in page
    assert re.search(r"Moderator</p> <ul class=\"people\"><li>.*Wulan Sari", page)
    # Sessions run in time order, whatever order they were created in.
    assert page.index("Sesi Paralel PS") < page.index(later.title_id)


def test_times_use_the_conference_zone_and_its_label(client, make):
    conference = make.conference(timezone="Asia/Makassar")
    make.session(conference, (9, 0), (10, 30), title_id="Sesi Makassar")
    make.publish(conference)
    page = text_of(client.get(f"/c/{conference.slug}"))
    assert "09.00–10.30 WITA" in page
    english = text_of(client.get(f"/c/{conference.slug}", headers={"Accept-Language": "en"}))
    assert "09:00–10:30 WITA" in english


def test_session_spanning_midnight_utc_lands_on_its_local_day(client, make):
    # 06.00 WIB is 23.00 UTC the day before: it must still be listed on the local day.
    conference = make.conference()
    make.session(conference, (6, 0), (7, 0), title_id="Sesi Pagi")
    make.publish(conference)
    page = text_of(client.get(f"/c/{conference.slug}"))
    assert page.count('class="day-heading"') == 1
    assert "06.00–07.00 WIB" in page


def test_conference_page_query_count_does_not_grow_with_the_agenda(client, make, count_queries):
    def build(sessions: int):
        conference = make.conference()
        theme = make.sub_theme(conference)
        for i in range(sessions):
            room = make.room(conference)
            agenda_session = make.session(conference, (8 + i % 8, 0), (9 + i % 8, 0), room=room, sub_theme=theme)
            make.role(agenda_session, make.person(conference))
            make.role(agenda_session, make.person(conference), RoleKind.MODERATOR)
        make.publish(conference)
        return conference

    small, large = build(2), build(16)
    with count_queries() as few:
        assert client.get(f"/c/{small.slug}").status_code == 200
    with count_queries() as many:
        assert client.get(f"/c/{large.slug}").status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 6


def test_pages_load_no_asset_from_another_site(client, make):
    conference = make.conference()
    for url in ("/", f"/c/{conference.slug}", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"""(src|href)=["'](https?:)?//""", page), url
    with client.get("/static/css/app.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_public_agenda_shows_the_latest_release_never_the_draft(client, make):
    conference = make.conference()
    first = make.session(conference, (9, 0), (10, 0), title_id="Sesi Pertama")
    assert "Agenda belum diterbitkan." in text_of(client.get(f"/c/{conference.slug}"))
    make.publish(conference)
    # Draft edits after publishing stay private until the next release.
    from eventapp.agenda.services import update_session
    from eventapp.extensions import db

    update_session(first, title_id="Judul Draf Rahasia")
    make.session(conference, (11, 0), (12, 0), title_id="Sesi Draf Baru")
    db.session.commit()
    page = text_of(client.get(f"/c/{conference.slug}"))
    assert "Sesi Pertama" in page and "v1" in page
    assert "Judul Draf Rahasia" not in page and "Sesi Draf Baru" not in page
    make.publish(conference)
    page = text_of(client.get(f"/c/{conference.slug}"))
    assert "Judul Draf Rahasia" in page and "Sesi Draf Baru" in page and "v2" in page


def test_conference_page_answers_conditional_requests_until_a_new_release(client, make):
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0))
    make.publish(conference)
    first = client.get(f"/c/{conference.slug}")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] and "private" in first.headers["Cache-Control"]
    again = client.get(f"/c/{conference.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    english = client.get(f"/c/{conference.slug}", headers={"If-None-Match": etag, "Accept-Language": "en"})
    assert english.status_code == 200  # another language is another representation
    make.session(conference, (11, 0), (12, 0))
    assert client.get(f"/c/{conference.slug}", headers={"If-None-Match": etag}).status_code == 304
    make.publish(conference)  # a new release changes the validators
    assert client.get(f"/c/{conference.slug}", headers={"If-None-Match": etag}).status_code == 200
