"""No overbooking under real concurrency, on SQLite and on PostgreSQL.

Two layers, both run on whichever database TEST_DATABASE_URL selects:

* services: 200 threads, each with its own app context (its own database
  connection and transaction), call `registration.services.register` at once;
* HTTP: a real threaded server (werkzeug, like tests/browser's live server)
  serving a second app on the same database, with 200 real POSTs of the public
  form fired from 50 client threads released together by a barrier;
* gunicorn: four worker processes on the same database, with the real
  configuration (CSRF on: each client fetches its form first, like a browser).

A 50-seat parallel session (its room holds 50), a conference with no capacity
→ exactly 50 confirmed choices and 150 waiting; a conference capacity of 50 →
50 confirmed registrations and 150 waiting; 20 simultaneous submits of one
e-mail (different form tokens) → one registration, the others refused.
"""
from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import threading
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from eventapp import create_app
from eventapp.agenda.models import AgendaSession, SessionKind
from eventapp.conferences.models import Conference
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.registration import services as reg
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus, SessionChoice

from ..conftest import app_config

WORKERS = 50  # client threads (and database connections) at once
CROWD = 200
SEATS = 50


# --- the conference ----------------------------------------------------------------------------


@pytest.fixture
def crowded(make):
    """A published conference whose one time slot has a 50-seat session (the
    room's capacity; everyone picks it) and a larger one beside it."""

    def build(capacity: int | None = None) -> dict:
        conference = make.conference(registration_capacity=capacity)
        small = make.session(conference, kind=SessionKind.PARALLEL,
                             room=make.room(conference, "Ruang Kecil", capacity=SEATS), title_id="Sesi Kecil")
        make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "Ruang Besar", capacity=500),
                     title_id="Sesi Besar")
        make.publish(conference)
        (slot,) = reg.choice_slots(conference)
        assert reg.session_capacity(small) == SEATS and small.capacity is None  # from the room
        return {"conference": conference.id, "slug": conference.slug, "key": slot.key, "session": small.id}

    return build


def in_parallel(count: int, task) -> list:
    """Run task(n) for n in range(count) from WORKERS threads; each group of
    threads is released together by a barrier so the calls really overlap."""
    barrier = threading.Barrier(min(count, WORKERS))

    def run(n: int):
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass  # the last, smaller group: go anyway
        return task(n)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(count)))


def outcome_counts(results: list) -> Counter:
    return Counter(results)


def check_session_result(data: dict, confirmed_registrations: int) -> None:
    """Exactly SEATS confirmed choices, the rest waiting, the counter right, no duplicates."""
    db.session.expire_all()
    registrations = db.session.scalar(select(func.count()).select_from(Registration)
                                      .where(Registration.conference_id == data["conference"]))
    assert registrations == CROWD
    distinct = db.session.scalar(select(func.count(func.distinct(Registration.email)))
                                 .where(Registration.conference_id == data["conference"]))
    assert distinct == CROWD
    statuses = Counter(db.session.scalars(select(SessionChoice.status)
                                          .where(SessionChoice.session_id == data["session"])))
    assert statuses == {ChoiceStatus.CONFIRMED: SEATS, ChoiceStatus.WAITING: CROWD - SEATS}
    session = db.session.get(AgendaSession, data["session"])
    assert session.seats_taken == SEATS
    # Every confirmed seat belongs to a confirmed registration.
    seated = db.session.scalar(
        select(func.count()).select_from(SessionChoice).join(Registration)
        .where(SessionChoice.session_id == data["session"], SessionChoice.status == ChoiceStatus.CONFIRMED,
               Registration.status == RegistrationStatus.CONFIRMED))
    assert seated == SEATS
    by_status = Counter(db.session.scalars(select(Registration.status)
                                           .where(Registration.conference_id == data["conference"])))
    assert by_status[RegistrationStatus.CONFIRMED] == confirmed_registrations


# --- through the services, one thread and transaction per registration ---------------------------


def register_in_thread(app, data: dict, email: str, slot: bool = True) -> str:
    """What one request does: its own app context, register, commit."""
    with app.app_context():
        try:
            conference = db.session.get(Conference, data["conference"])
            person = reg.Registrant(email=email, full_name=email.split("@")[0].title(), organisation="Lembaga",
                                    position="Staf")
            choices = {data["key"]: data["session"]} if slot else {}
            reg.register(conference, person, choices, client_token=secrets.token_urlsafe(16), consent=True)
            db.session.commit()
            return "registered"
        except DomainError as error:
            db.session.rollback()
            return f"refused:{error.field}"
        except Exception as error:  # noqa: BLE001 — the test reports what went wrong
            db.session.rollback()
            return f"error:{type(error).__name__}:{str(error).splitlines()[0][:120]}"
        finally:
            db.session.remove()


