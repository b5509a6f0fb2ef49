"""A real SMTP server on loopback (aiosmtpd) and the mail worker as a process.

`smtp_server` records every message it accepts (and every one it refuses) and
can be told to refuse: all messages (`refuse_with`), everything after a number
of accepted ones (`accept_limit`), or given recipients at RCPT time
(`refuse_recipients`). `smtp_delivery` points the app at it. `workers` starts
`flask --app eventapp mail send …` in a subprocess against the test database.
"""
from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.invitations.bulk import BulkOptions, apply_bulk, lock_and_plan
from eventapp.mail.models import MessageStatus, OutboxMessage

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ACCEPTED = "250 2.0.0 OK: queued"
TRY_LATER = "451 4.3.0 try later"
NO_SUCH_USER = "550 5.1.1 no such user"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


class Recorder:
    """The aiosmtpd handler: runs in the controller's thread, hence the lock."""

    def __init__(self) -> None:
        self.port = 0
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.refused: list[Received] = []
        self.refuse_with: str | None = None  # the reply to every DATA
        self.accept_limit: int | None = None  # after this many accepted, refuse with `after_limit`
        self.after_limit = TRY_LATER
        self.refuse_recipients: dict[str, str] = {}  # address → reply at RCPT
        self.data_delay = 0.0  # seconds before answering DATA (a slow server)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        reply = self.refuse_recipients.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_delay:
            import asyncio

            await asyncio.sleep(self.data_delay)
        item = Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content or envelope.content)
        with self.lock:
            reply = self.refuse_with
            if reply is None and self.accept_limit is not None and len(self.received) >= self.accept_limit:
                reply = self.after_limit
            if reply is not None:
                self.refused.append(item)
                return reply
            self.received.append(item)
        return ACCEPTED

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return len(self.received), len(self.refused)

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for item in self.received for address in item.rcpt_tos]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    yield recorder
    controller.stop()


@pytest.fixture
def smtp_delivery(app, smtp_server, monkeypatch):
    """The app in this process sends to `smtp_server` (the tests default to "keep")."""
    for key, value in {
        "MAIL_DELIVERY": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port,
        "MAIL_RETRY_BASE_SECONDS": 0.2, "MAIL_TIMEOUT_SECONDS": 5.0, "MAIL_DEFAULT_SENDER": "panitia@eventapp.test",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server


class Workers:
    """`flask --app eventapp mail send …` processes; any left running are killed at the end."""

    def __init__(self, database_url: str, port: int, folder: Path) -> None:
        self.database_url = database_url
        self.port = port
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "test-secret",  # the secrets in the outbox are sealed with it
            "EVENTAPP_ENV": "development",
            "MAIL_DELIVERY": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.port),
            "MAIL_DEFAULT_SENDER": "panitia@eventapp.test",
            "MAIL_RETRY_BASE_SECONDS": "0.2",
            "MAIL_CLAIM_SECONDS": "2",
            "MAIL_TIMEOUT_SECONDS": "5",
            "BASE_URL": "http://eventapp.test",
            **env,
        }
        number = len(self.processes)
        with (self.folder / f"worker-{number}.out").open("wb") as out, \
                (self.folder / f"worker-{number}.err").open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "eventapp", "mail", "send", *args],
                cwd=PROJECT_ROOT, env=environment, stdout=out, stderr=err,
            )
        self.processes.append(process)
        return process

    def output(self, process: subprocess.Popen) -> str:
        number = self.processes.index(process)
        return "".join((self.folder / f"worker-{number}.{kind}").read_text() for kind in ("out", "err"))

    def stop(self, process: subprocess.Popen, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        if process.poll() is None:
            process.send_signal(sig)
        return process.wait(timeout)

    def kill_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.fixture
def workers(database_url, smtp_server, tmp_path):
    running = Workers(database_url, smtp_server.port, tmp_path)
    yield running
    running.kill_all()


# --- data -------------------------------------------------------------------------------


def delegates_csv(count: int, domain: str = "daerah.example", language: str = "id") -> str:
    lines = ["name,email,honorific,position,language,category"]
    lines += [f"Kepala Daerah {n},kepala{n:03d}@{domain},Bapak,Bupati,{language},Kepala daerah"
              for n in range(1, count + 1)]
    return "\n".join(lines) + "\n"


def invite_delegates(conference, count: int, **csv: str) -> None:
    """Bulk-invite `count` delegates from a CSV, as an organiser does: one transaction (committed)."""
    plan = lock_and_plan(conference, delegates_csv(count, **csv))
    assert plan.ok, [str(problem) for problem in plan.problems]
    assert apply_bulk(conference, plan, BulkOptions(), actor=None).invited == count
    db.session.commit()


def status_counts() -> dict[MessageStatus, int]:
    """Fresh from the database (another process may be writing)."""
    db.session.rollback()
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = {status: 0 for status in MessageStatus}
    counts.update({status: count for status, count in rows})
    db.session.rollback()
    return counts


def outbox() -> list[OutboxMessage]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
