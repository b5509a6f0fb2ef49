"""Benchmark: inviting Indonesia's 514 regional heads from a CSV file.

Builds a conference and its organiser, generates a CSV of 514 invented
regional heads (416 regents and 98 mayors, as Indonesia has), and posts it
through the real views with the Flask test client, signed in as the
organiser: the upload (→ preview) and the confirm (→ 514 invitations, tokens
and queued e-mails). Each run uses a fresh conference. Prints the median wall
time of each step over --repeat runs, the SQL statements per step and the
messages queued; asserts nothing but the status codes.

    .venv/bin/python bench/invitations_bulk.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/invitations_bulk.py --database sqlite
    .venv/bin/python bench/invitations_bulk.py --database postgresql \\
        --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_invite

SQLite runs in a temporary file. For PostgreSQL the script creates the
database named in --postgres-url (default: DATABASE_URL if it points at
PostgreSQL, else bench_invite on 127.0.0.1) and drops it at the end; the name
must start with "bench" so that a real database is never dropped.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.accounts.services import create_organiser  # noqa: E402
from eventapp.conferences.services import create_conference  # noqa: E402
from eventapp.extensions import db  # noqa: E402
from eventapp.invitations.models import Invitation, InvitationToken  # noqa: E402
from eventapp.mail.models import OutboxMessage  # noqa: E402

PASSWORD = "benchmark password"
REGENCIES, CITIES = 416, 98  # 514 regional heads
GIVEN = ("Ahmad", "Budi", "Siti", "Dewi", "Agus", "Rina", "Hendra", "Yohana", "Made", "Nurhayati",
         "Ketut", "Fransiskus", "Abdul", "Wayan", "Maria", "Rudi", "Lestari", "Joko", "Fitri", "Yusuf")
FAMILY = ("Wijaya", "Santoso", "Harahap", "Siregar", "Nainggolan", "Pratama", "Kusuma", "Lubis",
          "Sinaga", "Saputra", "Hidayat", "Rahman", "Tanjung", "Sembiring", "Manurung", "Situmorang",
          "Nasution", "Putri", "Wibowo", "Gultom", "Pohan")


def regional_heads_csv() -> bytes:
    """514 invented regional heads: plausible names, one e-mail each."""
    lines = ["name,email,honorific,position,organisation,sector,gender,language,category"]
    for n in range(1, REGENCIES + CITIES + 1):
        regency = n <= REGENCIES
        number = n if regency else n - REGENCIES
        name = f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n * 7) % len(FAMILY)]}"
        position = "Bupati" if regency else "Wali Kota"
        region = f"Kabupaten {number}" if regency else f"Kota {number}"
        gender = "woman" if name.split()[0] in {"Siti", "Dewi", "Rina", "Yohana", "Nurhayati", "Maria",
                                                 "Lestari", "Fitri"} else "man"
        language = "en" if n % 25 == 0 else "id"
        email = f"{'bupati' if regency else 'walikota'}.{number}@example.go.id"
        lines.append(f"{name},{email},,{position} {region},Pemerintah {region},regional_government,"
                     f"{gender},{language},Kepala daerah")
    return ("\n".join(lines) + "\n").encode()


def pg_admin_url(url: str) -> tuple[str, str]:
    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to use {name!r}: the benchmark database's name must start with 'bench'")
    return parsed.set(database="postgres").render_as_string(hide_password=False), name


def create_pg_database(url: str) -> None:
    admin, name = pg_admin_url(url)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop_pg_database(url: str) -> None:
    admin, name = pg_admin_url(url)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def timed(app, call) -> tuple[float, int, object]:
    """Wall time in ms, SQL statements, and the call's result."""
    statements = 0

    def count(*_args):
        nonlocal statements
        statements += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return elapsed, statements, result


def run(url: str, repeat: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "MAIL_DELIVERY": "keep",
                      "BASE_URL": "https://eventapp.example"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    content = regional_heads_csv()
    uploads, confirms = [], []
    for index in range(repeat):
        slug = f"bench-invite-{index}"
        with app.app_context():
            year = date.today().year + 1
            conference = create_conference(slug=slug, title_id="Konferensi Nasional Kepala Daerah",
                                           title_en="National Conference of Regional Heads",
                                           starts_on=date(year, 11, 25), ends_on=date(year, 11, 27))
            create_organiser(f"bench{index}@example.org", PASSWORD, [conference])
            db.session.commit()
            conference_id = conference.id
        client = app.test_client()
        client.post("/login", data={"email": f"bench{index}@example.org", "password": PASSWORD})
        ms, queries, preview = timed(app, lambda: client.post(
            f"/manage/{slug}/invitations/import",
            data={"file": (io.BytesIO(content), "kepala-daerah.csv")},
            content_type="multipart/form-data",
        ))
        assert preview.status_code == 200, preview.status_code
        uploads.append((ms, queries))
        ms, queries, response = timed(app, lambda: client.post(
            f"/manage/{slug}/invitations/import/confirm", data={"text": content.decode()},
        ))
        assert response.status_code == 303, response.status_code
        confirms.append((ms, queries))
        with app.app_context():
            counts = [
                db.session.scalar(select(func.count()).select_from(model).where(*where))
                for model, where in (
                    (Invitation, [Invitation.conference_id == conference_id]),
                    (InvitationToken, [InvitationToken.invitation_id.in_(
                        select(Invitation.id).where(Invitation.conference_id == conference_id))]),
                    (OutboxMessage, [OutboxMessage.conference_id == conference_id]),
                )
            ]
        assert counts == [REGENCIES + CITIES] * 3, counts
    with app.app_context():
        db.engine.dispose()
    rows = REGENCIES + CITIES
    print(f"database: {make_url(url).get_backend_name()}  rows: {rows}  runs: {repeat}")
    print(f"  {'step':<18} {'median ms':>10} {'queries':>8}")
    print(f"  {'upload → preview':<18} {statistics.median(m for m, _ in uploads):>10.0f} {uploads[0][1]:>8}")
    print(f"  {'confirm':<18} {statistics.median(m for m, _ in confirms):>10.0f} {confirms[0][1]:>8}")
    print(f"  messages queued per run: {counts[2]} (invitations {counts[0]}, tokens {counts[1]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    default_pg = os.environ.get("DATABASE_URL", "")
    if not default_pg.startswith("postgresql"):
        default_pg = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_invite"
    parser.add_argument("--postgres-url", default=default_pg,
                        help="a database to create and drop (its name must start with 'bench')")
    parser.add_argument("--repeat", type=int, default=3)
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
