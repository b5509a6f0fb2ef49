"""Load benchmark: the public pages, exports and JSON API of a big published agenda
served by gunicorn.

Builds a conference of 3 days, 12 rooms, 600 sessions and 900 people in a
throw-away database (a temporary SQLite file, or --database-url — whose tables
are DROPPED), publishes it as v1, starts `gunicorn -w 2 wsgi:app` on a free
loopback port, and for each public URL sends N requests from K client threads.
Prints URL, requests/s, p50 ms, p99 ms and errors; asserts nothing. gunicorn is
stopped in every case.

    .venv/bin/python bench/agenda_load.py [--database-url URL] [--requests 200] [--concurrency 4]
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from eventapp import create_app
from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from eventapp.agenda.releases import publish
from eventapp.conferences.models import ConferenceStatus
from eventapp.conferences.services import (
    add_room,
    add_sub_theme,
    add_venue,
    create_conference,
)
from eventapp.extensions import db
from eventapp.people.models import Person

SLUG = "bench-load"
DAY = date(2026, 11, 25)
ZONE = ZoneInfo("Asia/Jakarta")
HOST = "127.0.0.1"
SECRET = "bench-secret-not-for-production"


def build() -> tuple[int, int]:
    """The big agenda (like tests/agenda/test_builder.py big_conference +
    add_parallel_sessions), published; returns (a session id, a person id)."""
    conference = create_conference(slug=SLUG, title_id="Konferensi Beban", title_en="Load conference",
                                   starts_on=DAY, ends_on=DAY + timedelta(days=2))
    conference.status = ConferenceStatus.PUBLISHED
    venue = add_venue(conference, "Hotel")
    rooms = [add_room(venue, f"Ruang {n:02d}", 200) for n in range(12)]
    themes = [add_sub_theme(conference, f"T{n}", f"Tema {n}", f"Theme {n}") for n in range(5)]
    people = [Person(conference=conference, full_name=f"Orang {n}", organisation="Lembaga",
                     bio_id=f"Bio {n}", bio_en=f"Bio {n}") for n in range(900)]
    db.session.add_all(people)
    sessions, roles = [], []
    for day in range(3):  # one opening per day takes every room
        start = datetime.combine(DAY + timedelta(days=day), clock(7), tzinfo=ZONE)
        sessions.append(AgendaSession(conference=conference, title_id=f"Pembukaan {day}",
                                      title_en=f"Opening {day}", kind=SessionKind.OPENING,
                                      spans_all_rooms=True, starts_at=start, ends_at=start + timedelta(hours=1)))
    for k in range(600):
        start = (datetime.combine(DAY + timedelta(days=k % 3), clock(8), tzinfo=ZONE)
                 + timedelta(minutes=30 * (k // 36)))
        session = AgendaSession(conference=conference, title_id=f"Sesi {k}", title_en=f"Session {k}",
                                abstract_id="Ringkasan " * 20, abstract_en="Abstract " * 20,
                                kind=SessionKind.PARALLEL, room=rooms[(k // 3) % 12], sub_theme=themes[k % 5],
                                starts_at=start, ends_at=start + timedelta(minutes=30))
        sessions.append(session)
        for position, (offset, kind) in enumerate(
            [(0, RoleKind.SPEAKER), (1, RoleKind.SPEAKER), (2, RoleKind.MODERATOR)]
        ):
            roles.append(SessionRole(session=session, person=people[(3 * k + offset) % 900],
                                     role=kind, position=position))
    db.session.add_all(sessions)
    db.session.add_all(roles)
    db.session.flush()
    publish(conference, note="benchmark")
    db.session.commit()
    return sessions[3].id, people[0].id


def candidate_urls(app, session_id: int, person_id: int) -> list[str]:
    """The always-present URLs, then the others only if the app routes them."""
    urls = [f"/c/{SLUG}", f"/api/v1/conferences/{SLUG}/sessions"]
    optional = [f"/c/{SLUG}/agenda", f"/c/{SLUG}/sessions/{session_id}", f"/c/{SLUG}/speakers/{person_id}",
                f"/c/{SLUG}/agenda.ics", f"/c/{SLUG}/schedule.xml", f"/c/{SLUG}/schedule.json"]
    adapter = app.url_map.bind("localhost")
    for url in optional:
        try:
            adapter.match(url, method="GET")
        except HTTPException:
            continue  # not routed (yet): skip it
        urls.append(url)
    return urls


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fetch(port: int, url: str, timeout: float) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", url, headers={"Accept-Language": "id"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_up(port: int, url: str, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            if fetch(port, url, 2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {limit:.0f} s")


def load(port: int, url: str, requests: int, concurrency: int, timeout: float, budget: float):
    """`requests` GETs from `concurrency` threads; stops early after `budget` seconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + budget

    def worker() -> None:
        nonlocal errors
        while True:
            with lock:
                if remaining[0] == 0 or time.monotonic() > deadline:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                ok = fetch(port, url, timeout) == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return len(latencies) / wall if wall else 0.0, percentile(0.50), percentile(0.99), errors, len(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a throw-away database (its tables are dropped); "
                                               "default: a temporary SQLite file")
    parser.add_argument("--requests", type=int, default=200, help="requests per URL (default 200)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request (default 30)")
    parser.add_argument("--budget", type=float, default=120, help="at most this many seconds per URL")
    args = parser.parse_args()
    requests, concurrency = max(1, min(args.requests, 10_000)), max(1, min(args.concurrency, 64))

    workdir = tempfile.mkdtemp(prefix="eventapp-bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False})
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        session_id, person_id = build()
        db.engine.dispose()
    urls = candidate_urls(app, session_id, person_id)
    print(f"database: {url.split(':')[0]}; built and published 600 sessions in "
          f"{time.perf_counter() - started:.1f} s")

    port = free_port()
    log = open(Path(workdir) / "gunicorn.log", "wb")  # noqa: SIM115  (closed in finally)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"{HOST}:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port, urls[0], process)
        print(f"gunicorn -w 2 on {HOST}:{port}; {requests} requests per URL, {concurrency} client threads")
        print(f"{'URL':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for target in urls:
            fetch(port, target, args.timeout)  # warm up each worker a little
            rate, p50, p99, errors, sent = load(port, target, requests, concurrency, args.timeout, args.budget)
            note = "" if sent == requests else f"  (stopped after {sent} requests: time budget)"
            print(f"{target:<48} {rate:>8.1f} {p50:>8.1f} {p99:>8.1f} {errors:>7}{note}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if args.database_url is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
