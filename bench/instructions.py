"""Instructions per registration POST: a figure that does not move with the
machine's speed, for comparing two versions of the code (or two interpreters).

This machine's speed varies by up to 1.7× between runs, so requests per second
cannot tell a 5% change from noise. valgrind's callgrind counts the CPU
instructions the app executes instead, and gives the same count twice.

Builds the large conference of `make bench` (run.py) into a throw-away
PostgreSQL database, then runs itself under `valgrind --tool=callgrind` with
counting switched on only around --posts registration POSTs through the Flask
test client (in-process: the app's own instructions, not PostgreSQL's, nor an
HTTP server's). Each POST is a new registrant choosing a session in each of the
first two slots, as in run.py. Prints millions of instructions per POST.

    .venv/bin/python bench/instructions.py [--posts 20]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_instructions]

Needs valgrind (Debian package). Takes about a minute: the code runs some
fifty times slower under callgrind.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import CSRF_RE, SECRET, field_value, recreate_database

SLOT_RE = re.compile(r'name="(slot-\d{8}T\d{4})" type="radio" value="(\d+)"')
WARM_UP = 10


def count(url: str, posts: int) -> None:
    """Under callgrind: warm up, then count `posts` POSTs (callgrind_control
    switches counting on and off for this process)."""
    from run import SLUG

    from eventapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "CHECK_DATABASE_ON_START": False,
                      "EVENTAPP_ENV": "production", "MAIL_DELIVERY": "keep", "PAGE_MICROCACHE_SECONDS": 0,
                      "REGISTRATION_RATE_LIMIT": "1000000 per minute", "SERVER_NAME": "localhost"})
    form = app.test_client().get(f"/c/{SLUG}/register")
    page = form.get_data(as_text=True)
    cookie = form.headers["Set-Cookie"].split(";")[0]
    slots: dict[str, list[str]] = {}
    for name, session_id in SLOT_RE.findall(page):
        slots.setdefault(name, []).append(session_id)
    first_two = sorted(slots)[:2]
    client = app.test_client(use_cookies=False)  # the same session cookie every time, as wrk sends it

    def post(n: int) -> None:
        data = {"csrf_token": field_value(CSRF_RE, page), "website": "", "full_name": "Peserta Hitung",
                "organisation": "Lembaga", "position": "Staf", "sector": "civil_society",
                "gender": "not_stated", "language": "id", "consent": "y",
                "email": f"hitung{n}@bench.example", "client_token": f"hitung-token-{n:06d}"}
        data |= {name: random.choice(slots[name]) for name in first_two}
        response = client.post(f"/c/{SLUG}/register", data=data, headers={"Cookie": cookie})
        assert response.status_code == 303, response.status_code

    for n in range(WARM_UP):
        post(n)
    switch = ["callgrind_control", "-i"]
    subprocess.run([*switch, "on", str(os.getpid())], capture_output=True, check=True)
    for n in range(WARM_UP, WARM_UP + posts):
        post(n)
    subprocess.run([*switch, "off", str(os.getpid())], capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_instructions",
                        help="database to create and drop (its name must start with 'bench')")
    parser.add_argument("--posts", type=int, default=20, help="POSTs counted (default 20)")
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)  # the run under callgrind
    args = parser.parse_args()
    if args.count:
        count(args.postgres_url, args.posts)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: `apt-get install valgrind`")
    recreate_database(args.postgres_url)
    workdir = Path(tempfile.mkdtemp(prefix="eventapp-instructions-"))
    try:
        from flask_migrate import upgrade
        from run import build
        from sqlalchemy import text

        from eventapp import create_app
        from eventapp.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": args.postgres_url, "SECRET_KEY": SECRET,
                          "CHECK_DATABASE_ON_START": False})
        with app.app_context():
            upgrade()
            build(20_000, 5_000)
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            db.engine.dispose()
        out = workdir / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                        sys.executable, __file__, "--count", "--posts", str(args.posts),
                        "--postgres-url", args.postgres_url],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        totals = [line for line in out.read_text().splitlines() if line.startswith(("summary:", "totals:"))]
        instructions = int(totals[-1].split()[1])
        print(f"{instructions / args.posts / 1e6:.2f} M instructions per registration POST "
              f"(Python {sys.version.split()[0]} at {sys.executable}; {args.posts} POSTs counted)")
    finally:
        recreate_database(args.postgres_url, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    random.seed(7)
    main()
