"""Load benchmark: registrations per second through gunicorn on PostgreSQL, and
the check-in desk's lookup latency with 20,000 registrations.

Creates a PostgreSQL database (its name must start with "bench"; it is dropped
again at the end), builds a published conference with parallel-session slots
(one slot of small 40-seat rooms that fill up during the run, so waiting lists
are exercised) and bulk-inserts --registrations confirmed registrations with
their session choices. Starts `gunicorn -w --workers wsgi:app` on a free
loopback port with the real configuration (CSRF on), then:

(a) registrations: --clients threads each GET the form (CSRF token, form
    token, cookie) and POST a registration with a random session per slot,
    for --duration seconds. Afterwards the database is checked: no session
    over its capacity, the seat counters equal the confirmed choices, no
    e-mail registered twice.
(b) check-in lookup: an organiser signs in and --desk-clients threads GET
    /manage/<slug>/checkin?q=… by family name, by e-mail and by ticket code.

Prints one table: requests/s, p50 ms, p99 ms, errors. gunicorn is stopped and
the database dropped in every case.

    .venv/bin/python bench/registration_load.py [--postgres-url URL] [--clients 16] [--duration 20]
        [--registrations 20000] [--workers 4] [--keep-database]
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import tempfile
import threading
import time
import urllib.parse
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from common import (  # noqa: E402  (also puts the project on sys.path)
    CLIENT_TOKEN_RE,
    CSRF_RE,
    HOST,
    SECRET,
    FAMILY,
    Browser,
    field_value,
    gunicorn,
    person_name,
    pg_admin_url,
    recreate_database,
)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.accounts.services import create_organiser  # noqa: E402
from eventapp.agenda.models import AgendaSession, SessionKind  # noqa: E402
from eventapp.agenda.releases import publish  # noqa: E402
from eventapp.conferences.models import Conference, ConferenceStatus  # noqa: E402
from eventapp.conferences.services import add_room, add_venue, create_conference  # noqa: E402
from eventapp.db_types import utcnow  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.people.models import Gender, Sector  # noqa: E402
from eventapp.registration.models import (  # noqa: E402
    ChoiceStatus,
    Registration,
    RegistrationStatus,
    SessionChoice,
)
from eventapp.registration.services import new_ticket_code, slot_key  # noqa: E402

SLUG = "bench-registration"
DAY = date(2027, 11, 25)
ZONE = ZoneInfo("Asia/Jakarta")
ORGANISER, PASSWORD = "panitia@bench.example", "benchmark password"
SMALL_ROOM = 40  # the first slot's rooms fill up during the run

# --- the database ------------------------------------------------------------------------------


def build(count: int) -> dict:
    """The conference, its parallel sessions (published), an organiser and
    `count` confirmed registrations with a choice in each of the big slots."""
    conference = create_conference(slug=SLUG, title_id="Konferensi Pendaftaran", title_en="Registration conference",
                                   starts_on=DAY, ends_on=DAY + timedelta(days=1))
    conference.status = ConferenceStatus.PUBLISHED
    conference.contact_email = ORGANISER
    venue = add_venue(conference, "Hotel")
    small_rooms = [add_room(venue, f"Ruang Kecil {n}", SMALL_ROOM) for n in range(3)]
    big_rooms = [add_room(venue, f"Aula {n}", count) for n in range(3)]
    slots: list[list[AgendaSession]] = []
    for index, rooms in enumerate([small_rooms, big_rooms, big_rooms, big_rooms]):
        start = datetime.combine(DAY + timedelta(days=index // 2), clock(9 + 2 * (index % 2)), tzinfo=ZONE)
        slot = [AgendaSession(conference=conference, title_id=f"Sesi {index}.{k}", title_en=f"Session {index}.{k}",
                              kind=SessionKind.PARALLEL, room=room, starts_at=start,
                              ends_at=start + timedelta(minutes=90))
                for k, room in enumerate(rooms)]
        db.session.add_all(slot)
        slots.append(slot)
    db.session.flush()
    publish(conference, note="benchmark")
    create_organiser(ORGANISER, PASSWORD, [conference])
    db.session.flush()

    now = utcnow()
    sectors, genders = list(Sector), list(Gender)
    rows = [{
        "conference_id": conference.id, "email": f"peserta{n}@bench.example", "full_name": person_name(n),
        "organisation": f"Lembaga {n % 300}", "position": "Staf", "sector": sectors[n % len(sectors)],
        "gender": genders[n % len(genders)], "language": "id", "status": RegistrationStatus.CONFIRMED,
        "ticket_code": new_ticket_code(), "consented_at": now, "created_at": now, "updated_at": now,
        "province": "Jawa Barat", "need_step_free": n % 40 == 0,
    } for n in range(count)]
    for start in range(0, count, 5000):
        db.session.execute(insert(Registration), rows[start:start + 5000])
    ids = db.session.scalars(select(Registration.id).where(Registration.conference_id == conference.id)
                             .order_by(Registration.id)).all()
    choices, seats = [], {}
    for position, registration_id in enumerate(ids):
        for slot in slots[1:]:
            session = slot[position % len(slot)]
            seats[session.id] = seats.get(session.id, 0) + 1
            choices.append({"registration_id": registration_id, "session_id": session.id,
                            "slot_starts_at": session.starts_at, "status": ChoiceStatus.CONFIRMED,
                            "created_at": now})
    for start in range(0, len(choices), 10000):
        db.session.execute(insert(SessionChoice), choices[start:start + 10000])
    for session_id, taken in seats.items():
        db.session.get(AgendaSession, session_id).seats_taken = taken
    conference.seats_taken = count
    db.session.commit()
    sample = random.Random(7).sample(range(count), 50)
    codes = db.session.scalars(select(Registration.ticket_code).where(
        Registration.email.in_([f"peserta{n}@bench.example" for n in sample]))).all()
    return {"slots": [[s.id for s in slot] for slot in slots],
            "keys": [slot_key(slot[0].starts_at) for slot in slots],
            "codes": codes, "sample": sample}


# --- load --------------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.statuses: dict[int | str, int] = {}
        self.lock = threading.Lock()

    def add(self, elapsed: float, status: int | str, ok: bool) -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.errors += not ok
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def row(self, name: str, wall: float) -> str:
        values = sorted(self.latencies)

        def percentile(p: float) -> float:
            return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")

        rate = len(values) / wall if wall else 0.0
        return (f"{name:<44} {len(values):>7} {rate:>8.1f} {percentile(0.5):>8.1f} {percentile(0.99):>8.1f} "
                f"{self.errors:>7}")


def run_clients(clients: int, duration: float, work) -> float:
    deadline = time.monotonic() + duration
    barrier = threading.Barrier(clients)

    def loop(index: int) -> None:
        barrier.wait()
        count = 0
        while time.monotonic() < deadline:
            work(index, count)
            count += 1

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def timed(stats: Stats, call, ok_statuses: set[int]):
    started = time.perf_counter()
    try:
        status, page = call()
    except (OSError, http.client.HTTPException) as error:
        stats.add(time.perf_counter() - started, type(error).__name__, False)
        return None, ""
    stats.add(time.perf_counter() - started, status, status in ok_statuses)
    return status, page


def registrations(port: int, built: dict, clients: int, duration: float, timeout: float) -> tuple[Stats, Stats, float]:
    form_stats, post_stats = Stats(), Stats()
    run_id = f"{int(time.time())}"

    def work(index: int, count: int) -> None:
        rng = random.Random(f"{index}-{count}")
        visitor = Browser(port, timeout)
        status, page = timed(form_stats, lambda: visitor.request("GET", f"/c/{SLUG}/register"), {200})
        if status != 200:
            return
        try:
            csrf, client_token = field_value(CSRF_RE, page), field_value(CLIENT_TOKEN_RE, page)
        except ValueError:
            form_stats.add(0.0, "no token", False)
            return
        fields = {
            "csrf_token": csrf, "client_token": client_token, "website": "",
            "full_name": f"Pendaftar {index}-{count}", "email": f"load-{run_id}-{index}-{count}@bench.example",
            "organisation": "Lembaga Beban", "position": "Staf", "sector": rng.choice(list(Sector)).value,
            "gender": "not_stated", "language": "id", "consent": "y",
        }
        for key, slot in zip(built["keys"], built["slots"], strict=True):
            fields[f"slot-{key}"] = str(rng.choice(slot))
        timed(post_stats, lambda: visitor.request("POST", f"/c/{SLUG}/register", fields), {303})

    wall = run_clients(clients, duration, work)
    return form_stats, post_stats, wall


def sign_in(port: int, timeout: float) -> Browser:
    return Browser(port, timeout).sign_in(ORGANISER, PASSWORD)


def lookups(port: int, built: dict, clients: int, duration: float, timeout: float) -> list[tuple[str, Stats, float]]:
    organiser = sign_in(port, timeout)
    results = []
    searches = {
        "desk: by family name (many matches)": [FAMILY[n % len(FAMILY)] for n in range(50)],
        "desk: by full e-mail": [f"peserta{n}@bench.example" for n in built["sample"]],
        "desk: by ticket code": list(built["codes"]),
    }
    for name, terms in searches.items():
        stats = Stats()

        def work(index: int, count: int, terms=terms, stats=stats) -> None:
            term = terms[(index * 7 + count) % len(terms)]
            url = f"/manage/{SLUG}/checkin?" + urllib.parse.urlencode({"q": term})
            visitor = Browser(port, timeout)
            visitor.cookie = organiser.cookie
            status, page = timed(stats, lambda: visitor.request("GET", url), {200})
            if status == 200 and term not in page and "@" in term:
                stats.add(0.0, "not found", False)  # the person must be on the page

        results.append((name, stats, run_clients(clients, duration, work)))
    return results


def verify(app) -> list[str]:
    """After the run: the promises that must hold whatever the load."""
    problems = []
    with app.app_context():
        conference = db.session.scalar(select(Conference).where(Conference.slug == SLUG))
        sessions = db.session.scalars(select(AgendaSession).where(AgendaSession.conference_id == conference.id)).all()
        for session in sessions:
            confirmed = db.session.scalar(select(func.count()).select_from(SessionChoice).where(
                SessionChoice.session_id == session.id, SessionChoice.status == ChoiceStatus.CONFIRMED))
            capacity = session.effective_capacity
            if capacity is not None and confirmed > capacity:
                problems.append(f"session {session.id}: {confirmed} confirmed for {capacity} seats")
            if confirmed != session.seats_taken:
                problems.append(f"session {session.id}: counter {session.seats_taken}, confirmed {confirmed}")
        duplicates = db.session.scalar(select(func.count()).select_from(
            select(Registration.email).where(Registration.conference_id == conference.id)
            .group_by(Registration.email).having(func.count() > 1).subquery()))
        if duplicates:
            problems.append(f"{duplicates} e-mail addresses registered more than once")
        db.engine.dispose()
    return problems


def small_room_state(app, built: dict) -> str:
    with app.app_context():
        parts = []
        for session_id in built["slots"][0]:
            statuses = dict(db.session.execute(
                select(SessionChoice.status, func.count()).where(SessionChoice.session_id == session_id)
                .group_by(SessionChoice.status)).all())
            parts.append(f"{statuses.get(ChoiceStatus.CONFIRMED, 0)}/{SMALL_ROOM} seated, "
                         f"{statuses.get(ChoiceStatus.WAITING, 0)} waiting")
        total = db.session.scalar(select(func.count()).select_from(Registration))
        db.engine.dispose()
    return f"{total} registrations; 40-seat sessions: " + "; ".join(parts)


# --- gunicorn ------------------------------------------------------------------------------------


def warm_up(port: int, workers: int, timeout: float) -> None:
    """A few requests first, so every worker has imported and compiled its templates."""
    organiser = sign_in(port, timeout)
    for _ in range(3 * workers):
        Browser(port, timeout).request("GET", f"/c/{SLUG}/register")
        organiser.request("GET", f"/manage/{SLUG}/checkin?q=Wijaya")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_registration"),
        help="database to create and drop (name must start with 'bench')")
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=16, help="concurrent registering clients (default 16)")
    parser.add_argument("--desk-clients", type=int, default=4,
                        help="check-in desks searching at once (default 4)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per measurement (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")
    args = parser.parse_args()
    url = args.postgres_url
    pg_admin_url(url)  # refuse a wrong name before anything else

    recreate_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False,
                          "MAIL_DELIVERY": "keep"})
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            built = build(args.registrations)
            db.engine.dispose()
        print(f"built {args.registrations} registrations in {time.perf_counter() - started:.1f} s "
              f"(PostgreSQL {make_url(url).database})")

        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "EVENTAPP_ENV": "development",
               "MAIL_DELIVERY": "keep", "REGISTRATION_RATE_LIMIT": "1000000 per minute",
               "TOKEN_RATE_LIMIT": "1000000 per minute"}
        with gunicorn("wsgi:app", env, workdir / "gunicorn.log", args.workers, f"/c/{SLUG}",
                      config=False) as port:
            print(f"gunicorn -w {args.workers} on {HOST}:{port}; {args.clients} registering clients, "
                  f"{args.desk_clients} desks, {args.duration:.0f} s per measurement, {os.cpu_count()} CPUs")
            warm_up(port, args.workers, args.timeout)
            form_stats, post_stats, wall = registrations(port, built, args.clients, args.duration, args.timeout)
            desk = lookups(port, built, args.desk_clients, args.duration, args.timeout)

        print()
        print(f"{'measurement':<44} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        print(form_stats.row("GET  /c/<slug>/register (form)", wall))
        print(post_stats.row("POST /c/<slug>/register (registration)", wall))
        for name, stats, desk_wall in desk:
            print(stats.row(name, desk_wall))
        for label, stats in [("form", form_stats), ("registration", post_stats)] + [(n, s) for n, s, _ in desk]:
            if stats.errors:
                print(f"  {label}: statuses {stats.statuses}")
        print()
        print(small_room_state(app, built))
        problems = verify(app)
        print("verified: no session over capacity, seat counters match, no duplicate e-mail" if not problems
              else "PROBLEMS:\n  " + "\n  ".join(problems))
        if problems:
            raise SystemExit(1)
    finally:
        if not args.keep_database:
            recreate_database(url, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    main()
