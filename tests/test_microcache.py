"""The micro-cache in front of Flask (eventapp.page_cache.MicroCache): shared
public responses served for a few seconds without routing, session, database
or templates; anything personal always goes through the app."""
from __future__ import annotations

import time

import pytest

from eventapp import create_app
from eventapp.agenda.models import RoleKind
from eventapp.extensions import cache, db

from .conftest import app_config


@pytest.fixture
def conf(make):
    cache.clear()
    conference = make.conference(slug="mikro", title_id="Konferensi Mikro", title_en="Micro Conference")
    room = make.room(conference, "Ruang Utama")
    session = make.session(conference, (9, 0), (10, 0), room=room, title_id="Sesi Lama", title_en="Old Session")
    make.role(session, make.person(conference, "Ayu Lestari"), RoleKind.SPEAKER)
    make.publish(conference)
    yield {"conference": conference, "session": session}
    cache.clear()


@pytest.fixture
def micro_app(database_url):
    def build(seconds: float):
        made.append(create_app(app_config(database_url, PAGE_MICROCACHE_SECONDS=seconds)))
        return made[-1]

    made: list = []
    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def reader(app):
    """A visitor without cookies (a first visit, a crawler, a load balancer probe)."""
    return app.test_client(use_cookies=False)


def republish(make, conf, title: str) -> None:
    conf["session"].title_id = title
    db.session.commit()
    make.publish(conf["conference"])


def test_readers_get_the_same_bytes_until_the_entry_expires(micro_app, conf, make):
    app = micro_app(0.5)
    first = reader(app).get("/c/mikro/agenda")
    assert first.status_code == 200 and "Sesi Lama" in first.get_data(as_text=True)
    assert "X-Eventapp-Shared" not in first.headers  # internal: never sent out
    republish(make, conf, "Sesi Baru")
    # Within the entry's lifetime the reader still gets the stored bytes: Flask
    # (whose per-release key would have changed) was not asked.
    assert reader(app).get("/c/mikro/agenda").data == first.data
    time.sleep(0.6)
    assert "Sesi Baru" in reader(app).get("/c/mikro/agenda").get_data(as_text=True)


def test_a_visitor_with_a_session_always_goes_through_the_app(micro_app, conf, make):
    app = micro_app(30)
    assert "Sesi Lama" in reader(app).get("/c/mikro/agenda").get_data(as_text=True)
    republish(make, conf, "Sesi Baru")
    assert "Sesi Lama" in reader(app).get("/c/mikro/agenda").get_data(as_text=True)  # stored
    visitor = app.test_client()
    visitor.get("/language/id?next=/")  # now has a session cookie
    assert "Sesi Baru" in visitor.get("/c/mikro/agenda").get_data(as_text=True)
    signed_in = app.test_client(use_cookies=False)
    response = signed_in.get("/c/mikro/agenda", headers={"Cookie": "remember_token=1|abc"})
    assert "Sesi Baru" in response.get_data(as_text=True)


def test_languages_hosts_and_queries_are_kept_apart(micro_app, conf):
    app = micro_app(30)
    indonesian = reader(app).get("/c/mikro/agenda", headers={"Accept-Language": "id"})
    english = reader(app).get("/c/mikro/agenda", headers={"Accept-Language": "en"})
    assert '<html lang="id">' in indonesian.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Sesi Lama" in reader(app).get("/c/mikro/agenda?q=Lama").get_data(as_text=True)
    assert "Sesi Lama" not in reader(app).get("/c/mikro/agenda?q=zzz").get_data(as_text=True)


def test_head_and_conditional_requests(micro_app, conf):
    app = micro_app(30)
    first = reader(app).get("/c/mikro/agenda")
    etag = first.headers["ETag"]
    head = reader(app).head("/c/mikro/agenda")
    assert head.status_code == 200 and head.data == b""
    again = reader(app).get("/c/mikro/agenda", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


def test_only_shared_successful_responses_are_stored(micro_app, conf):
    app = micro_app(30)
    stored = app.wsgi_app.entries  # the MicroCache in front of the app
    assert reader(app).get("/c/mikro/nowhere").status_code == 404
    assert reader(app).get("/healthz").status_code == 200
    assert reader(app).get("/login").status_code == 200  # a form: token and session cookie
    assert reader(app).get("/c/mikro/register").status_code in (200, 403, 404)
    assert stored == {}
    filled = reader(app).get("/c/mikro/agenda")
    assert [key[2] for key in stored] == ["/c/mikro/agenda"]
    served = reader(app).get("/c/mikro/agenda")
    # The request id of the visitor who filled the entry is not handed on.
    assert served.headers.get("X-Request-ID") != filled.headers.get("X-Request-ID")


def test_turned_off_with_zero_seconds(micro_app, conf, make):
    app = micro_app(0)
    assert "Sesi Lama" in reader(app).get("/c/mikro/agenda").get_data(as_text=True)
    republish(make, conf, "Sesi Baru")
    assert "Sesi Baru" in reader(app).get("/c/mikro/agenda").get_data(as_text=True)
