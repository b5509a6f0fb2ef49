"""Two app servers on one database (issue 9, item 6).

Two separate `gunicorn -w 2 wsgi:app` processes, on two ports, against the test
database (PostgreSQL when TEST_DATABASE_URL selects it, else the SQLite file),
configured by the environment like production (CSRF on, the same SECRET_KEY):

* 200 registrations posted at once, half through each server, for a 50-seat
  session in a conference of capacity 60 → exactly 50 seats, 60 confirmed
  registrations, the rest waiting, no duplicates, counters equal to the rows;
* a publish through server A (organiser signed in through A's /login) is seen
  by server B's public agenda on its next request.

gunicorn comes with the dev extra (`make test`): when it is missing the tests
skip locally and fail in CI (EVENTAPP_REQUIRE_CHECKERS=1).
"""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import AgendaSession
from eventapp.agenda.releases import latest_release
from eventapp.conferences.models import Conference
from eventapp.extensions import db
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus, SessionChoice

from .checkers import require
from .registration.test_concurrency import (
    CROWD,
    SEATS,
    WORKERS,
    crowded,  # noqa: F401 — the fixture
    fetch_form,
    form_fields,
    free_port,
    in_parallel,
    needs_register_view,
    outcome_counts,
    post_with_cookie,
)

CAPACITY = 60  # the conference's capacity: more than the session's 50 seats
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "test-two-servers-secret"


# --- the two servers ------------------------------------------------------------------------------


MICROCACHE_SECONDS = 1  # how long a cookie-less reader may see the previous release


def start_gunicorn(database_url: str, log, port: int) -> subprocess.Popen:
    binary = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
           "EVENTAPP_ENV": "development", "MAIL_DELIVERY": "keep", "REGISTRATION_RATE_LIMIT": "100000 per minute",
           "TOKEN_RATE_LIMIT": "100000 per minute", "BASE_URL": f"http://127.0.0.1:{port}",
           "PAGE_MICROCACHE_SECONDS": str(MICROCACHE_SECONDS)}
    return subprocess.Popen([binary, "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "120", "wsgi:app"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(process: subprocess.Popen, port: int, log_path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"gunicorn on port {port} exited with status {process.returncode}; see {log_path}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn on port {port} did not start within 60 s; see {log_path}")
            time.sleep(0.2)
        finally:
            connection.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def two_servers(database_url, tmp_path_factory, request):
    """Ports (A, B) of two gunicorn processes (2 workers each) on one database."""
    binary = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    require(os.path.exists(binary), "gunicorn")
    folder = tmp_path_factory.mktemp("two-servers")
    started: list[tuple[subprocess.Popen, object]] = []

    def finish() -> None:  # runs whatever happened: stop both servers, close the logs
        for process, log in started:
            stop(process)
            log.close()

    request.addfinalizer(finish)
    ports = []
    for name in ("a", "b"):
        port = free_port()
        path = folder / f"gunicorn-{name}.log"
        log = open(path, "wb")  # noqa: SIM115 — closed by the finaliser
        process = start_gunicorn(database_url, log, port)
        started.append((process, log))
        wait_until_up(process, port, path)
        ports.append(port)
    return tuple(ports)


# --- a small browser: cookies and hidden fields ----------------------------------------------------


CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]*)"')


