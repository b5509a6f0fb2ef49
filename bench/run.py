"""`make bench`: the biggest national conference under load, in one table.

Builds into a throw-away PostgreSQL database (its name must start with
"bench"; dropped at the end) a published conference of 3 days, 12 rooms,
600 parallel sessions (+ 3 plenary openings), 900 speakers, 5,000 invitations
and 20,000 confirmed registrations. Starts the app as in production
(`gunicorn -c gunicorn.conf.py wsgi:app`, EVENTAPP_ENV=production, JSON logs)
with --workers workers on a free loopback port, and beside it a minimal WSGI
app (bench/ceiling.py) that returns the agenda page's bytes: the ceiling of
what gunicorn can serve on this machine. Then each target gets --duration
seconds of `wrk` (a C HTTP load generator; -t2 -c--connections) and the table
shows requests/s, p50 and p99 latency, failures (non-2xx/3xx or socket
errors) and each target's share of the ceiling's requests/s:

  agenda page, a session page, a person page, schedule XML, iCal (anonymous,
  served from the per-release cache after the first request), the organiser's
  builder (signed in: never cached), the registration POST (every request a
  new registrant choosing two parallel sessions that fill up during the run),
  and the check-in desk (signed in): a ticket code as the QR scanner types it,
  and a family name with about a thousand matches.

Also measured, in-process: the uncached agenda render (cache off, median and
p90 of --renders renders) and the query plans of every statement the measured
pages run (EXPLAIN on PostgreSQL; a sequential scan of a big table is flagged).
After the load the database is checked: no session over its capacity, seat
counters equal to the confirmed choices, no e-mail registered twice; the
script exits with status 1 otherwise.

    .venv/bin/python bench/run.py [--duration 10] [--connections 8] [--workers 4]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_run] [--redis]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from common import (
    CLIENT_TOKEN_RE,
    CSRF_RE,
    HOST,
    ROOT,
    SECRET,
    Browser,
    field_value,
    gunicorn,
    person_name,
    pg_admin_url,
    recreate_database,
)
from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import make_url

from eventapp import create_app
from eventapp.accounts.services import create_organiser
from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from eventapp.agenda.releases import publish
from eventapp.conferences.models import Conference, ConferenceStatus
from eventapp.conferences.services import add_room, add_sub_theme, add_venue, create_conference
from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.invitations.models import Invitation, InvitationKind, InvitationStatus
from eventapp.people.models import Gender, Person, Sector
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus, SessionChoice
from eventapp.registration.services import new_ticket_code, slot_key

SLUG = "nasional"
DAY = date(2027, 11, 24)
ZONE = ZoneInfo("Asia/Jakarta")
ORGANISER, PASSWORD = "panitia@bench.example", "benchmark password"
ROOM_SEATS = 200
SEATED_EARLY = 2000  # registrations already holding seats in the first two slots (167 of 200 each)
BIG_TABLES = {"registration", "session_choice", "invitation", "invitation_token", "person",
              "agenda_session", "session_role", "mail_message", "check_in"}

# Pages whose queries are explained though not loaded: the organisers' searches.
PLAN_ONLY = [(f"/manage/{SLUG}/registrations?q=wijaya", True), (f"/manage/{SLUG}/registrations", True),
             (f"/manage/{SLUG}/invitations?q=siregar", True), (f"/manage/{SLUG}/invitations", True),
             (f"/manage/{SLUG}/checkin?q=peserta1234%40bench.example", True)]


# --- the large conference ------------------------------------------------------------------------


def build(registrations: int, invitations: int) -> dict:
    conference = create_conference(slug=SLUG, title_id="Konferensi Nasional Pengarusutamaan Gender",
                                   title_en="National Gender Mainstreaming Conference",
                                   starts_on=DAY, ends_on=DAY + timedelta(days=2))
    conference.status = ConferenceStatus.PUBLISHED
    conference.contact_email = ORGANISER
    venue = add_venue(conference, "Hotel Bidakara")
    rooms = [add_room(venue, f"Ruang {n + 1:02d}", ROOM_SEATS) for n in range(12)]
    themes = [add_sub_theme(conference, f"T{n + 1}", f"Subtema {n + 1}", f"Sub-theme {n + 1}") for n in range(5)]
    people = [Person(conference=conference, full_name=person_name(n), organisation=f"Lembaga {n % 120}",
                     position="Direktur", bio_id="Pegiat kesetaraan gender. " * 6,
                     bio_en="Gender equality advocate. " * 6, gender=list(Gender)[n % 3],
                     email=f"pembicara{n}@bench.example") for n in range(900)]
    db.session.add_all(people)
    sessions, roles = [], []
    for day in range(3):  # a plenary opening per day, in every room
        start = datetime.combine(DAY + timedelta(days=day), clock(7), tzinfo=ZONE)
        sessions.append(AgendaSession(conference=conference, title_id=f"Pleno pembukaan hari {day + 1}",
                                      title_en=f"Opening plenary, day {day + 1}", kind=SessionKind.OPENING,
                                      spans_all_rooms=True, starts_at=start, ends_at=start + timedelta(hours=1)))
    for k in range(600):  # 12 rooms × 50 half-hour slots over three days
        start = (datetime.combine(DAY + timedelta(days=k % 3), clock(8), tzinfo=ZONE)
                 + timedelta(minutes=30 * (k // 36)))
        session = AgendaSession(conference=conference, title_id=f"Sesi paralel {k + 1}",
                                title_en=f"Parallel session {k + 1}", abstract_id="Ringkasan sesi. " * 20,
                                abstract_en="Session abstract. " * 20, kind=SessionKind.PARALLEL,
                                room=rooms[(k // 3) % 12], sub_theme=themes[k % 5],
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
    create_organiser(ORGANISER, PASSWORD, [conference])
    db.session.flush()

    now = utcnow()
    sectors, genders = list(Sector), list(Gender)
    statuses = [InvitationStatus.PENDING, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED]
    db.session.execute(insert(Invitation), [{
        "conference_id": conference.id, "kind": InvitationKind.DELEGATE, "target": "delegate",
        "status": statuses[n % 3], "email": f"undangan{n}@bench.example", "full_name": person_name(n + 3),
        "honorific": "", "position": "Kepala Dinas", "organisation": f"Pemerintah Daerah {n % 514}",
        "sector": sectors[n % len(sectors)], "gender": genders[n % len(genders)], "language": "id",
        "reserved_seat": False, "message": "", "respond_by": now + timedelta(days=30), "response_note": "",
        "sent_count": 1, "reminder_count": 0, "created_at": now,
    } for n in range(invitations)])

    rows = [{
        "conference_id": conference.id, "email": f"peserta{n}@bench.example", "full_name": person_name(n),
        "organisation": f"Lembaga {n % 300}", "position": "Staf", "sector": sectors[n % len(sectors)],
        "gender": genders[n % len(genders)], "language": "id", "status": RegistrationStatus.CONFIRMED,
        "ticket_code": new_ticket_code(), "consented_at": now, "created_at": now, "updated_at": now,
        "province": "Jawa Barat", "need_step_free": n % 40 == 0,
    } for n in range(registrations)]
    for start in range(0, registrations, 5000):
        db.session.execute(insert(Registration), rows[start:start + 5000])
    ids = db.session.scalars(select(Registration.id).where(Registration.conference_id == conference.id)
                             .order_by(Registration.id).limit(SEATED_EARLY)).all()
    parallel = sessions[3:]
    first_slots = [[s for s in parallel if s.starts_at == moment]
                   for moment in sorted({s.starts_at for s in parallel})[:2]]
    choices = []
    for position, registration_id in enumerate(ids):
        for slot in first_slots:
            session = slot[position % len(slot)]
            session.seats_taken += 1
            choices.append({"registration_id": registration_id, "session_id": session.id,
                            "slot_starts_at": session.starts_at, "status": ChoiceStatus.CONFIRMED,
                            "created_at": now})
    db.session.execute(insert(SessionChoice), choices)
    conference.seats_taken = registrations
    db.session.commit()
    code = db.session.scalar(select(Registration.ticket_code).where(Registration.email == "peserta4321@bench.example"))
    return {
        "session": parallel[0].id, "person": people[0].id, "ticket": code,
        "slots": {slot_key(slot[0].starts_at): [s.id for s in slot] for slot in first_slots},
    }


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    rate: float
    p50: float
    p99: float
    requests: int
    failures: int


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(name: str, output: str) -> Row:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return _ms(*match.groups()) if match else float("nan")

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    failures = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        failures += sum(int(n) for n in socket_errors.groups())
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return Row(name, rate, latency("50"), latency("99"), requests, failures)


def wrk(name: str, url: str, args, cookie: str = "", script: Path | None = None) -> Row:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "10s",
               "-H", "Accept-Language: id"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    row = parse_wrk(name, output)
    print(f"  {name}: {row.rate:.0f} req/s", flush=True)
    return row


LUA_REGISTRATION = """
-- Each request: a new registrant (unique e-mail and client token) choosing a
-- random session in each of the first two slots; the CSRF token and its
-- session cookie are reused (Flask-WTF tokens are not single-use).
local counter, thread_number = 0, 0
function setup(thread) thread:set("tid", thread_number); thread_number = thread_number + 1 end
function init(args) math.randomseed(os.time() + tid) end
local slots = {SLOTS}
request = function()
  counter = counter + 1
  local key = string.format("RUNt%dn%d", tid, counter)
  local body = "BASE" .. "&email=" .. key .. "%40bench.example" .. "&client_token=tok" .. key .. "padpadpad"
  for name, ids in pairs(slots) do body = body .. "&" .. name .. "=" .. ids[math.random(#ids)] end
  return wrk.format("POST", "PATH", {["Content-Type"] = "application/x-www-form-urlencoded",
                                     ["Cookie"] = "COOKIE"}, body)
end
"""


def warm_up(url: str, cookie: str, workers: int, script: Path | None = None) -> None:
    """A second of load first, so that every worker has compiled the templates
    and filled its caches before the measured run."""
    command = ["wrk", "-t1", f"-c{workers}", "-d1s", "-H", "Accept-Language: id"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    subprocess.run([*command, url], capture_output=True, check=True)


def registration_script(port: int, built: dict, workdir: Path, run: str = "") -> Path:
    """The wrk script; `run` keeps its e-mails and form tokens apart from another script's."""
    visitor = Browser(port)
    status, page = visitor.request("GET", f"/c/{SLUG}/register")
    if status != 200:
        raise SystemExit(f"the registration form answered {status}")
    base = urllib.parse.urlencode({
        "csrf_token": field_value(CSRF_RE, page), "website": "", "full_name": "Peserta Beban",
        "organisation": "Lembaga Beban", "position": "Staf", "sector": Sector.CIVIL_SOCIETY.value,
        "gender": "not_stated", "language": "id", "consent": "y",
    })
    field_value(CLIENT_TOKEN_RE, page)  # the form still has one
    slots = ", ".join(f'["slot-{key}"] = {{{", ".join(map(str, ids))}}}' for key, ids in built["slots"].items())
    script = (LUA_REGISTRATION.replace("{SLOTS}", "{" + slots + "}").replace("BASE", base)
              .replace("RUN", f"w{int(time.time())}{run}").replace("PATH", f"/c/{SLUG}/register")
              .replace("COOKIE", visitor.cookie))
    path = workdir / f"register{run}.lua"
    path.write_text(script)
    return path


def uncached_agenda(url: str, renders: int) -> tuple[float, float]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False,
                      "CACHE_TYPE": "NullCache", "PAGE_MICROCACHE_SECONDS": 0,
                      "SERVER_NAME": "localhost"})
    client = app.test_client()
    times = []
    for _ in range(renders + 2):
        started = time.perf_counter()
        response = client.get(f"/c/{SLUG}/agenda", headers={"Accept-Language": "id"})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times = sorted(times[2:])  # the first two compile templates
    with app.app_context():
        db.engine.dispose()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))]