def test_200_at_once_for_a_50_seat_session(app, crowded):
    data = crowded()
    results = in_parallel(CROWD, lambda n: register_in_thread(app, data, f"peserta{n}@example.org"))
    assert outcome_counts(results) == {"registered": CROWD}
    check_session_result(data, confirmed_registrations=CROWD)
    # Waiting positions are 1…150, each once: a fair, gap-free queue.
    waiting = db.session.scalars(select(SessionChoice).where(SessionChoice.session_id == data["session"],
                                                             SessionChoice.status == ChoiceStatus.WAITING)).all()
    assert sorted(reg.choice_position(choice) for choice in waiting) == list(range(1, CROWD - SEATS + 1))


def test_200_at_once_for_a_50_seat_conference(app, crowded):
    data = crowded(capacity=SEATS)
    results = in_parallel(CROWD, lambda n: register_in_thread(app, data, f"peserta{n}@example.org"))
    assert outcome_counts(results) == {"registered": CROWD}
    db.session.expire_all()
    conference = db.session.get(Conference, data["conference"])
    assert conference.seats_taken == SEATS
    by_status = Counter(db.session.scalars(select(Registration.status)
                                           .where(Registration.conference_id == data["conference"])))
    assert by_status == {RegistrationStatus.CONFIRMED: SEATS, RegistrationStatus.WAITING: CROWD - SEATS}
    waiting = db.session.scalars(select(Registration).where(Registration.conference_id == data["conference"],
                                                            Registration.status == RegistrationStatus.WAITING)).all()
    assert sorted(reg.waiting_position(r) for r in waiting) == list(range(1, CROWD - SEATS + 1))
    # Only the 50 confirmed hold session seats; those waiting for the conference wait for the session too.
    session = db.session.get(AgendaSession, data["session"])
    assert session.seats_taken == SEATS
    statuses = Counter(db.session.scalars(select(SessionChoice.status)
                                          .where(SessionChoice.session_id == data["session"])))
    assert statuses == {ChoiceStatus.CONFIRMED: SEATS, ChoiceStatus.WAITING: CROWD - SEATS}


def test_20_simultaneous_submits_of_one_email_make_one_registration(app, crowded):
    data = crowded()
    results = in_parallel(20, lambda n: register_in_thread(app, data, "sama@example.org"))
    assert outcome_counts(results) == {"registered": 1, "refused:email": 19}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.get(AgendaSession, data["session"]).seats_taken == 1