class Browser:
    """One visitor on one server: keeps the cookies, does not follow redirects."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Accept-Language": "id"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name] = value
            return response.status, dict(response.headers), page
        finally:
            connection.close()

    def csrf(self, path: str) -> str:
        status, _headers, page = self.request("GET", path)
        assert status == 200, (path, status)
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)


# --- (a) registrations through both servers never overbook ------------------------------------------


def test_200_registrations_through_two_servers_never_overbook(app, two_servers, crowded):  # noqa: F811
    needs_register_view(app)
    port_a, port_b = two_servers
    data = crowded(capacity=CAPACITY)
    ports = [port_a if n % 2 == 0 else port_b for n in range(CROWD)]  # half through each server

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        forms = list(pool.map(lambda n: fetch_form(ports[n], data["slug"]), range(CROWD)))
    assert all(hidden.get("csrf_token") and hidden.get("client_token") for _cookie, hidden in forms)

    def submit(n: int) -> int:
        cookie, hidden = forms[n]
        fields = {**form_fields(data, f"peserta{n}@example.org"), **hidden}
        return post_with_cookie(ports[n], data["slug"], cookie, fields)

    results = in_parallel(CROWD, submit)
    assert outcome_counts(results) == {303: CROWD}, outcome_counts(results)

    db.session.expire_all()
    conference_id, session_id = data["conference"], data["session"]
    # One row per person: no duplicates.
    rows = db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.conference_id == conference_id))
    emails = db.session.scalar(select(func.count(func.distinct(Registration.email)))
                               .where(Registration.conference_id == conference_id))
    assert rows == emails == CROWD
    choices = db.session.scalar(select(func.count()).select_from(SessionChoice)
                                .where(SessionChoice.session_id == session_id))
    choosers = db.session.scalar(select(func.count(func.distinct(SessionChoice.registration_id)))
                                 .where(SessionChoice.session_id == session_id))
    assert choices == choosers == CROWD
    # The conference: exactly 60 confirmed, the rest waiting; the counter equals the rows.
    by_status = Counter(db.session.scalars(select(Registration.status)
                                           .where(Registration.conference_id == conference_id)))
    assert by_status == {RegistrationStatus.CONFIRMED: CAPACITY, RegistrationStatus.WAITING: CROWD - CAPACITY}
    assert db.session.get(Conference, conference_id).seats_taken == CAPACITY
    # The session: exactly 50 seats, all held by confirmed registrations; the counter equals the rows.
    statuses = Counter(db.session.scalars(select(SessionChoice.status).where(SessionChoice.session_id == session_id)))
    assert statuses == {ChoiceStatus.CONFIRMED: SEATS, ChoiceStatus.WAITING: CROWD - SEATS}
    assert db.session.get(AgendaSession, session_id).seats_taken == SEATS
    seated = db.session.scalar(
        select(func.count()).select_from(SessionChoice).join(Registration)
        .where(SessionChoice.session_id == session_id, SessionChoice.status == ChoiceStatus.CONFIRMED,
               Registration.status == RegistrationStatus.CONFIRMED))
    assert seated == SEATS
    # Both servers did their share.
    assert Counter(ports) == {port_a: CROWD // 2, port_b: CROWD // 2}


# --- (b) a publish on one server is seen by the other -----------------------------------------------


def test_publish_through_server_a_is_seen_by_server_b(two_servers, make):
    port_a, port_b = two_servers
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0), title_id="Sesi Pembukaan", title_en="Opening")
    make.publish(conference)
    organiser = make.organiser(conference)
    slug = conference.slug
    agenda = f"/c/{slug}/agenda"

    # B shows the first release (and has rendered — and cached — it), to a reader
    # without cookies (micro-cached) and to a visitor who chose a language (a session).
    reader = Browser(port_b)
    assert "Sesi Pembukaan" in reader.request("GET", agenda)[2]
    assert not reader.cookies  # nothing personal on a public page
    visitor = Browser(port_b)
    assert visitor.request("GET", f"/language/id?next={agenda}")[0] == 303 and "session" in visitor.cookies
    status, _headers, page = visitor.request("GET", agenda)
    assert status == 200 and "Sesi Pembukaan" in page and "Sesi Baru Lintas Server" not in page
    status, _headers, page = visitor.request("GET", f"/c/{slug}")
    assert status == 200 and "Sesi Baru Lintas Server" not in page

    # A new session in the draft: nothing public changes until it is published.
    make.session(conference, (10, 30), (11, 30), title_id="Sesi Baru Lintas Server", title_en="Cross-server")
    status, _headers, page = visitor.request("GET", agenda)
    assert status == 200 and "Sesi Baru Lintas Server" not in page

    # The organiser signs in through A's form (CSRF on) and publishes through A.
    browser = Browser(port_a)
    token = browser.csrf("/login")
    status, headers, _page = browser.request("POST", "/login", {
        "csrf_token": token, "email": organiser.email, "password": make.TEST_PASSWORD, "next": ""})
    assert status == 303, status
    # Without the token the publish is refused and nothing is published.
    status, _headers, _page = browser.request("POST", f"/manage/{slug}/releases", {"note": "tanpa token"})
    assert status == 400
    token = browser.csrf(f"/manage/{slug}/releases")
    status, headers, _page = browser.request("POST", f"/manage/{slug}/releases",
                                             {"csrf_token": token, "note": "Rilis lintas server"})
    assert status == 303 and headers["Location"].endswith(f"/manage/{slug}/releases"), (status, headers)
    db.session.expire_all()
    assert latest_release(db.session.get(Conference, conference.id)).number == 2

    # B's very next request shows it to the visitor, on the agenda and on the conference page…
    published = time.monotonic()
    status, _headers, page = visitor.request("GET", agenda)
    assert status == 200 and "Sesi Baru Lintas Server" in page and "Sesi Pembukaan" in page
    status, _headers, page = visitor.request("GET", f"/c/{slug}")
    assert status == 200 and "Sesi Baru Lintas Server" in page
    # …and, within the micro-cache's lifetime, to cookie-less readers of A and B.
    for port in (port_a, port_b):
        while "Sesi Baru Lintas Server" not in Browser(port).request("GET", agenda)[2]:
            assert time.monotonic() - published < MICROCACHE_SECONDS + 2, "stale after the micro-cache expired"
            time.sleep(0.1)
