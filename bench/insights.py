"""Benchmark: the representation and inclusion figures of a large conference.

Builds (bulk inserts) a three-day conference with 12 rooms: each day an opening
or plenary in the hall, a break, and 18 slots of 11 parallel sessions (600
sessions in all); 900 speakers and moderators (genders and sectors varied);
5,000 delegate invitations in 4 categories (pending, accepted, declined,
withdrawn); 20,000 confirmed registrations (about one in seven states a need,
three parallel-session choices each, a third checked in, the accepted invitees
linked to their invitations), and runs ANALYZE on PostgreSQL. Then times, as the median of --repeat runs, each
query function of eventapp.insights.queries, the whole set, and the organiser
pages through the Flask test client (the representation dashboard if it
exists, the accessibility page and one room's printable list), printing
milliseconds and SQL statements.

    .venv/bin/python bench/insights.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/insights.py --database postgresql \\
        --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_insights

For PostgreSQL the script creates the database named in --postgres-url (its
name must start with "bench") and drops it at the end.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import url_for  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from invitations_bulk import create_pg_database, drop_pg_database, timed  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.accounts.services import create_organiser  # noqa: E402
from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole  # noqa: E402
from eventapp.conferences.models import Conference, Room, SubTheme, Venue  # noqa: E402
from eventapp.conferences.services import create_conference  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.insights import queries  # noqa: E402
from eventapp.invitations.models import (  # noqa: E402
    Invitation, InvitationCategory, InvitationKind, InvitationStatus,
)
from eventapp.people.models import Gender, Person, Sector  # noqa: E402
from eventapp.registration.models import NEEDS, ChoiceStatus, Registration, SessionChoice  # noqa: E402

FIRST_DAY = date(date.today().year + 1, 11, 25)
DAYS = 3
ROOMS = 12  # the hall (room 0) and 11 rooms for parallel sessions
SLOTS = 18  # parallel slots per day
SPEAKERS = 900
INVITATIONS = 5000
REGISTRATIONS = 20000
PASSWORD = "benchmark password"
ZONE = ZoneInfo("Asia/Jakarta")
GENDERS = (Gender.WOMAN, Gender.MAN, Gender.MAN, Gender.WOMAN, Gender.ANOTHER, Gender.NOT_STATED)
SECTORS = list(Sector)
PROVINCES = ("Aceh", "Sumatera Utara", "DKI Jakarta", "Jawa Barat", "Jawa Tengah", "Jawa Timur", "Bali",
             "Nusa Tenggara Timur", "Kalimantan Timur", "Sulawesi Selatan", "Maluku", "Papua")
ROLE_CYCLE = (RoleKind.SPEAKER, RoleKind.SPEAKER, RoleKind.MODERATOR, RoleKind.SPEAKER, RoleKind.KEYNOTE)
STATUS_CYCLE = (InvitationStatus.ACCEPTED, InvitationStatus.ACCEPTED, InvitationStatus.PENDING,
                InvitationStatus.DECLINED, InvitationStatus.REVOKED)
NEED_COLUMNS = [column for column, _label in NEEDS]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(FIRST_DAY + timedelta(days=day), clock(hour, minute), tzinfo=ZONE)


def slot_start(day: int, slot: int) -> datetime:
    return at(day, 9) + timedelta(minutes=45 * slot)  # 40-minute sessions, 5 minutes to change rooms


def build() -> tuple[int, str, int]:
    conference = create_conference(slug="bench-insights", title_id="Konferensi Nasional", title_en="National Conference",
                                   starts_on=FIRST_DAY, ends_on=FIRST_DAY + timedelta(days=DAYS - 1),
                                   timezone="Asia/Jakarta")
    db.session.flush()
    cid = conference.id
    venue = Venue(conference_id=cid, name="Hotel")
    db.session.add(venue)
    db.session.flush()
    db.session.execute(insert(Room), [
        {"venue_id": venue.id, "name": "Ballroom" if n == 0 else f"Ruang {n}", "capacity": 3000 if n == 0 else 400,
         "step_free": n % 3 != 2, "position": n} for n in range(ROOMS)
    ])
    room_ids = db.session.scalars(select(Room.id).where(Room.venue_id == venue.id).order_by(Room.position)).all()
    db.session.execute(insert(SubTheme), [
        {"conference_id": cid, "code": f"ST{n}", "title_id": f"Sub-tema {n}", "position": n} for n in range(6)
    ])
    theme_ids = db.session.scalars(select(SubTheme.id).where(SubTheme.conference_id == cid)).all()
    rows = []
    for day in range(DAYS):
        kind = SessionKind.OPENING if day == 0 else SessionKind.CLOSING if day == DAYS - 1 else SessionKind.PLENARY
        rows.append({"conference_id": cid, "title_id": f"Pleno hari {day + 1}", "kind": kind,
                     "starts_at": at(day, 7, 30), "ends_at": at(day, 8, 30), "room_id": room_ids[0]})
        rows.append({"conference_id": cid, "title_id": "Rehat kopi", "kind": SessionKind.BREAK,
                     "starts_at": at(day, 8, 30), "ends_at": at(day, 9), "spans_all_rooms": True})
        for slot in range(SLOTS):
            for n in range(1, ROOMS):
                rows.append({"conference_id": cid, "title_id": f"Sesi {day + 1}.{slot + 1}.{n}",
                             "kind": SessionKind.PARALLEL, "starts_at": slot_start(day, slot),
                             "ends_at": slot_start(day, slot) + timedelta(minutes=40), "room_id": room_ids[n],
                             "sub_theme_id": theme_ids[(slot + n) % len(theme_ids)]})
    db.session.execute(insert(AgendaSession), rows)
    sessions = db.session.execute(
        select(AgendaSession.id, AgendaSession.starts_at, AgendaSession.kind)
        .where(AgendaSession.conference_id == cid).order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()
    assert len(sessions) == 600, len(sessions)
    parallel = [s for s in sessions if s.kind == SessionKind.PARALLEL]
    db.session.execute(insert(Person), [
        {"conference_id": cid, "full_name": f"Pembicara {i}", "gender": GENDERS[(i * 7) % len(GENDERS)],
         "sector": SECTORS[(i * 3) % len(SECTORS)], "email": f"pembicara{i}@example.org"}
        for i in range(SPEAKERS)
    ])
    person_ids = db.session.scalars(select(Person.id).where(Person.conference_id == cid).order_by(Person.id)).all()
    roles = [{"session_id": parallel[i % len(parallel)].id, "person_id": pid, "role": ROLE_CYCLE[i % 5],
              "position": i // len(parallel)} for i, pid in enumerate(person_ids)]
    # A third of the speakers also speak in a session of another day; the plenaries get keynotes.
    roles += [{"session_id": parallel[(i + len(parallel) // 2) % len(parallel)].id, "person_id": pid,
               "role": RoleKind.SPEAKER, "position": 5} for i, pid in enumerate(person_ids) if i % 3 == 0]
    roles += [{"session_id": s.id, "person_id": person_ids[k], "role": RoleKind.KEYNOTE, "position": 9}
              for k, s in enumerate(s for s in sessions if s.kind not in (SessionKind.PARALLEL, SessionKind.BREAK))]
    db.session.execute(insert(SessionRole), roles)
    db.session.execute(insert(InvitationCategory), [
        {"conference_id": cid, "name": name, "quota": quota}
        for name, quota in (("Kepala daerah", 2000), ("Kementerian", None), ("DPRD", 1500), ("Mitra", None))
    ])
    category_ids = db.session.scalars(select(InvitationCategory.id).where(InvitationCategory.conference_id == cid)).all()
    db.session.execute(insert(Invitation), [
        {"conference_id": cid, "kind": InvitationKind.DELEGATE, "target": "delegate",
         "status": STATUS_CYCLE[i % 5], "email": f"undangan{i}@example.org", "full_name": f"Undangan {i}",
         "category_id": category_ids[i % 4], "respond_by": at(0, 0) - timedelta(days=7)}
        for i in range(INVITATIONS)
    ])
    accepted = db.session.scalars(select(Invitation.id).where(
        Invitation.conference_id == cid, Invitation.status == InvitationStatus.ACCEPTED).order_by(Invitation.id)).all()
    db.session.execute(insert(Registration), [
        {"conference_id": cid, "email": f"peserta{i}@example.org", "full_name": f"Peserta {i}",
         "organisation": f"Organisasi {i % 400}", "gender": GENDERS[i % len(GENDERS)],
         "sector": SECTORS[i % len(SECTORS)], "province": PROVINCES[i % len(PROVINCES)],
         "invitation_id": accepted[i] if i < len(accepted) else None,
         "checked_in_at": at(0, 7) if i % 3 == 0 else None,
         **{column: i % 7 == 0 and (i // 7 + k) % 3 == 0 for k, column in enumerate(NEED_COLUMNS)},
         "needs_other": "Kursi dekat pintu" if i % 97 == 0 else ""}
        for i in range(REGISTRATIONS)
    ])
    registration_ids = db.session.scalars(
        select(Registration.id).where(Registration.conference_id == cid).order_by(Registration.id)).all()
    per_slot = ROOMS - 1
    choices = []
    for i, rid in enumerate(registration_ids):
        for day in range(DAYS):  # one choice a day, in slot (i + day) of that day
            index = (day * SLOTS + (i + day) % SLOTS) * per_slot + i % per_slot
            session = parallel[index]
            choices.append({"registration_id": rid, "session_id": session.id, "slot_starts_at": session.starts_at,
                            "status": ChoiceStatus.CONFIRMED})
    db.session.execute(insert(SessionChoice), choices)
    create_organiser("bench-insights@example.org", PASSWORD, [conference])
    db.session.commit()
    return cid, conference.slug, room_ids[1]


def run(url: str, repeat: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAIL_DELIVERY": "keep",
                      "BASE_URL": "https://eventapp.example"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        build_ms, _statements, (cid, slug, room_id) = timed(app, build)
        if db.engine.dialect.name == "postgresql":
            # Fresh planner statistics, as autovacuum would gather after a bulk load: without
            # them PostgreSQL expects one row per table and picks nested loops (seconds, not ms).
            # SQLite is left as deployed SQLite files are: never ANALYZEd (see bench/README.md).
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    functions = {
        "speaker_report": queries.speaker_report,
        "participation(gender)": lambda c: queries.participation(c, Registration.gender),
        "participation(sector)": lambda c: queries.participation(c, Registration.sector),
        "participation(province)": lambda c: queries.participation(c, Registration.province),
        "invitations_by_category": queries.invitations_by_category,
        "needs_overall": queries.needs_overall,
        "needs_by_session": queries.needs_by_session,
    }
    results: list[tuple[str, float, int]] = []
    with app.app_context():
        conference = db.session.get(Conference, cid)
        for name, function in functions.items():
            runs = [timed(app, lambda f=function: f(conference)) for _ in range(repeat)]
            results.append((name, statistics.median(r[0] for r in runs), runs[0][1]))

        def everything():
            return [function(conference) for function in functions.values()]

        runs = [timed(app, everything) for _ in range(repeat)]
        results.append(("all of the above", statistics.median(r[0] for r in runs), runs[0][1]))
    client = app.test_client()
    client.post("/login", data={"email": "bench-insights@example.org", "password": PASSWORD})
    pages = []
    if "insights.dashboard" in app.view_functions:
        with app.test_request_context():
            pages.append(("page: representation dashboard", url_for("insights.dashboard", slug=slug)))
    pages += [("page: accessibility", f"/manage/{slug}/insights/accessibility"),
              ("page: one room's printable list", f"/manage/{slug}/insights/accessibility/rooms/{room_id}")]
    for name, path in pages:
        runs = [timed(app, lambda p=path: client.get(p)) for _ in range(repeat)]
        assert all(r[2].status_code == 200 for r in runs), (path, runs[0][2].status_code)
        results.append((name, statistics.median(r[0] for r in runs), runs[0][1]))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    print(f"database: {make_url(url).get_backend_name()}  sessions: 600  speakers: {SPEAKERS}  "
          f"registrations: {REGISTRATIONS}  invitations: {INVITATIONS}  runs: {repeat}  (build {build_ms / 1000:.1f} s)")
    print(f"  {'measurement':<34} {'median ms':>10} {'SQL':>5}")
    for name, ms, statements in results:
        print(f"  {name:<34} {ms:>10.1f} {statements:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    default_pg = os.environ.get("DATABASE_URL", "")
    if not default_pg.startswith("postgresql"):
        default_pg = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_insights"
    parser.add_argument("--postgres-url", default=default_pg,
                        help="a database to create and drop (its name must start with 'bench')")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.database in ("sqlite", "both"):
        run(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", args.repeat)
    if args.database in ("postgresql", "both"):
        create_pg_database(args.postgres_url)
        try:
            run(args.postgres_url, args.repeat)
        finally:
            drop_pg_database(args.postgres_url)


if __name__ == "__main__":
    main()