def query_plans(url: str, paths: list[tuple[str, bool]]) -> list[str]:
    """EXPLAIN every statement the given pages run (in-process, cache off);
    report sequential scans of the big tables."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False,
                      "CACHE_TYPE": "NullCache", "PAGE_MICROCACHE_SECONDS": 0,
                      "SERVER_NAME": "localhost", "WTF_CSRF_ENABLED": False})
    findings = []
    with app.app_context():
        organiser = app.test_client()
        organiser.post("/login", data={"email": ORGANISER, "password": PASSWORD})
        anonymous = app.test_client()
        statements: list[tuple[str, str, object]] = []

        def remember(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append((current[0], statement, parameters))

        current = [""]
        event.listen(db.engine, "before_cursor_execute", remember)
        for path, signed_in in paths:
            current[0] = path
            response = (organiser if signed_in else anonymous).get(path)
            assert response.status_code == 200, (path, response.status_code)
        event.remove(db.engine, "before_cursor_execute", remember)
        seen: set[str] = set()
        whole: set[str] = set()
        with db.engine.connect() as connection:
            sizes = dict(connection.execute(text(
                "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")).all())
            raw = connection.connection.dbapi_connection
            for path, statement, parameters in statements:
                if statement in seen:
                    continue
                seen.add(statement)
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN " + statement, parameters)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                for table, rows in re.findall(r"Seq Scan on (\w+) .*?rows=(\d+)", plan):
                    if table not in BIG_TABLES:
                        continue
                    size = sizes.get(table, 0)
                    # Reading most of a table (a whole conference's sessions) is what a
                    # sequential scan is for; a selective filter on one is a missing index.
                    if size >= 1000 and int(rows) < 0.2 * size:
                        findings.append(f"{path}: Seq Scan on {table} for {rows} of {size:.0f} rows\n"
                                        f"      {statement[:160]}…")
                    else:
                        whole.add(table)
        findings.insert(0, f"{len(seen)} distinct SELECT statements explained; sequential scans only where "
                           f"most rows are read ({', '.join(sorted(whole)) or 'none'})"
                           + ("" if len(findings) == 0 else "; SELECTIVE SEQUENTIAL SCANS:"))
        db.engine.dispose()
    return findings


def verify(url: str) -> list[str]:
    """The promises that must hold whatever the load."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False})
    problems = []
    with app.app_context():
        conference = db.session.scalar(select(Conference).where(Conference.slug == SLUG))
        confirmed = dict(db.session.execute(
            select(SessionChoice.session_id, func.count()).where(SessionChoice.status == ChoiceStatus.CONFIRMED)
            .group_by(SessionChoice.session_id)).all())
        for session in db.session.scalars(select(AgendaSession).where(AgendaSession.conference_id == conference.id)):
            seated = confirmed.get(session.id, 0)
            capacity = session.effective_capacity
            if capacity is not None and seated > capacity:
                problems.append(f"session {session.id}: {seated} confirmed for {capacity} seats")
            if seated != session.seats_taken:
                problems.append(f"session {session.id}: counter {session.seats_taken}, confirmed {seated}")
        duplicates = db.session.scalar(select(func.count()).select_from(
            select(Registration.email).where(Registration.conference_id == conference.id)
            .group_by(Registration.email).having(func.count() > 1).subquery()))
        if duplicates:
            problems.append(f"{duplicates} e-mail addresses registered more than once")
        new = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.email.like("w%")))
        waiting = db.session.scalar(select(func.count()).select_from(SessionChoice)
                                    .where(SessionChoice.status == ChoiceStatus.WAITING))
        db.engine.dispose()
    print(f"after the load: {new} new registrations; {waiting} choices on a waiting list")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_run"),
        help="database to create and drop (its name must start with 'bench')")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per target (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--invitations", type=int, default=5_000)
    parser.add_argument("--renders", type=int, default=20, help="uncached agenda renders (default 20)")
    parser.add_argument("--redis", action="store_true", help="page cache and rate limits in Redis (127.0.0.1:6379)")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated words: measure only targets whose name "
                                                   "holds one (e.g. 'registration,agenda'); the ceiling always")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `apt-get install wrk` (make bench installs it)")
    url = args.postgres_url
    pg_admin_url(url)  # refuse a wrong name before anything else

    recreate_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False})
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            built = build(args.registrations, args.invitations)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            db.engine.dispose()
        print(f"built in {time.perf_counter() - started:.0f} s (PostgreSQL {make_url(url).database}): "
              f"3 days, 12 rooms, 603 sessions, 900 speakers, {args.invitations} invitations, "
              f"{args.registrations} registrations")

        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "EVENTAPP_ENV": "production",
               "MAIL_DELIVERY": "keep", "REGISTRATION_RATE_LIMIT": "1000000 per minute",
               "TOKEN_RATE_LIMIT": "1000000 per minute", "WEB_CONCURRENCY": str(args.workers)}
        if args.redis:
            prefix = f"bench{os.getpid()}:"
            env |= {"CACHE_REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": prefix,
                    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
        paths = {
            "agenda page": (f"/c/{SLUG}/agenda", False),
            "session page": (f"/c/{SLUG}/sessions/{built['session']}", False),
            "person page": (f"/c/{SLUG}/speakers/{built['person']}", False),
            "schedule XML": (f"/c/{SLUG}/schedule.xml", False),
            "iCal (whole agenda)": (f"/c/{SLUG}/agenda.ics", False),
            "organiser builder": (f"/manage/{SLUG}/builder", True),
            "check-in lookup (ticket code)": (f"/manage/{SLUG}/checkin?q={built['ticket']}", True),
            "check-in search (family name)": (f"/manage/{SLUG}/checkin?q=Wijaya", True),
        }
        rows: list[Row] = []
        with gunicorn("wsgi:app", env, workdir / "app.log", args.workers, f"/c/{SLUG}") as port:
            base = f"http://{HOST}:{port}"
            organiser = Browser(port).sign_in(ORGANISER, PASSWORD)
            agenda = subprocess.run(["curl", "-s", "-H", "Accept-Language: id", f"{base}/c/{SLUG}/agenda"],
                                    capture_output=True, check=True).stdout
            (workdir / "agenda.html").write_bytes(agenda)
            ceiling_env = {"CEILING_BODY": str(workdir / "agenda.html"), "PYTHONPATH": str(ROOT / "bench")}
            with gunicorn("ceiling:app", ceiling_env, workdir / "ceiling.log", args.workers, "/",
                          config=False) as ceiling_port:
                print(f"load: wrk -t2 -c{args.connections} -d{args.duration}s per target; gunicorn -w {args.workers}"
                      f" (sync); {os.cpu_count()} CPUs; agenda page {len(agenda) // 1024} KiB", flush=True)
                rows.append(wrk("ceiling: bytes of the agenda page", f"http://{HOST}:{ceiling_port}/", args))
            wanted = [word.strip() for word in args.only.split(",") if word.strip()]

            def measured(name: str) -> bool:
                return not wanted or any(word in name for word in wanted)

            for name, (path, signed_in) in paths.items():
                if not measured(name):
                    continue
                cookie = organiser.cookie if signed_in else ""
                warm_up(base + path, cookie, args.workers)
                rows.append(wrk(name, base + path, args, cookie=cookie))
            if measured("registration POST"):
                register = f"{base}/c/{SLUG}/register"
                warm_up(register, "", args.workers, registration_script(port, built, workdir, "warm"))
                rows.append(wrk("registration POST", register, args,
                                script=registration_script(port, built, workdir)))
        median, p90 = uncached_agenda(url, args.renders)
        plans = query_plans(url, [*paths.values(), *PLAN_ONLY])
        problems = verify(url)

        ceiling = rows[0].rate
        print()
        print("| target | req/s | p50 ms | p99 ms | requests | failed | of ceiling |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print(f"| {row.name} | {row.rate:.0f} | {row.p50:.1f} | {row.p99:.1f} | {row.requests} | "
                  f"{row.failures} | {row.rate / ceiling:.0%} |")
        print()
        print(f"uncached agenda render (in-process, cache off, {args.renders} renders): "
              f"median {median:.0f} ms, p90 {p90:.0f} ms")
        print("query plans: " + "\n  ".join(plans))
        if problems:
            print("PROBLEMS:\n  " + "\n  ".join(problems))
            raise SystemExit(1)
        print("verified: no session over capacity, seat counters match, no e-mail registered twice")
    finally:
        if not args.keep_database:
            recreate_database(url, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    random.seed(7)
    main()
