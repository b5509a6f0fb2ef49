"""Benchmark: the organiser's whole-agenda pages as the agenda grows.

Builds a conference of 3 days and 12 rooms with N parallel sessions (3 people
each) in a throw-away database, then prints, for each N, the SQL queries and
the median wall time of: the builder, the conflicts panel, the releases page,
and find_conflicts alone. Prints figures; asserts nothing.

    .venv/bin/python bench/agenda_pages.py [--database-url URL] [--sizes 60,600,1200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.accounts.services import create_organiser  # noqa: E402
from eventapp.agenda.conflicts import find_conflicts  # noqa: E402
from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole  # noqa: E402
from eventapp.conferences.services import add_room, add_sub_theme, add_venue, create_conference  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.people.models import Person  # noqa: E402

DAY = date(2026, 11, 25)
ZONE = ZoneInfo("Asia/Jakarta")
PASSWORD = "benchmark password"


def build(size: int, index: int):
    conference = create_conference(slug=f"bench-{index}", title_id=f"Bench {size}",
                                   starts_on=DAY, ends_on=DAY + timedelta(days=2))
    venue = add_venue(conference, "Hotel")
    rooms = [add_room(venue, f"Ruang {n:02d}", 200) for n in range(12)]
    themes = [add_sub_theme(conference, f"T{n}", f"Tema {n}") for n in range(5)]
    people = [Person(conference=conference, full_name=f"Orang {n}") for n in range(max(900, size))]
    db.session.add_all(people)
    for k in range(size):
        day = DAY + timedelta(days=k % 3)
        start = datetime.combine(day, clock(8), tzinfo=ZONE) + timedelta(minutes=30 * (k // 36))
        session = AgendaSession(conference=conference, title_id=f"Sesi {k}", kind=SessionKind.PARALLEL,
                                room=rooms[(k // 3) % 12], sub_theme=themes[k % 5],
                                starts_at=start, ends_at=start + timedelta(minutes=30))
        db.session.add(session)
        for position, (offset, kind) in enumerate(
            [(0, RoleKind.SPEAKER), (1, RoleKind.SPEAKER), (2, RoleKind.MODERATOR)]
        ):
            db.session.add(SessionRole(session=session, person=people[(3 * k + offset) % len(people)],
                                       role=kind, position=position))
    create_organiser(f"bench{index}@example.org", PASSWORD, [conference])
    db.session.commit()
    return conference


def measure(app, client, url: str, repeat: int) -> tuple[int, float]:
    statements: list[str] = []

    def record(*_args):
        statements.append("q")

    times = []
    for attempt in range(repeat):
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, (url, response.status_code)
    return len(statements), statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--sizes", default="60,600,1200")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    print(f"database: {url.split(':')[0]}")
    print(f"{'sessions':>8} {'page':<10} {'queries':>7} {'median ms':>10}")
    for index, size in enumerate(int(s) for s in args.sizes.split(",")):
        with app.app_context():
            conference = build(size, index)
            slug = conference.slug
            started = time.perf_counter()
            with app.test_request_context():
                report = find_conflicts(conference)
            sweep_ms = (time.perf_counter() - started) * 1000
        client = app.test_client()
        client.post("/login", data={"email": f"bench{index}@example.org", "password": PASSWORD})
        for page in ("builder", "conflicts", "releases"):
            queries, ms = measure(app, client, f"/manage/{slug}/{page}", args.repeat)
            print(f"{size:>8} {page:<10} {queries:>7} {ms:>10.1f}")
        print(f"{size:>8} {'sweep':<10} {'-':>7} {sweep_ms:>10.1f}  ({len(report.conflicts)} conflicts)")


if __name__ == "__main__":
    main()
