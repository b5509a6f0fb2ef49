"""Exports of the latest release: iCalendar, frab / c3voc schedule (XML, JSON), CSV."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from eventapp.agenda.models import RoleKind, SessionKind
from eventapp.agenda.services import create_session, update_session
from eventapp.conferences.models import ConferenceStatus
from eventapp.demo import load_demo
from eventapp.extensions import cache, db

from ..factories import DAY
from .test_builder import add_parallel_sessions, big_conference

SCHEMAS = Path(__file__).parents[2].parent / "shared" / "schemas"

WHOLE_EXPORTS = ("agenda.ics", "schedule.xml", "schedule.json", "agenda.csv")


@pytest.fixture
def xml_schema():
    if not (SCHEMAS / "schedule.xml.xsd").exists():
        pytest.skip(f"schedule schemas not found in {SCHEMAS} (CI has ../shared/schemas beside the checkout)")
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@pytest.fixture
def json_validator():
    if not (SCHEMAS / "schedule.schema.json").exists():
        pytest.skip(f"schedule schemas not found in {SCHEMAS} (CI has ../shared/schemas beside the checkout)")
    import jsonschema

    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)


def assert_valid_xml(xml_schema, body: bytes):
    from lxml import etree

    document = etree.fromstring(body)
    assert xml_schema.validate(document), xml_schema.error_log
    return document


def assert_valid_json(json_validator, data):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in json_validator.iter_errors(data)]
    assert errors == []
    return data


def calendar_of(response) -> Calendar:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return Calendar.from_ical(response.data)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def events_by_title(calendar: Calendar) -> dict[str, object]:
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def all_json_events(data) -> list[dict]:
    return [event for day in data["schedule"]["conference"]["days"]
            for events in day["rooms"].values() for event in events]


# --- the demo ------------------------------------------------------------------------


@pytest.fixture
def demo():
    conference, created = load_demo()
    db.session.commit()
    assert created
    return conference


def test_demo_schedule_validates_against_both_schemas(client, demo, xml_schema, json_validator):
    for lang in ("id", "en"):
        response = client.get(f"/c/{demo.slug}/schedule.xml?lang={lang}")
        assert response.status_code == 200
        document = assert_valid_xml(xml_schema, response.data)
        assert len(document.findall("day/room/event")) == 10
        assert document.findtext("conference/acronym") == "konas_pembuat_kebijakan_2019"
        assert document.find("day").get("start") == "2019-11-27T08:30:00+07:00"

        response = client.get(f"/c/{demo.slug}/schedule.json?lang={lang}")
        assert response.status_code == 200
        data = assert_valid_json(json_validator, response.get_json())
        events = all_json_events(data)
        assert len(events) == 10
        assert data["schedule"]["conference"]["time_zone_name"] == "Asia/Jakarta"

    titles = {e["title"] for e in events}  # the last language asked: English
    assert "Coffee break" in titles and "Rehat kopi" not in titles
    parallel = next(e for e in events if e["title"].startswith("Parallel session 1"))
    assert (parallel["date"], parallel["start"], parallel["duration"]) == ("2019-11-27T10:30:00+07:00", "10:30", "02:00")
    assert parallel["room"] == "Ruang Anggrek"
    assert parallel["language"] == "en"
    assert len(parallel["persons"]) == 7  # six speakers and the moderator
    # A break that spans every room is listed once, in the first room.
    breaks = [e for e in events if e["type"] == "break"]
    assert [b["room"] for b in breaks] == ["Ballroom", "Ballroom"]


def test_demo_ical_in_the_conference_zone(client, demo):
    calendar = calendar_of(client.get(f"/c/{demo.slug}/agenda.ics?lang=en"))
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Jakarta"]
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Jakarta"
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    events = events_by_title(calendar)
    assert len(events) == 10
    parallel = next(e for title, e in events.items() if title.startswith("Parallel session 1"))
    assert parallel["DTSTART"].params["TZID"] == "Asia/Jakarta"
    start = parallel.decoded("DTSTART")
    assert (start.hour, start.minute) == (10, 30)
    assert start.astimezone(UTC).replace(tzinfo=None) == datetime(2019, 11, 27, 3, 30)
    assert str(parallel["LOCATION"]) == "Ruang Anggrek, Hotel Pullman Jakarta"
    assert [str(c) for c in parallel["CATEGORIES"].cats] == ["PS"]
    assert parallel["SEQUENCE"] == 1
    assert str(parallel["UID"]).endswith("@eventapp")
    assert "Speakers from government" in str(parallel["DESCRIPTION"])
    assert "Wulan Sari" in str(parallel["DESCRIPTION"])  # the moderator


def test_demo_csv_in_both_languages(client, demo):
    rows = csv_rows(client.get(f"/c/{demo.slug}/agenda.csv?lang=id"))
    assert len(rows) == 1 + 10
    opening = rows[1]
    assert opening[:5] == ["2019-11-27", "08:30", "10:00", "Asia/Jakarta", "Pembukaan dan Pidato Kunci"]
    assert opening[6] == "Ballroom"
    assert "Dr. Ayu Lestari" in opening[9]
    english = csv_rows(client.get(f"/c/{demo.slug}/agenda.csv?lang=en"))
    assert english[1][4] == "Opening and keynote addresses"
    assert english[0][0] == "Day"


# --- a made-up conference ------------------------------------------------------------


@pytest.fixture
def three_days(make):
    """Three days, a spanning opening without a room, a spanning session in its
    own room, a session with no room at all, sessions with people."""
    conference = make.conference(slug="tiga-hari", ends_on=DAY + timedelta(days=2))
    a, b = make.room(conference, "Ruang A"), make.room(conference, "Ruang B")
    theme = make.sub_theme(conference, code="EKO", title_id="Ekonomi", title_en="Economy")
    speaker = make.person(conference, "Siti Rahma", honorific="Dr.")
    moderator = make.person(conference, "Budi Santoso")
    opening = make.session(conference, (8, 0), (9, 0), title_id="Pembukaan", title_en="Opening",
                           kind=SessionKind.OPENING, spans_all_rooms=True)
    talk = make.session(conference, (9, 0), (10, 0), title_id="Ekonomi desa", title_en="Village economy",
                        room=a, sub_theme=theme, abstract_id="Tentang desa.", abstract_en="About villages.")
    make.role(talk, speaker, RoleKind.SPEAKER)
    make.role(talk, moderator, RoleKind.MODERATOR)
    make.session(conference, (9, 0), (10, 0), title_id="Sesi B", room=b)
    day2 = DAY + timedelta(days=1)
    plenary = create_session(conference, title_id="Pleno hari dua", kind=SessionKind.PLENARY, room=b,
                             spans_all_rooms=True, starts_at=make.at(conference, 9, 0, day2),
                             ends_at=make.at(conference, 11, 0, day2))
    day3 = DAY + timedelta(days=2)
    loose = create_session(conference, title_id="Tanpa ruangan", starts_at=make.at(conference, 14, 0, day3),
                           ends_at=make.at(conference, 15, 0, day3))
    db.session.commit()
    make.publish(conference)
    return conference, {"opening": opening, "talk": talk, "plenary": plenary, "loose": loose,
                        "speaker": speaker, "theme": theme}


def test_multi_day_schedule_validates(client, three_days, xml_schema, json_validator):
    _conference, items = three_days
    response = client.get("/c/tiga-hari/schedule.json")
    data = assert_valid_json(json_validator, response.get_json())
    info = data["schedule"]["conference"]
    assert info["daysCount"] == 3 and [d["index"] for d in info["days"]] == [1, 2, 3]
    assert [d["date"] for d in info["days"]] == ["2026-03-10", "2026-03-11", "2026-03-12"]
    assert info["days"][0]["day_start"] == "2026-03-10T08:00:00+07:00"
    assert info["days"][1]["day_end"] == "2026-03-11T11:00:00+07:00"
    events = {e["id"]: e for e in all_json_events(data)}
    assert len(events) == 5
    assert events[items["opening"].id]["room"] == "Ruang A"  # spanning, no room: the first room
    assert events[items["plenary"].id]["room"] == "Ruang B"  # spanning, in its own room
    loose_room = events[items["loose"].id]["room"]
    assert loose_room not in ("Ruang A", "Ruang B") and loose_room
    talk = events[items["talk"].id]
    assert talk["guid"] == str(items["talk"].uid)
    assert talk["track"] == "Ekonomi"
    assert [p["public_name"] for p in talk["persons"]] == ["Dr. Siti Rahma", "Budi Santoso"]
    assert {r["name"] for r in info["rooms"]} == {"Ruang A", "Ruang B", loose_room}

    response = client.get("/c/tiga-hari/schedule.xml?lang=en")
    document = assert_valid_xml(xml_schema, response.data)
    assert document.findtext("conference/days") == "3"
    assert len(document.findall("day")) == 3
    assert document.xpath("//event[@id=$id]/title/text()", id=str(items["talk"].id)) == ["Village economy"]
    assert document.xpath("//event[@id=$id]/../@name", id=str(items["opening"].id)) == ["Ruang A"]


def test_ical_for_one_session_sub_theme_and_speaker(client, three_days):
    _conference, items = three_days
    talk = items["talk"]
    for url in (f"/c/tiga-hari/sessions/{talk.id}.ics", "/c/tiga-hari/sub-themes/EKO.ics",
                f"/c/tiga-hari/speakers/{items['speaker'].id}.ics"):
        calendar = calendar_of(client.get(url + "?lang=en"))
        events = calendar.walk("VEVENT")
        assert [str(e["SUMMARY"]) for e in events] == ["Village economy"], url
        assert str(events[0]["UID"]) == f"{talk.uid}@eventapp"
        assert "About villages." in str(events[0]["DESCRIPTION"])
        assert "Dr. Siti Rahma" in str(events[0]["DESCRIPTION"])
        assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Jakarta"]
    whole = calendar_of(client.get("/c/tiga-hari/agenda.ics"))
    assert len(whole.walk("VEVENT")) == 5
    for url in ("/c/tiga-hari/sessions/999999.ics", "/c/tiga-hari/sub-themes/NOPE.ics",
                "/c/tiga-hari/speakers/999999.ics"):
        assert client.get(url).status_code == 404


def test_uid_is_stable_across_releases(client, make, three_days):
    conference, items = three_days
    talk = items["talk"]
    url = f"/c/tiga-hari/sessions/{talk.id}.ics?lang=id"
    first = calendar_of(client.get(url)).walk("VEVENT")[0]
    update_session(talk, title_id="Ekonomi desa (baru)")
    db.session.commit()
    make.publish(conference)
    second = calendar_of(client.get(url)).walk("VEVENT")[0]
    assert str(second["SUMMARY"]) == "Ekonomi desa (baru)"
    assert str(first["SUMMARY"]) == "Ekonomi desa"
    assert str(second["UID"]) == str(first["UID"]) == f"{talk.uid}@eventapp"
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (1, 2)


def test_draft_only_session_is_in_no_export(client, make, three_days):
    conference, items = three_days
    draft = make.session(conference, (16, 0), (17, 0), title_id="Rahasia draf", title_en="Secret draft")
    person = make.person(conference, "Orang Draf")
    make.role(draft, person)
    update_session(items["talk"], title_en="Changed in the draft")
    db.session.commit()
    for name in WHOLE_EXPORTS:
        for lang in ("id", "en"):
            response = client.get(f"/c/tiga-hari/{name}?lang={lang}")
            assert response.status_code == 200
            body = response.data.decode("utf-8")
            assert "Rahasia draf" not in body and "Secret draft" not in body and "Orang Draf" not in body
            assert "Changed in the draft" not in body
            assert str(draft.uid) not in body
    assert client.get(f"/c/tiga-hari/sessions/{draft.id}.ics").status_code == 404
    assert client.get(f"/c/tiga-hari/speakers/{person.id}.ics").status_code == 404


def test_unpublished_conference_exports_are_not_found(client, make, auth):
    conference = make.conference(slug="belum", published=False)
    session = make.session(conference, title_id="Sesi")
    make.publish(conference)
    for name in WHOLE_EXPORTS:
        assert client.get(f"/c/belum/{name}").status_code == 404
    assert client.get(f"/c/belum/sessions/{session.id}.ics").status_code == 404
    auth.login(make.organiser(conference))
    for name in WHOLE_EXPORTS:
        assert client.get(f"/c/belum/{name}").status_code == 200


def test_published_conference_without_release_exports_empty(client, make, xml_schema, json_validator):
    make.conference(slug="kosong")
    calendar = calendar_of(client.get("/c/kosong/agenda.ics"))
    assert calendar.walk("VEVENT") == []
    assert_valid_xml(xml_schema, client.get("/c/kosong/schedule.xml").data)
    data = assert_valid_json(json_validator, client.get("/c/kosong/schedule.json").get_json())
    assert all_json_events(data) == []
    assert len(csv_rows(client.get("/c/kosong/agenda.csv"))) == 1


@pytest.mark.parametrize("name", WHOLE_EXPORTS)
def test_repeated_request_is_not_modified(client, three_days, name):
    response = client.get(f"/c/tiga-hari/{name}?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache, public"
    etag = response.headers["ETag"]
    again = client.get(f"/c/tiga-hari/{name}?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(f"/c/tiga-hari/{name}?lang=id", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_session_export_304(client, three_days):
    _conference, items = three_days
    url = f"/c/tiga-hari/sessions/{items['talk'].id}.ics"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_csv_neutralises_formulas(client, make):
    conference = make.conference(slug="rumus")
    room = make.room(conference, "@Ruang")
    session = make.session(conference, title_id='=HYPERLINK("http://evil.example","klik")', room=room,
                           abstract_id="+1 dan -2")
    make.role(session, make.person(conference, "-Nama"))
    make.publish(conference)
    rows = csv_rows(client.get("/c/rumus/agenda.csv"))
    row = rows[1]
    assert row[4] == '\'=HYPERLINK("http://evil.example","klik")'
    assert row[6] == "'@Ruang"
    assert row[8] == "'-Nama"
    assert row[10] == "'+1 dan -2"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_language_follows_lang_parameter_with_fallback(client, make):
    conference = make.conference(slug="bahasa")
    make.session(conference, (9, 0), (10, 0), title_id="Hanya Indonesia")
    make.session(conference, (10, 0), (11, 0), title_id="Judul", title_en="Title")
    make.publish(conference)
    english = events_by_title(calendar_of(client.get("/c/bahasa/agenda.ics?lang=en")))
    assert set(english) == {"Hanya Indonesia", "Title"}
    indonesian = events_by_title(calendar_of(client.get("/c/bahasa/agenda.ics?lang=id")))
    assert set(indonesian) == {"Hanya Indonesia", "Judul"}
    titles = {e["title"] for e in all_json_events(client.get("/c/bahasa/schedule.json?lang=en").get_json())}
    assert titles == {"Hanya Indonesia", "Title"}
    # Without ?lang= the visitor's language decides.
    page = client.get("/c/bahasa/agenda.csv", headers={"Accept-Language": "en"})
    assert [r[4] for r in csv_rows(page)[1:]] == ["Hanya Indonesia", "Title"]


# --- query budget ----------------------------------------------------------------------


def test_export_query_count_does_not_grow_with_sessions(client, make, count_queries):
    conference, rooms, themes, people = big_conference(make)
    conference.status = ConferenceStatus.PUBLISHED
    db.session.commit()
    add_parallel_sessions(make, conference, rooms, themes, people, 0, 60)
    make.publish(conference)
    session_id = next(s["id"] for s in conference_sessions(conference))
    person_id = people[0].id
    urls = [f"/c/besar/{name}" for name in WHOLE_EXPORTS] + [
        f"/c/besar/sessions/{session_id}.ics", f"/c/besar/sub-themes/{themes[0].code}.ics",
        f"/c/besar/speakers/{person_id}.ics",
    ]
    small = {}
    client.get(urls[0])  # warm up
    cache.clear()  # count building the exports, not serving them from the page cache
    for url in urls:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        small[url] = len(queries)

    add_parallel_sessions(make, conference, rooms, themes, people, 60, 600)
    make.publish(conference)
    client.get(urls[0])  # warm up: each process reads a new release's snapshot once
    cache.clear()
    for url in urls:
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) == small[url] <= 6, url
    data = client.get("/c/besar/schedule.json").get_json()
    assert len(all_json_events(data)) == 603


def conference_sessions(conference):
    from eventapp.agenda.releases import latest_release

    return latest_release(conference).snapshot["sessions"]