# --- through real HTTP requests -----------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="module")
def http_server(database_url):
    """A threaded werkzeug server for a second app on the test database: one
    thread per request, a pool big enough for WORKERS connections, rate limits
    out of the way (they are tested elsewhere). CSRF is off in the test config;
    the benchmark (bench/registration_load.py) goes through it for real."""
    served = create_app(app_config(
        database_url,
        SERVER_NAME=None,
        REGISTRATION_RATE_LIMIT="100000 per minute",
        TOKEN_RATE_LIMIT="100000 per minute",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WORKERS, "max_overflow": 10, "pool_timeout": 60},
    ))
    server = make_server("127.0.0.1", 0, served, threaded=True, request_handler=QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, server.server_port
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with served.app_context():
        db.engine.dispose()


def needs_register_view(app) -> None:
    if "registration.register" not in app.view_functions:
        pytest.skip("the public registration form (registration.register) is not routed yet")


def post_registration(port: int, slug: str, fields: dict, pages: list | None = None) -> int:
    """POST the form (in English); the status, and the page appended to `pages` if given."""
    body = urllib.parse.urlencode(fields, doseq=True)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", f"/c/{slug}/register", body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})
        response = connection.getresponse()
        page = response.read().decode()
        if pages is not None:
            pages.append((response.status, page))
        return response.status
    finally:
        connection.close()


def form_fields(data: dict, email: str) -> dict:
    return {
        "full_name": email.split("@")[0].title(), "email": email, "organisation": "Lembaga", "position": "Staf",
        "sector": "civil_society", "gender": "not_stated", "language": "id", "consent": "y",
        "client_token": secrets.token_urlsafe(16), "website": "", f"slot-{data['key']}": str(data["session"]),
    }


def test_http_200_at_once_for_a_50_seat_session(app, http_server, crowded):
    needs_register_view(app)
    _served, port = http_server
    data = crowded()
    results = in_parallel(CROWD, lambda n: post_registration(port, data["slug"],
                                                             form_fields(data, f"peserta{n}@example.org")))
    assert outcome_counts(results) == {303: CROWD}, outcome_counts(results)
    check_session_result(data, confirmed_registrations=CROWD)


def test_http_200_at_once_for_a_50_seat_conference(app, http_server, crowded):
    needs_register_view(app)
    _served, port = http_server
    data = crowded(capacity=SEATS)
    results = in_parallel(CROWD, lambda n: post_registration(port, data["slug"],
                                                             form_fields(data, f"peserta{n}@example.org")))
    assert outcome_counts(results) == {303: CROWD}, outcome_counts(results)
    db.session.expire_all()
    assert db.session.get(Conference, data["conference"]).seats_taken == SEATS
    by_status = Counter(db.session.scalars(select(Registration.status)
                                           .where(Registration.conference_id == data["conference"])))
    assert by_status == {RegistrationStatus.CONFIRMED: SEATS, RegistrationStatus.WAITING: CROWD - SEATS}
    assert db.session.get(AgendaSession, data["session"]).seats_taken == SEATS


def test_http_20_submits_of_one_email_one_registration_the_rest_422(app, http_server, crowded):
    needs_register_view(app)
    _served, port = http_server
    data = crowded()
    pages: list = []
    results = in_parallel(20, lambda n: post_registration(port, data["slug"], form_fields(data, "sama@example.org"),
                                                          pages))
    assert outcome_counts(results) == {303: 1, 422: 19}, outcome_counts(results)
    # The refusal says so, next to the e-mail field, and offers to send the link again.
    refusals = [page for status, page in pages if status == 422]
    assert all("This e-mail address is already registered." in page and 'id="resend-link"' in page
               for page in refusals)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_http_double_click_same_form_token_is_one_registration(app, http_server, crowded):
    """The same form (same client token) posted 10 times at once — a double
    click, a retry: one row, and no one is refused."""
    needs_register_view(app)
    _served, port = http_server
    data = crowded()
    fields = form_fields(data, "dobel@example.org")
    results = in_parallel(10, lambda n: post_registration(port, data["slug"], fields))
    # The first goes to the manage page, the repeats to "received" (the link is in the e-mail).
    assert outcome_counts(results) == {303: 10}, outcome_counts(results)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


# --- through gunicorn: several processes, CSRF on ------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(database_url, tmp_path_factory):
    """`gunicorn -w 4 wsgi:app` against the test database, configured by the
    environment like production (rate limits raised, mail kept)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    binary = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not os.path.exists(binary):
        pytest.skip("gunicorn is not installed")
    port = free_port()
    log = open(tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-gunicorn-secret",
           "EVENTAPP_ENV": "development", "MAIL_DELIVERY": "keep", "REGISTRATION_RATE_LIMIT": "100000 per minute",
           "TOKEN_RATE_LIMIT": "100000 per minute", "BASE_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen([binary, "-w", "4", "-b", f"127.0.0.1:{port}", "--timeout", "120", "wsgi:app"],
                               cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with status {process.returncode}")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/")
                connection.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start within 60 s")
                time.sleep(0.2)
            finally:
                connection.close()
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


HIDDEN_RE = re.compile(r'<input[^>]*name="(csrf_token|client_token)"[^>]*value="([^"]*)"')


def fetch_form(port: int, slug: str) -> tuple[str, dict]:
    """GET the form like a browser: the session cookie and the hidden fields."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", f"/c/{slug}/register")
        response = connection.getresponse()
        page = response.read().decode()
        assert response.status == 200, response.status
        cookie = next(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") if c.startswith("session="))
        return cookie, dict(HIDDEN_RE.findall(page))
    finally:
        connection.close()


def post_with_cookie(port: int, slug: str, cookie: str, fields: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", f"/c/{slug}/register", body=urllib.parse.urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_gunicorn_200_at_once_for_a_50_seat_session_with_csrf(app, gunicorn, crowded):
    needs_register_view(app)
    data = crowded()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        forms = list(pool.map(lambda n: fetch_form(gunicorn, data["slug"]), range(CROWD)))
    assert all(hidden.get("csrf_token") and hidden.get("client_token") for _cookie, hidden in forms)

    def submit(n: int) -> int:
        cookie, hidden = forms[n]
        fields = {**form_fields(data, f"peserta{n}@example.org"), **hidden}
        return post_with_cookie(gunicorn, data["slug"], cookie, fields)

    results = in_parallel(CROWD, submit)
    assert outcome_counts(results) == {303: CROWD}, outcome_counts(results)
    check_session_result(data, confirmed_registrations=CROWD)
    # Without the form's CSRF token the same POST is refused, and writes nothing.
    cookie, _hidden = fetch_form(gunicorn, data["slug"])
    assert post_with_cookie(gunicorn, data["slug"], cookie, form_fields(data, "tanpa-token@example.org")) == 400
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == CROWD
