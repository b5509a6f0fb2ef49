"""What the benchmark scripts share: a throw-away PostgreSQL database, gunicorn
on a free loopback port, and a tiny cookie-keeping HTTP client."""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
SECRET = "bench-secret-not-for-production"

# Indonesian names for the generated people: 20 × 21 combinations, each family
# name on about one in 21 people (a desk search finds hundreds, not thousands).
GIVEN = ("Ahmad", "Budi", "Siti", "Dewi", "Agus", "Rina", "Hendra", "Yohana", "Made", "Nurhayati",
         "Ketut", "Fransiskus", "Abdul", "Wayan", "Maria", "Rudi", "Lestari", "Joko", "Fitri", "Yusuf")
FAMILY = ("Wijaya", "Santoso", "Harahap", "Siregar", "Nainggolan", "Pratama", "Kusuma", "Lubis",
          "Sinaga", "Saputra", "Hidayat", "Rahman", "Tanjung", "Sembiring", "Manurung", "Situmorang",
          "Nasution", "Putri", "Wibowo", "Gultom", "Pohan")


def person_name(n: int) -> str:
    return f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n // len(GIVEN)) % len(FAMILY)]}"


# --- the database ------------------------------------------------------------------------------


def pg_admin_url(url: str) -> tuple[str, str]:
    """(URL of the maintenance database, name of the benchmark database); refuses
    anything but PostgreSQL and names that do not start with "bench"."""
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL (postgresql+psycopg://…/bench_…)")
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to use {name!r}: the benchmark database's name must start with 'bench'")
    return parsed.set(database="postgres").render_as_string(hide_password=False), name


def recreate_database(url: str, drop_only: bool = False) -> None:
    admin, name = pg_admin_url(url)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop_only:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


# --- a tiny HTTP client with a cookie ------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CLIENT_TOKEN_RE = re.compile(r'name="client_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="client_token"')


def field_value(pattern: re.Pattern, html: str) -> str:
    match = pattern.search(html)
    if not match:
        raise ValueError(f"no {pattern.pattern[6:20]} in the page")
    return match.group(1) or match.group(2)


class Browser:
    """One visitor: keeps the session cookie; one connection per request (gunicorn sync workers)."""

    def __init__(self, port: int, timeout: float = 30, language: str = "en") -> None:
        self.port, self.timeout, self.cookie, self.language = port, timeout, "", language

    def request(self, method: str, url: str, fields: dict | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": self.language}
        body = None
        if self.cookie:
            headers["Cookie"] = self.cookie
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                pair = header.split(";", 1)[0]
                if pair.startswith("session="):
                    self.cookie = pair
            return response.status, page
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> Browser:
        status, page = self.request("GET", "/login")
        fields = {"csrf_token": field_value(CSRF_RE, page), "email": email, "password": password, "next": ""}
        status, page = self.request("POST", "/login", fields)
        if status != 303:
            raise SystemExit(f"{email} could not sign in (HTTP {status})")
        return self


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, url: str, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            if Browser(port, 2).request("GET", url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {limit:.0f} s")


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path, workers: int, ready_url: str,
             config: bool = True) -> Iterator[int]:
    """gunicorn serving `app` (e.g. "wsgi:app") on a free port until the block ends;
    yields the port. With config=True it reads the production gunicorn.conf.py."""
    port = free_port()
    command = [str(ROOT / ".venv/bin/gunicorn")]
    if config:
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += ["-w", str(workers), "-b", f"{HOST}:{port}", app]
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                                   stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_up(port, ready_url, process)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
