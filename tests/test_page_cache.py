"""The per-release cache of public pages and exports (eventapp.page_cache)."""
from __future__ import annotations

import re

from contextlib import contextmanager

import pytest
from flask import template_rendered

from eventapp import create_app
from eventapp.agenda import exports
from eventapp.agenda.models import RoleKind
from eventapp.extensions import cache, db

from .conftest import app_config

TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def conf(make):
    conference = make.conference(slug="cache", title_id="Konferensi Cache", title_en="Cache Conference")
    room = make.room(conference, "Ruang Utama")
    theme = make.sub_theme(conference, "T1")
    session = make.session(conference, (9, 0), (10, 0), room=room, sub_theme=theme,
                           title_id="Sesi Pembukaan", title_en="Opening Session")
    speaker = make.person(conference, "Ayu Lestari")
    make.role(session, speaker, RoleKind.SPEAKER)
    make.publish(conference)
    return {"conference": conference, "session": session, "speaker": speaker, "theme": theme}


@contextmanager
def renders(app):
    """The templates rendered meanwhile: none when a page comes from the cache."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    with template_rendered.connected_to(record, app):
        yield names


def public_urls(conf) -> list[str]:
    s, p, t = conf["session"].id, conf["speaker"].id, conf["theme"].code
    return ["/c/cache", "/c/cache/agenda", f"/c/cache/sessions/{s}", "/c/cache/speakers",
            f"/c/cache/speakers/{p}", "/c/cache/sub-themes", f"/c/cache/sub-themes/{t}"]


EXPORTS = {"agenda.ics": "ical", "schedule.xml": "schedule", "schedule.json": "schedule",
           "agenda.csv": "agenda_csv"}


@contextmanager
def export_builds(monkeypatch, name):
    """How often the export writer `exports.<name>` runs meanwhile."""
    calls: list[int] = []
    original = getattr(exports, name)

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(exports, name, spy)
        yield calls


@pytest.mark.parametrize("index", range(7))
def test_second_anonymous_visit_is_served_from_the_cache(app, client, conf, count_queries, index):
    """The pages are built from the release snapshot without further queries, so
    a hit saves the rendering (no template rendered) and never adds a query."""
    url = public_urls(conf)[index]
    with count_queries() as first_queries, renders(app) as first_renders:
        first = client.get(url)
    assert first.status_code == 200
    assert first_renders
    with count_queries() as second_queries, renders(app) as second_renders:
        second = client.get(url)
    assert second.status_code == 200
    assert second_renders == [], url
    assert len(second_queries) <= len(first_queries) <= 4, url
    assert second.data == first.data
    assert second.mimetype == "text/html"
    # Nothing personal for a reader: no CSRF token, no session cookie, so the
    # bytes can be shared (and the micro-cache may serve them before Flask).
    assert TOKEN.search(second.data) is None
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert second.headers["X-Eventapp-Shared"] == "1"


def test_agenda_page_shows_a_published_change_at_once(client, conf, make):
    assert "Sesi Pembukaan" in client.get("/c/cache/agenda").get_data(as_text=True)
    assert "Sesi Pembukaan" in client.get("/c/cache/agenda").get_data(as_text=True)  # cached
    conf["session"].title_id = "Sesi Pembukaan Baru"
    db.session.commit()
    # Not published yet: the cached release still shows.
    assert "Sesi Pembukaan Baru" not in client.get("/c/cache/agenda").get_data(as_text=True)
    make.publish(conf["conference"])
    for url in ("/c/cache/agenda", "/c/cache", f"/c/cache/sessions/{conf['session'].id}"):
        assert "Sesi Pembukaan Baru" in client.get(url).get_data(as_text=True), url


def test_languages_are_cached_separately(client, conf):
    indonesian = client.get("/c/cache/agenda").get_data(as_text=True)
    assert client.get("/c/cache/agenda").get_data(as_text=True).count("Sesi Pembukaan") >= 1
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 303
    english = client.get("/c/cache/agenda").get_data(as_text=True)
    assert 'lang="en"' in english and "Opening Session" in english
    assert 'lang="id"' in indonesian and "Sesi Pembukaan" in indonesian
    assert "Opening Session" in client.get("/c/cache/agenda").get_data(as_text=True)
    other = create_visitor(client)
    assert "Sesi Pembukaan" in other.get("/c/cache/agenda").get_data(as_text=True)


def create_visitor(client):
    return client.application.test_client()


def test_signed_in_organiser_never_gets_the_cached_anonymous_page(client, conf, make, auth):
    organiser = make.organiser(conf["conference"])
    anonymous = client.get("/c/cache").get_data(as_text=True)
    assert "/manage/cache" not in anonymous
    auth.login(organiser)
    page = client.get("/c/cache").get_data(as_text=True)
    assert 'href="/manage/cache/"' in page
    assert organiser.email in page
    # … and the organiser's page is not served to the next anonymous visitor.
    again = create_visitor(client).get("/c/cache").get_data(as_text=True)
    assert "/manage/cache" not in again and organiser.email not in again


def test_a_pending_flash_message_is_neither_stored_nor_hidden(client, conf):
    client.get("/c/cache")  # cached without a message
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan pribadi")]
    assert "Pesan pribadi" in client.get("/c/cache").get_data(as_text=True)
    assert "Pesan pribadi" not in create_visitor(client).get("/c/cache").get_data(as_text=True)


def test_a_reader_switches_language_by_link_and_gets_the_other_cached_page(client, conf):
    page = client.get("/c/cache/agenda", headers={"Accept-Language": "id"})
    assert "Set-Cookie" not in page.headers
    link = re.search(rb'href="(/language/en\?next=[^"]+)"', page.data)
    assert link, "no English link in the header"
    switched = client.get(link.group(1).decode().replace("&amp;", "&"))
    assert switched.status_code == 303 and switched.headers["Location"].endswith("/c/cache/agenda")
    english = client.get("/c/cache/agenda", headers={"Accept-Language": "id"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert client.get("/language/fr?next=/").status_code == 404
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] in ("/", "http://eventapp.test/")


def test_a_page_holding_a_csrf_token_is_never_shared(app, conf):
    """A form on a cached page would hand one visitor's token to the next: such a
    response is served but not stored."""
    from flask import render_template_string

    from eventapp.page_cache import cached_page

    conference = conf["conference"]
    for _ in range(2):
        with app.test_request_context("/c/cache/form"), renders(app) as rendered:
            response = cached_page(conference, None, "test.form",
                                   lambda: render_template_string("<p>{{ csrf_token() }}</p>"))
            assert rendered, "built again: nothing was stored"
            assert "X-Eventapp-Shared" not in response.headers


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_are_cached_and_follow_publishing(client, conf, make, count_queries, monkeypatch, name):
    url = f"/c/cache/{name}?lang=id"
    with count_queries() as first_queries, export_builds(monkeypatch, EXPORTS[name]) as first_builds:
        first = client.get(url)
    with count_queries() as second_queries, export_builds(monkeypatch, EXPORTS[name]) as second_builds:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first_builds == [1] and second_builds == []
    assert len(second_queries) <= len(first_queries)
    assert second.data == first.data
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers.get("Content-Disposition") == first.headers.get("Content-Disposition")
    assert "Sesi Pembukaan" in second.get_data(as_text=True)
    conf["session"].title_id = "Sesi Diganti"
    db.session.commit()
    make.publish(conf["conference"])
    assert "Sesi Diganti" in client.get(url).get_data(as_text=True)


def test_exports_cached_for_signed_in_users_too(client, conf, make, auth, monkeypatch):
    """An export is the same for everyone: it is cached whoever asks."""
    auth.login(make.organiser(conf["conference"]))
    with export_builds(monkeypatch, "ical") as builds:
        assert client.get("/c/cache/agenda.ics").status_code == 200
        assert client.get("/c/cache/agenda.ics").status_code == 200
    assert builds == [1]


@pytest.mark.parametrize("url", ["/c/cache/agenda", "/c/cache/agenda.ics", "/c/cache"])
def test_conditional_get_still_answers_304(client, conf, url):
    first = client.get(url)
    etag = first.headers["ETag"]
    cached = client.get(url)
    assert cached.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_unknown_ids_are_not_cached_as_pages(client, conf):
    for _ in range(2):
        assert client.get("/c/cache/sessions/999999").status_code == 404
        assert client.get("/c/cache/speakers/999999").status_code == 404
        assert client.get("/c/cache/sub-themes/NOPE").status_code == 404


def test_two_app_processes_on_one_database(database_url, client, conf, make, auth):
    """Each app has its own in-process cache: a publish through one is served by
    the other on its next request, with no purge message between them."""
    other_app = create_app(app_config(database_url, CACHE_TYPE="SimpleCache"))
    try:
        other = other_app.test_client()
        assert "Sesi Pembukaan" in other.get("/c/cache/agenda").get_data(as_text=True)
        assert "Sesi Pembukaan" in other.get("/c/cache/agenda").get_data(as_text=True)  # cached there
        assert "Sesi Pembukaan" in create_visitor(client).get("/c/cache/agenda").get_data(as_text=True)

        conf["session"].title_id = "Sesi Setelah Rilis"
        db.session.commit()
        auth.login(make.organiser(conf["conference"]))
        assert client.post("/manage/cache/releases", data={"note": "kedua"}).status_code == 303

        assert "Sesi Setelah Rilis" in other.get("/c/cache/agenda").get_data(as_text=True)
        assert "Sesi Setelah Rilis" in other.get("/c/cache/agenda.ics").get_data(as_text=True)
        assert "Sesi Setelah Rilis" in create_visitor(client).get("/c/cache/agenda").get_data(as_text=True)
    finally:
        with other_app.app_context():
            db.engine.dispose()


def test_cache_configuration_from_the_environment(monkeypatch, tmp_path):
    from eventapp.config import load_config

    monkeypatch.delenv("CACHE_TYPE", raising=False)
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    config = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert config["CACHE_TYPE"] == "SimpleCache"
    assert config["CACHE_DEFAULT_TIMEOUT"] == 3600
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://127.0.0.1:6379/1")
    config = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert config["CACHE_TYPE"] == "RedisCache"
    assert config["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/1"


def test_redis_backend_shared_by_two_apps(database_url, conf):
    """With CACHE_REDIS_URL every app server shares one cache (skipped without Redis)."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/1"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    prefix = f"eventapp-test-{conf['conference'].id}-{id(conf)}:"
    config = app_config(database_url, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url, CACHE_KEY_PREFIX=prefix)
    apps = [create_app(config), create_app(config)]
    try:
        first = apps[0].test_client().get("/c/cache/agenda")
        with renders(apps[1]) as rendered:
            second = apps[1].test_client().get("/c/cache/agenda")
        assert rendered == []  # filled by the other app
        assert second.data == first.data
    finally:
        for other in apps:
            with other.app_context():
                cache.clear()
                db.engine.dispose()
