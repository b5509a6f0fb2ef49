"""Benchmark: publishing a release that changes 20,000 attendees' agendas.

Builds a conference with a plenary, six parallel sessions (two speakers and a
moderator each, all with e-mail addresses) and --attendees confirmed
registrations (bulk-inserted), each choosing one parallel session; publishes
v1; then retimes the plenary (which concerns every attendee) and moves one
parallel session to another room, and times publishing v2 — the release plus
one change notice per affected person, queued in the outbox in the same
transaction. Prints wall time, SQL statements and messages queued; asserts
only that everybody affected got exactly one message.

    .venv/bin/python bench/release_notices.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/release_notices.py --database postgresql --attendees 20000
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime, time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from invitations_bulk import create_pg_database, drop_pg_database, timed  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.agenda.models import RoleKind, SessionKind  # noqa: E402
from eventapp.agenda.releases import publish  # noqa: E402
from eventapp.agenda.services import assign_person, create_session, update_session  # noqa: E402
from eventapp.conferences.services import add_room, add_venue, create_conference  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.mail.models import OutboxMessage  # noqa: E402
from eventapp.people.services import create_person  # noqa: E402
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus, SessionChoice  # noqa: E402

DAY = date(date.today().year + 1, 11, 27)
ZONE = ZoneInfo("Asia/Jakarta")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, clock(hour, minute), tzinfo=ZONE)


def build(attendees: int):
    conference = create_conference(slug="bench-notices", title_id="Konferensi Nasional", title_en="National Conference",
                                   starts_on=DAY, ends_on=DAY, timezone="Asia/Jakarta")
    venue = add_venue(conference, "Hotel")
    hall = add_room(venue, "Ballroom", 2000)
    rooms = [add_room(venue, f"Ruang {n}", 20000) for n in range(1, 8)]
    plenary = create_session(conference, kind=SessionKind.PLENARY, starts_at=at(8), ends_at=at(9, 30), room=hall,
                             title_id="Pleno", title_en="Plenary")
    parallel = []
    for n in range(6):
        session = create_session(conference, kind=SessionKind.PARALLEL, starts_at=at(10), ends_at=at(12),
                                 room=rooms[n], title_id=f"Sesi Paralel {n + 1}", title_en=f"Parallel session {n + 1}")
        for k, role in enumerate((RoleKind.SPEAKER, RoleKind.SPEAKER, RoleKind.MODERATOR)):
            person = create_person(conference, f"Pembicara {n}-{k}", email=f"pembicara{n}-{k}@example.org")
            assign_person(session, person, role)
        parallel.append(session)
    db.session.flush()
    db.session.execute(insert(Registration), [
        {"conference_id": conference.id, "email": f"peserta{i}@example.org", "full_name": f"Peserta {i}",
         "status": RegistrationStatus.CONFIRMED, "language": "en" if i % 10 == 0 else "id"}
        for i in range(attendees)
    ])
    ids = db.session.scalars(select(Registration.id).where(Registration.conference_id == conference.id)
                             .order_by(Registration.id)).all()
    db.session.execute(insert(SessionChoice), [
        {"registration_id": rid, "session_id": parallel[i % 6].id, "slot_starts_at": at(10),
         "status": ChoiceStatus.CONFIRMED}
        for i, rid in enumerate(ids)
    ])
    publish(conference)
    db.session.commit()
    return conference, plenary, parallel, rooms


def run(url: str, attendees: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_DELIVERY": "keep",
                      "BASE_URL": "https://eventapp.example"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        conference, plenary, parallel, rooms = build(attendees)
        update_session(plenary, starts_at=at(7, 30), ends_at=at(9))
        update_session(parallel[0], room=rooms[6])
        db.session.commit()

        def publish_v2():
            release = publish(conference)
            db.session.commit()
            return release

        ms, statements, _release = timed(app, publish_v2)
        sent = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.kind == "agenda_changes"))
        distinct = db.session.scalar(select(func.count(func.distinct(OutboxMessage.to_address)))
                                     .where(OutboxMessage.kind == "agenda_changes"))
        speakers = 3  # of the moved parallel session
        assert sent == distinct == attendees + speakers, (sent, distinct)
        db.session.remove()
        db.engine.dispose()
    print(f"database: {make_url(url).get_backend_name()}  attendees: {attendees}")
    print(f"  publish v2 (release + notices): {ms:.0f} ms, {statements} SQL statements, {sent} messages queued")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    default_pg = os.environ.get("DATABASE_URL", "")
    if not default_pg.startswith("postgresql"):
        default_pg = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_notices"
    parser.add_argument("--postgres-url", default=default_pg)
    parser.add_argument("--attendees", type=int, default=20000)
    args = parser.parse_args()
    if args.database in ("sqlite", "both"):
        run(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", args.attendees)
    if args.database in ("postgresql", "both"):
        create_pg_database(args.postgres_url)
        try:
            run(args.postgres_url, args.attendees)
        finally:
            drop_pg_database(args.postgres_url)


if __name__ == "__main__":
    main()
