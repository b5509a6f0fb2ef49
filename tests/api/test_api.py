"""The public JSON API: content, filters, languages, 404s, ETag/304, query
budgets and the OpenAPI document."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator, ValidationError

from eventapp.agenda.models import RoleKind, SessionKind
from eventapp.agenda.services import create_session, update_session
from eventapp.conferences.models import ConferenceStatus
from eventapp.extensions import db
from eventapp.people.models import Gender, Sector

from ..agenda.test_builder import add_parallel_sessions, big_conference
from ..factories import DAY

API = "/api/v1"


@pytest.fixture
def forum(make):
    """A published two-day conference with release v1, then draft-only edits."""
    conf = make.conference(slug="forum", ends_on=DAY + timedelta(days=1), title_id="Forum Kebijakan",
                           title_en="Policy Forum", theme_id="Tema Forum", theme_en="")
    room_a, room_b = make.room(conf, "Ruang A"), make.room(conf, "Ruang B")
    social = make.sub_theme(conf, code="PS", title_id="Perlindungan Sosial", title_en="Social protection")
    health = make.sub_theme(conf, code="KK", title_id="Kesehatan", title_en="Health")
    opening = make.session(conf, (8, 0), (9, 0), kind=SessionKind.OPENING, spans_all_rooms=True,
                           title_id="Pembukaan Forum", title_en="Forum opening")
    talk = make.session(conf, (9, 0), (10, 0), room=room_a, sub_theme=social, title_id="Sesi Perlindungan",
                        title_en="Protection session", abstract_id="Ringkasan sesi", abstract_en="")
    second_day = create_session(conf, title_id="Sesi Hari Dua", title_en="Day two session", room=room_b,
                                sub_theme=health, starts_at=make.at(conf, 9, 0, DAY + timedelta(days=1)),
                                ends_at=make.at(conf, 10, 0, DAY + timedelta(days=1)))
    db.session.commit()
    siti = make.person(conf, "Siti Aminah", honorific="Dr.", email="siti@example.org", gender=Gender.WOMAN,
                       sector=Sector.CIVIL_SOCIETY, organisation="PEKKA", position="Ketua",
                       bio_id="Biografi Siti", bio_en="Siti's biography")
    budi = make.person(conf, "Budi Santoso", email="budi@example.org")
    make.role(talk, siti, RoleKind.SPEAKER)
    make.role(talk, budi, RoleKind.MODERATOR)
    make.role(second_day, siti, RoleKind.SPEAKER)
    make.person(conf, "Tanpa Peran")  # no role: never public
    make.publish(conf)
    # Draft-only changes after publishing: never visible through the API.
    secret = make.session(conf, (11, 0), (12, 0), room=room_a, sub_theme=social, title_id="Sesi Draf Rahasia")
    make.role(secret, make.person(conf, "Orang Draf"), RoleKind.SPEAKER)
    update_session(talk, title_id="Judul Draf Rahasia")
    db.session.commit()
    return {"conf": conf, "room_a": room_a, "room_b": room_b, "opening": opening, "talk": talk,
            "second_day": second_day, "siti": siti, "budi": budi, "secret": secret}


def get(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.json


# --- content --------------------------------------------------------------------------


def test_conference_list_shows_published_conferences_with_their_latest_release(client, make, forum):
    make.conference(slug="rahasia", published=False)
    unreleased = make.conference(slug="belum-rilis", title_id="Belum Rilis")
    data = get(client, f"{API}/conferences?lang=en")
    by_slug = {c["slug"]: c for c in data["conferences"]}
    assert set(by_slug) == {"forum", "belum-rilis"}
    item = by_slug["forum"]
    assert item["title"] == {"id": "Forum Kebijakan", "en": "Policy Forum", "text": "Policy Forum"}
    assert item["theme"] == {"id": "Tema Forum", "en": "", "text": "Tema Forum"}  # falls back
    assert (item["starts_on"], item["ends_on"], item["timezone"]) == ("2026-03-10", "2026-03-11", "Asia/Jakarta")
    assert item["venues"] == ["Hotel Test"]
    assert item["release"]["number"] == 1 and item["release"]["published_at"].startswith("20")
    assert item["links"]["sessions"] == "/api/v1/conferences/forum/sessions"
    assert get(client, item["links"]["self"])["conference"]["slug"] == "forum"
    assert by_slug["belum-rilis"]["release"] is None
    assert unreleased.slug == "belum-rilis"


def test_conference_detail(client, forum):
    data = get(client, f"{API}/conferences/forum")
    conference = data["conference"]
    assert data["lang"] == "id"
    assert conference["title"]["text"] == "Forum Kebijakan"
    assert conference["release"]["number"] == 1
    assert "description" in conference and "organisers" in conference


def test_sessions_come_from_the_release_with_local_offsets(client, forum):
    data = get(client, f"{API}/conferences/forum/sessions?lang=en")
    assert data["conference"] == "forum" and data["release"]["number"] == 1 and data["lang"] == "en"
    sessions = data["sessions"]
    assert [s["title"]["id"] for s in sessions] == ["Pembukaan Forum", "Sesi Perlindungan", "Sesi Hari Dua"]
    opening, talk, second = sessions
    assert opening["kind"] == "opening" and opening["spans_all_rooms"] is True and opening["room"] is None
    assert talk["id"] == forum["talk"].id and talk["uid"] == str(forum["talk"].uid)
    assert talk["title"] == {"id": "Sesi Perlindungan", "en": "Protection session", "text": "Protection session"}
    assert talk["abstract"] == {"id": "Ringkasan sesi", "en": "", "text": "Ringkasan sesi"}
    assert talk["starts_at"] == "2026-03-10T09:00:00+07:00" and talk["ends_at"] == "2026-03-10T10:00:00+07:00"
    assert talk["room"] == {"id": forum["room_a"].id, "name": "Ruang A"}
    assert talk["sub_theme"] == "PS" and talk["spans_all_rooms"] is False
    assert [(p["person_id"], p["role"]) for p in talk["people"]] == [
        (forum["siti"].id, "speaker"), (forum["budi"].id, "moderator")]
    assert second["starts_at"] == "2026-03-11T09:00:00+07:00"
    page = str(data)
    assert "Rahasia" not in page and forum["secret"].id not in [s["id"] for s in sessions]


def test_session_filters(client, forum):
    url = f"{API}/conferences/forum/sessions"

    def titles(query):
        return [s["title"]["id"] for s in get(client, f"{url}?{query}")["sessions"]]

    assert titles("day=2026-03-11") == ["Sesi Hari Dua"]
    assert titles("day=2026-03-10") == ["Pembukaan Forum", "Sesi Perlindungan"]
    assert titles("day=2026-03-12") == []
    assert titles("sub_theme=KK") == ["Sesi Hari Dua"]
    assert titles("sub_theme=NOPE") == []
    # A session that spans all rooms is in every room.
    assert titles(f"room={forum['room_a'].id}") == ["Pembukaan Forum", "Sesi Perlindungan"]
    assert titles(f"room={forum['room_b'].id}&day=2026-03-11") == ["Sesi Hari Dua"]
    assert titles(f"room={forum['room_b'].id}&sub_theme=PS") == []
    for bad in ("day=kemarin", "day=2026-13-01", "room=abc", "lang=fr"):
        assert get(client, f"{url}?{bad}", 400)["status"] == 400


def test_one_session_and_its_404s(client, make, forum):
    talk_id = forum["talk"].id
    data = get(client, f"{API}/conferences/forum/sessions/{talk_id}?lang=id")
    assert data["session"]["title"]["text"] == "Sesi Perlindungan"  # the release, not the draft title
    assert data["session"]["url"] == f"/api/v1/conferences/forum/sessions/{talk_id}"
    other = make.conference(slug="lain")
    make.session(other, title_id="Sesi Lain")
    make.publish(other)
    for url in (
        f"{API}/conferences/forum/sessions/{forum['secret'].id}",  # draft-only session
        f"{API}/conferences/forum/sessions/999999",
        f"{API}/conferences/lain/sessions/{talk_id}",  # another conference's id
        f"{API}/conferences/tidak-ada/sessions/{talk_id}",
        f"{API}/conferences/tidak-ada",
    ):
        assert get(client, url, 404) == {"error": "Tidak ditemukan, atau belum diterbitkan.", "status": 404}


def test_people_have_no_email_nor_gender(client, forum):
    data = get(client, f"{API}/conferences/forum/people?lang=en")
    people = {p["full_name"]: p for p in data["people"]}
    assert set(people) == {"Siti Aminah", "Budi Santoso"}  # no one without a role, no draft-only person
    siti = people["Siti Aminah"]
    assert siti == {
        "id": forum["siti"].id, "honorific": "Dr.", "full_name": "Siti Aminah", "position": "Ketua",
        "organisation": "PEKKA", "sector": "civil_society", "sector_label": "Civil society",
        "bio": {"id": "Biografi Siti", "en": "Siti's biography", "text": "Siti's biography"},
        "session_ids": [forum["talk"].id, forum["second_day"].id],
    }
    assert people["Budi Santoso"]["session_ids"] == [forum["talk"].id]
    text = str(data)
    assert "@example.org" not in text and "woman" not in text and "gender" not in text


def test_sub_themes(client, forum):
    data = get(client, f"{API}/conferences/forum/sub-themes?lang=en")
    assert [(t["code"], t["title"]["text"], t["session_count"]) for t in data["sub_themes"]] == [
        ("PS", "Social protection", 1), ("KK", "Health", 1)]
    assert data["sub_themes"][0]["colour"].startswith("#")


def test_a_published_conference_without_a_release_has_an_empty_agenda(client, make):
    conference = make.conference(slug="kosong")
    make.session(conference, title_id="Belum Terbit")
    data = get(client, f"{API}/conferences/kosong/sessions")
    assert data["release"] is None and data["sessions"] == []
    assert get(client, f"{API}/conferences/kosong/people")["people"] == []
    assert get(client, f"{API}/conferences/kosong/sessions/1", 404)["status"] == 404


def test_unpublishing_a_conference_hides_it(client, forum):
    forum["conf"].status = ConferenceStatus.DRAFT
    db.session.commit()
    assert get(client, f"{API}/conferences/forum/sessions", 404)["status"] == 404
    assert get(client, f"{API}/conferences")["conferences"] == []


# --- languages -------------------------------------------------------------------------


def test_language_from_query_then_visitor(client, forum):
    url = f"{API}/conferences/forum/sessions/{forum['opening'].id}"
    indonesian = get(client, url)["session"]
    assert indonesian["title"]["text"] == "Pembukaan Forum" and indonesian["kind_label"] == "Pembukaan"
    english = get(client, url, headers={"Accept-Language": "en"})
    assert english["lang"] == "en" and english["session"]["kind_label"] == "Opening"
    assert english["session"]["title"]["text"] == "Forum opening"
    forced = get(client, f"{url}?lang=id", headers={"Accept-Language": "en"})
    assert forced["lang"] == "id" and forced["session"]["title"]["text"] == "Pembukaan Forum"
    assert forced["session"]["kind_label"] == "Pembukaan"


def test_demo_agenda_reads_right_in_both_languages(client):
    from eventapp.demo import DEMO_SLUG, load_demo

    load_demo()
    db.session.commit()
    url = f"{API}/conferences/{DEMO_SLUG}/sessions"
    english, indonesian = get(client, f"{url}?lang=en")["sessions"], get(client, f"{url}?lang=id")["sessions"]
    assert len(english) == len(indonesian) > 5
    assert english[0]["title"]["text"] == "Opening and keynote addresses"
    assert indonesian[0]["title"]["text"] == "Pembukaan dan Pidato Kunci"
    assert all(s["starts_at"].startswith("2019-11-27T") and s["starts_at"].endswith("+07:00") for s in english)
    parallel = [s for s in english if s["kind"] == "parallel"]
    assert len(parallel) == 5 and all(s["title"]["text"].startswith("Parallel session") for s in parallel)
    assert {s["sub_theme"] for s in parallel} == {t["code"] for t in get(
        client, f"{API}/conferences/{DEMO_SLUG}/sub-themes")["sub_themes"]}
    people = get(client, f"{API}/conferences/{DEMO_SLUG}/people?lang=en")["people"]
    assert any(p["full_name"] == "Ilham Azikin" for p in people)


# --- conditional requests ------------------------------------------------------------


def test_etag_and_304_until_a_new_release(client, make, forum):
    url = f"{API}/conferences/forum/sessions"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"] and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(f"{url}?lang=en", headers={"If-None-Match": etag}).status_code == 200
    make.publish(forum["conf"])  # the draft edits become v2
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.json["release"]["number"] == 2
    assert "Sesi Draf Rahasia" in [s["title"]["id"] for s in fresh.json["sessions"]]


def test_conference_list_etag_changes_with_releases_and_conferences(client, make, forum):
    url = f"{API}/conferences"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    make.publish(forum["conf"])
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["conferences"][0]["release"]["number"] == 2
    etag = changed.headers["ETag"]
    make.conference(slug="baru")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


# --- query budgets ------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_agenda(client, make, count_queries):
    conference, rooms, themes, people = big_conference(make)
    conference.status = ConferenceStatus.PUBLISHED
    db.session.commit()
    base = f"{API}/conferences/{conference.slug}"
    urls = [f"{API}/conferences", base, f"{base}/sessions", f"{base}/people", f"{base}/sub-themes",
            f"{base}/sessions?day=2026-03-11&sub_theme=T1&room={rooms[3].id}"]

    def measure() -> dict[str, int]:
        counts = {}
        for url in urls:
            client.get(url)  # warm up
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts[url] = len(queries)
        return counts

    add_parallel_sessions(make, conference, rooms, themes, people, 0, 60)
    make.publish(conference)
    small = measure()
    assert len(client.get(f"{base}/sessions").json["sessions"]) == 3 + 60
    add_parallel_sessions(make, conference, rooms, themes, people, 60, 600)
    make.publish(conference)
    large = measure()
    data = client.get(f"{base}/sessions").json
    assert len(data["sessions"]) == 3 + 600 and data["release"]["number"] == 2
    assert len(client.get(f"{base}/people").json["people"]) == 900
    assert large == small
    assert max(large.values()) <= 5, large


# --- the OpenAPI document -------------------------------------------------------------


def _validator(doc: dict, name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_openapi_document_describes_every_route(app, client):
    doc = get(client, f"{API}/openapi.json")
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": "/api/v1"}]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) == 7
    for rule in rules:
        assert rule.rule.startswith(API)
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(API):])
        assert path in doc["paths"], path
        assert set(doc["paths"][path]) == {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
        operation = doc["paths"][path]["get"]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(rule.arguments), path
    assert len(doc["paths"]) == len(rules)
    operation_ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(set(operation_ids)) == len(operation_ids)
    for item in doc["paths"].values():
        for operation in item.values():
            assert "200" in operation["responses"]
            for code, response in operation["responses"].items():
                assert response["description"]
                if code != "304":
                    assert response["content"]["application/json"]["schema"], (code, operation)
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    refs = re.findall(r"#/components/schemas/(\w+)", str(doc))
    assert refs and set(refs) <= set(doc["components"]["schemas"])


def test_responses_match_the_openapi_schemas(client, make, forum):
    doc = get(client, f"{API}/openapi.json")
    base = f"{API}/conferences/forum"
    make.conference(slug="belum-rilis")
    checks = [
        ("ConferenceList", f"{API}/conferences"),
        ("ConferenceDetail", base),
        ("SessionList", f"{base}/sessions?lang=en"),
        ("SessionList", f"{API}/conferences/belum-rilis/sessions"),
        ("SessionDetail", f"{base}/sessions/{forum['talk'].id}"),
        ("PersonList", f"{base}/people"),
        ("SubThemeList", f"{base}/sub-themes"),
    ]
    for name, url in checks:
        _validator(doc, name).validate(get(client, url))
    _validator(doc, "Error").validate(get(client, f"{API}/conferences/tidak-ada", 404))
    _validator(doc, "Error").validate(get(client, f"{base}/sessions?day=x", 400))
    # The check can fail: a wrong shape is rejected.
    broken = get(client, f"{base}/sessions")
    broken["sessions"][0]["room"] = "Ruang A"
    with pytest.raises(ValidationError):
        _validator(doc, "SessionList").validate(broken)


def test_unknown_api_urls_answer_in_json(client):
    for url in ("/api/v1/nope", "/api/v2/conferences"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.is_json and response.get_json()["status"] == 404
    response = client.post("/api/v1/conferences")
    assert response.status_code == 405 and response.is_json
